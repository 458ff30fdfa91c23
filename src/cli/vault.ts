// Loaded only by the commands that talk to Vault: help, version and verify-blob do not pay for it.
import { describeError } from '../core/errors.ts';
import { loginWithIdentity, type IdentityLoginResult } from '../core/login.ts';
import { WorkloadApiClient } from '../core/spiffe/client.ts';
import { deadlineOptions, VaultClient } from '../core/vault/client.ts';
import { revokeSelf } from '../core/vault/token.ts';
import type { LoginConfig, VaultConfig } from './config.ts';
import type { RedactingLogger } from './logger.ts';

/** Revocation gets its own, shorter budget: it also runs when a CI runner is stopping the job. */
export const REVOKE_DEADLINE_MS = 15_000;

let warnedInsecure = false;

/** The Vault client the config describes; retries stop at `deadlineMs` from each request's start. */
export function createVaultClient(config: VaultConfig, logger: RedactingLogger, deadlineMs: number): VaultClient {
  if (config.tls.skipVerify && !warnedInsecure) {
    warnedInsecure = true;
    logger.warning(
      `--tls-skip-verify is on: the certificate of ${config.vaultAddr} is NOT checked, so anyone on the network path can read the token. Use --ca-cert instead.`,
    );
  }
  return new VaultClient({
    address: config.vaultAddr,
    namespace: config.namespace,
    tls: config.tls,
    proxyEnv: config.proxyEnv,
    ...deadlineOptions(deadlineMs),
    logger,
  });
}

/** Logs in with the workload's SPIFFE identity, as often as asked (a session re-logs in). */
export interface IdentityLogin {
  readonly vault: VaultClient;
  login(): Promise<IdentityLoginResult>;
  /** Closes the Workload API connection; logging in again is then impossible. */
  close(): void;
}

export function createIdentityLogin(vault: VaultConfig, login: LoginConfig, logger: RedactingLogger): IdentityLogin {
  const svids = new WorkloadApiClient({ address: login.socketAddress, logger, timeoutMs: vault.timeoutMs });
  const client = createVaultClient(vault, logger, vault.timeoutMs);
  return {
    vault: client,
    login: () =>
      loginWithIdentity({
        svids,
        vault: client,
        audiences: login.audiences,
        spiffeId: login.spiffeId,
        role: login.role,
        authPath: login.authPath,
        ...(login.maxTokenTtlSeconds !== undefined ? { maxTokenTtlSeconds: login.maxTokenTtlSeconds } : {}),
        onSecret: (secret) => logger.redact(secret),
        logger,
      }),
    close: () => svids.close(),
  };
}

/**
 * Revokes tokens we minted. Never throws: a failure is a warning (the token then lives until its
 * TTL ends). Returns whether every token is gone.
 */
export async function revokeTokens(
  config: VaultConfig,
  tokens: readonly string[],
  logger: RedactingLogger,
): Promise<boolean> {
  if (tokens.length === 0) return true;
  const vault = createVaultClient(config, logger, REVOKE_DEADLINE_MS);
  let allGone = true;
  for (const [index, token] of tokens.entries()) {
    const label = tokens.length > 1 ? `Vault token ${index + 1} of ${tokens.length}` : 'Vault token';
    try {
      const outcome = await revokeSelf(vault, token);
      logger.info(
        outcome === 'revoked' ? `Revoked the ${label}.` : `The ${label} had already expired or been revoked.`,
      );
    } catch (error: unknown) {
      allGone = false;
      logger.warning(
        `could not revoke the ${label}: ${describeError(error)}. It stays valid until its TTL ends; ` +
          'check that Vault is reachable and that the token may use auth/token/revoke-self (the default policy allows it).',
      );
    }
  }
  return allGone;
}
