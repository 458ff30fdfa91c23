import { deadlineOptions, VaultClient } from '../core/vault/client.ts';
import type { Logger } from '../core/logger.ts';
import type { ActionConfig } from './inputs.ts';

/** The Vault client the config describes; each request's retries stop after `deadlineMs`. */
export function createVaultClient(config: ActionConfig, logger: Logger, deadlineMs: number): VaultClient {
  return new VaultClient({
    address: config.vaultAddr,
    namespace: config.namespace,
    tls: config.tls,
    proxyEnv: process.env,
    ...deadlineOptions(deadlineMs),
    logger,
  });
}

export function warnIfTlsUnchecked(config: ActionConfig, logger: Logger): void {
  if (config.tls.skipVerify) {
    logger.warning(
      `tls-skip-verify is on: the certificate of ${config.vaultAddr} is NOT checked, so anyone on the network path can read the token. Use ca-cert instead.`,
    );
  }
}
