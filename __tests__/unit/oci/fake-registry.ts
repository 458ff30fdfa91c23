// A scripted HTTP server for the faults a real registry cannot show on demand: a 503 before a
// good answer, 429, a connection reset, a token service. Each route answers from a queue of
// scripted responses; the last one repeats.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Scripted {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Destroy the socket instead of answering. */
  readonly reset?: boolean;
}

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly accept: string | undefined;
  readonly body: string;
}

export class FakeRegistry {
  readonly seen: Seen[] = [];
  private readonly routes = new Map<string, Scripted[] | ((req: Seen) => Scripted)>();
  private server: Server | undefined;
  host = '';

  /** `METHOD /path` (path without the query) → answers in order, the last repeating. */
  on(route: string, answers: Scripted[] | ((req: Seen) => Scripted)): this {
    this.routes.set(route, answers);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.seen.push(seen);
    const route = this.routes.get(`${seen.method} ${seen.url.split('?')[0]}`);
    let answer: Scripted;
    if (typeof route === 'function') answer = route(seen);
    else if (route && route.length > 0) answer = (route.length > 1 ? route.shift() : route[0]) as Scripted;
    else answer = { status: 404, body: '{"errors":[{"code":"NOT_SCRIPTED"}]}' };
    if (answer.reset) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status ?? 200, answer.headers ?? {});
    res.end(answer.body ?? '');
  }
}
