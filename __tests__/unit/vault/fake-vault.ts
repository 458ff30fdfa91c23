// A scripted HTTP server for faults a real Vault cannot be made to show on demand
// (a 503 at the third request, 412 replication lag, 429, a reset connection).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type Reply = { status: number; body?: unknown } | 'reset';

export interface FakeVault {
  readonly address: string;
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

export async function startFakeVault(replies: readonly Reply[]): Promise<FakeVault> {
  const requests: FakeVault['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)] as Reply;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const FAST_RETRY = Object.freeze({ initialDelayMs: 1, maxDelayMs: 5, deadlineMs: 2_000 });

export const LOGIN_OK = {
  status: 200,
  body: {
    auth: {
      client_token: 's.secret-token',
      accessor: 'acc',
      policies: ['default', 'ci-sign'],
      lease_duration: 60,
      renewable: false,
    },
  },
};
