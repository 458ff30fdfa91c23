// A TCP relay that adds latency to every chunk in both directions: a slow network between the
// action and the real Vault, so a run reliably outlives a short-lived token.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface LatencyRelay {
  readonly address: string;
  close(): Promise<void>;
}

/** `port`: listen there (e.g. the port of a relay closed before, to bring a route back). */
export async function startLatencyRelay(target: string, delayMs: number, port = 0): Promise<LatencyRelay> {
  const url = new URL(target);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(url.port), url.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Equal delays fire in the order they were set, so the byte stream stays in order.
    const delayed = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => setTimeout(() => to.write(chunk), delayMs));
      from.on('end', () => setTimeout(() => to.end(), delayMs));
    };
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as { port: number }).port;
  return {
    address: `${url.protocol}//127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
