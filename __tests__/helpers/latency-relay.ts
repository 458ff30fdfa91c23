// A TCP relay that adds latency to every chunk in both directions: a slow network between the
// action and the real Vault, so a run reliably outlives a short-lived token.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface LatencyRelay {
  readonly address: string;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The delay towards the server (default: the same as back): 0 delivers requests at once. */
  readonly requestDelayMs?: number;
  /** Sees each chunk from a client as it arrives (e.g. to act while a request is in flight). */
  readonly onRequestData?: (chunk: Buffer) => void;
}

/** `port`: listen there (e.g. the port of a relay closed before, to bring a route back). */
export async function startLatencyRelay(
  target: string,
  delayMs: number,
  port = 0,
  options: RelayOptions = {},
): Promise<LatencyRelay> {
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
    const delayed = (from: Socket, to: Socket, ms: number) => {
      from.on('data', (chunk: Buffer) => setTimeout(() => to.write(chunk), ms));
      from.on('end', () => setTimeout(() => to.end(), ms));
    };
    if (options.onRequestData) client.on('data', options.onRequestData);
    delayed(client, upstream, options.requestDelayMs ?? delayMs);
    delayed(upstream, client, delayMs);
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
