/**
 * Reading an HTTP answer's body within a byte limit, for both clients (the registry's and
 * Vault's): an answer past the limit, or announcing more in its Content-Length, drops the
 * connection at once; nothing past the limit is ever buffered.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface BoundedBodyHandlers {
  readonly body: (bytes: Buffer) => void;
  readonly tooLarge: () => void;
  readonly failed: (error: NodeJS.ErrnoException) => void;
}

/**
 * Collects `res`'s body, calling exactly one handler. `trustLength` false: the Content-Length is
 * not this body's size (a HEAD answer gives the size of what a GET would send).
 */
export function readBoundedBody(
  exchange: { readonly req: ClientRequest; readonly res: IncomingMessage },
  bounds: { readonly limit: number; readonly trustLength: boolean },
  handlers: BoundedBodyHandlers,
): void {
  const { req, res } = exchange;
  const tooLarge = () => {
    res.destroy();
    req.destroy();
    handlers.tooLarge();
  };
  if (bounds.trustLength && Number(res.headers['content-length']) > bounds.limit) return tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > bounds.limit) return tooLarge();
    chunks.push(chunk);
  });
  res.on('error', handlers.failed);
  res.on('end', () => handlers.body(Buffer.concat(chunks)));
}
