// A small misbehaving HTTP server on a loopback address: it answers from a handler that sees
// which host was asked (the Host header, or the absolute URL when it is used as an HTTP proxy),
// so one server can play a registry, the storage it redirects to and a token service. It records
// every exchange with its Authorization header, and can stream a huge body with backpressure,
// counting what the client actually took.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  /** host[:port] the request was for. */
  readonly host: string;
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface Answer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string | Buffer;
  /** Stream this many bytes of `{` padding instead of `body` (with backpressure). */
  readonly streamBytes?: number;
}

export type Handler = (exchange: Exchange) => Answer;

const CHUNK = Buffer.alloc(64 * 1024, ' ');

export class TestServer {
  readonly seen: Exchange[] = [];
  /** Bytes of streamed bodies written to sockets (what the client took, plus socket buffers). */
  streamedBytes = 0;
  handler: Handler = () => ({ status: 404 });
  private server: Server | undefined;
  private address = '';

  /** Listens on `ip` (default 127.0.0.1), any free port. */
  static async start(handler: Handler, ip = '127.0.0.1'): Promise<TestServer> {
    const test = new TestServer();
    test.handler = handler;
    const server = createServer((req, res) => void test.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, ip, resolve));
    test.server = server;
    test.address = `${ip}:${(server.address() as AddressInfo).port}`;
    return test;
  }

  /** `ip:port`: the host name a client uses. */
  get host(): string {
    return this.address;
  }

  /** Exchanges for one host. */
  seenBy(host: string): Exchange[] {
    return this.seen.filter((e) => e.host === host);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.url ?? '/';
    const absolute = /^https?:\/\//.test(target) ? new URL(target) : undefined;
    const exchange: Exchange = {
      host: absolute?.host ?? req.headers.host ?? '',
      method: req.method ?? '',
      path: absolute ? `${absolute.pathname}${absolute.search}` : target,
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.seen.push(exchange);
    const answer = this.handler(exchange);
    const headers = Object.entries(answer.headers ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    res.writeHead(answer.status ?? 200, Object.fromEntries(headers));
    if (answer.streamBytes === undefined) {
      res.end(answer.body ?? '');
      return;
    }
    let left = answer.streamBytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= chunk.length;
        this.streamedBytes += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (left === 0) res.end();
    };
    res.on('close', () => (left = 0));
    pump();
  }
}

/** A distribution error body. */
export function registryError(code: string): string {
  return JSON.stringify({ errors: [{ code, message: code.toLowerCase() }] });
}
