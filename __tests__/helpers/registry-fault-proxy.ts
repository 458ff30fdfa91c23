// An HTTP proxy in front of a real registry that misbehaves on cue: a fault a real registry
// cannot be made to show (a 500 at the second request, a reset in the middle of an upload, a
// 201 for a write it never forwarded). Everything else is forwarded unchanged, and Location
// headers that name the registry are rewritten to the proxy so uploads stay behind it.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

export type RegistryFault =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Reads the first chunk of the request body, then drops the connection without an answer. */
  | { readonly kind: 'reset' }
  /** Answers 201 (with the Location and digest a registry would send) without forwarding. */
  | { readonly kind: 'fake-created' };

export interface FaultRule {
  readonly method: string;
  readonly path: RegExp;
  readonly fault: RegistryFault;
  /** How many matching requests get the fault (default 1); the ones after are forwarded. */
  readonly times?: number;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** The fault's kind, or 'forwarded'. */
  readonly outcome: string;
}

export interface RegistryFaultProxy {
  /** host:port, to use in image references instead of the registry's. */
  readonly host: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startRegistryFaultProxy(
  registry: string,
  rules: readonly FaultRule[],
): Promise<RegistryFaultProxy> {
  const left = rules.map((rule) => rule.times ?? 1);
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let host = '';
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const at = rules.findIndex((rule, i) => (left[i] ?? 0) > 0 && rule.method === method && rule.path.test(path));
    const rule = rules[at];
    if (!rule) {
      seen.push({ method, path, outcome: 'forwarded' });
      return forward(req, res, { registry, proxy: host });
    }
    left[at] = (left[at] ?? 0) - 1;
    seen.push({ method, path, outcome: rule.fault.kind === 'status' ? String(rule.fault.status) : rule.fault.kind });
    const fault = rule.fault;
    if (fault.kind === 'reset') {
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return;
    }
    req.resume();
    req.on('end', () => {
      if (fault.kind === 'status') {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `injected ${fault.status}` }] }));
        return;
      }
      const digest = new URL(path, 'http://x').searchParams.get('digest') ?? '';
      const name = /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(path)?.[1] ?? '';
      res.writeHead(201, {
        location: path.includes('/manifests/') ? path : `/v2/${name}/blobs/${digest}`,
        ...(digest ? { 'docker-content-digest': digest } : {}),
        'content-length': '0',
      });
      res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    host,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(
  req: IncomingMessage,
  res: import('node:http').ServerResponse,
  where: { readonly registry: string; readonly proxy: string },
): void {
  const [hostname, port] = where.registry.split(':');
  const upstream = request(
    {
      hostname,
      port: Number(port),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: where.registry },
    },
    (answer) => {
      const headers = { ...answer.headers };
      if (typeof headers.location === 'string') {
        headers.location = headers.location.replace(`//${where.registry}/`, `//${where.proxy}/`);
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}
