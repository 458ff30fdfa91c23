/**
 * The job-local Vault proxy: an HTTP server on a unix socket (or loopback port) that forwards
 * every request to Vault with the session's current token. Clients hold no token at all.
 */
import { chmodSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AllowList } from './allow-list.ts';
import { forward, type ForwardStats, type Upstream } from './forward.ts';
import { vaultAddrOf, type ListenAddress } from './listen-address.ts';
import type { TokenProvider } from '../vault/session.ts';

/** The proxy could not listen on its socket or port. */
export const PROXY_ERROR_CODES = ['PROXY_LISTEN_FAILED'] as const;
export class ProxyError extends CodedError<(typeof PROXY_ERROR_CODES)[number]> {}

export interface VaultProxyOptions {
  readonly upstream: Upstream;
  readonly tokens: TokenProvider;
  readonly tokenState: (token: string) => Promise<'valid' | 'invalid' | 'unknown'>;
  readonly allow: AllowList;
  /** The proxy's tokens, to blank out of answers. */
  readonly secrets: () => readonly string[];
  readonly logger: Logger;
}

/** How long requests under way may finish when the proxy stops. */
export const DRAIN_GRACE_MS = 5_000;

export class VaultProxy {
  readonly stats: ForwardStats = { requests: 0, denied: 0, failed: 0, replayed: 0 };
  private readonly server: http.Server;
  private readonly inFlight = new Set<Promise<void>>();
  private address: ListenAddress | undefined;

  constructor(options: VaultProxyOptions) {
    const context = {
      upstream: options.upstream,
      tokens: options.tokens,
      tokenState: options.tokenState,
      allow: options.allow,
      secrets: options.secrets,
      stats: this.stats,
      debug: (message: string) => options.logger.debug(`proxy: ${message}`),
    };
    this.server = http.createServer((req, res) => {
      // Under way until the answer is sent (or the client is gone), not until forwarding began.
      const done = new Promise<void>((resolve) => res.once('close', resolve));
      this.inFlight.add(done);
      void done.then(() => this.inFlight.delete(done));
      void forward(context, req, res);
    });
  }

  /** Starts serving; resolves with the address as clients write VAULT_ADDR. */
  async listen(address: ListenAddress): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => reject(listenFailure(address, error));
      this.server.once('error', failed);
      const ready = () => {
        this.server.off('error', failed);
        resolve();
      };
      if (address.kind === 'unix') this.server.listen(address.path, ready);
      else this.server.listen(address.port, address.host, ready);
    });
    this.address = address;
    if (address.kind === 'unix') chmodSync(address.path, 0o600);
    const port = address.kind === 'tcp' ? (this.server.address() as AddressInfo).port : undefined;
    return vaultAddrOf(address, port);
  }

  /** Stops accepting, lets requests under way finish (up to DRAIN_GRACE_MS), removes the socket. */
  async close(graceMs = DRAIN_GRACE_MS): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const drained = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
    if (this.address?.kind === 'unix' && this.address.privateDir) {
      rmSync(this.address.privateDir, { recursive: true, force: true });
    }
  }
}

function listenFailure(address: ListenAddress, error: NodeJS.ErrnoException): ProxyError {
  const where = address.kind === 'unix' ? address.path : `${address.host}:${address.port}`;
  const fix =
    error.code === 'EADDRINUSE'
      ? address.kind === 'tcp'
        ? 'choose another port, or leave the listen address empty for a private unix socket'
        : 'remove the stale socket, or choose another path'
      : error.code === 'EACCES'
        ? 'choose a folder or port this user may use'
        : 'check the listen address';
  return new ProxyError(
    'PROXY_LISTEN_FAILED',
    `the proxy cannot listen on ${where} (${error.code ?? error.message}) — ${fix}`,
  );
}
