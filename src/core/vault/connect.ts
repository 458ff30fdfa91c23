/** A Vault client for a parsed connection: one place that turns options into a client. */
import type { Logger } from '../logger.ts';
import type { VaultConnection } from '../options/config.ts';
import { deadlineOptions, VaultClient } from './client.ts';

export interface ConnectOptions {
  readonly logger: Logger;
  /** Retries of each request stop this long after it started (default: the connection's timeout). */
  readonly deadlineMs?: number;
  /** HTTP(S)_PROXY / NO_PROXY as the adapter's environment has them. */
  readonly proxyEnv: Readonly<Record<string, string | undefined>>;
}

export function connectVault(connection: VaultConnection, options: ConnectOptions): VaultClient {
  return new VaultClient({
    address: connection.vaultAddr,
    namespace: connection.namespace,
    tls: connection.tls,
    proxyEnv: options.proxyEnv,
    ...deadlineOptions(options.deadlineMs ?? connection.timeoutMs),
    logger: options.logger,
  });
}

/** The one warning a run with tls-skip-verify gets. */
export function tlsSkipVerifyWarning(connection: VaultConnection): string | undefined {
  if (!connection.tls.skipVerify) return undefined;
  return `tls-skip-verify is on: the certificate of ${connection.vaultAddr} is NOT checked, so anyone on the network path can read the token. Use ca-cert instead.`;
}
