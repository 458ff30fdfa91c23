import { WorkloadApiClient } from '../core/spiffe/client.ts';
import { VaultClient } from '../core/vault/client.ts';
import type { Logger } from '../core/logger.ts';
import type { ActionConfig } from './inputs.ts';

/** The Vault client the config describes; retries stop at `deadlineMs` from now. */
export function createVaultClient(config: ActionConfig, logger: Logger, deadlineMs: number): VaultClient {
  if (config.tls.skipVerify) {
    logger.warning(
      `tls-skip-verify is on: the certificate of ${config.vaultAddr} is NOT checked, so anyone on the network path can read the token. Use ca-cert instead.`,
    );
  }
  return new VaultClient({
    address: config.vaultAddr,
    namespace: config.namespace,
    tls: config.tls,
    proxyEnv: process.env,
    requestTimeoutMs: Math.min(10_000, Math.max(1_000, deadlineMs)),
    retryPolicy: { initialDelayMs: 250, maxDelayMs: 5_000, deadlineMs: Math.max(0, deadlineMs) },
    logger,
  });
}

export function createWorkloadApiClient(config: ActionConfig, logger: Logger): WorkloadApiClient {
  return new WorkloadApiClient({ address: config.socketAddress, logger, timeoutMs: config.timeoutMs });
}
