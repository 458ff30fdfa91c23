/**
 * The one revocation routine: the action's post step, its `run` input, the CLI's exec, signing
 * commands and `revoke` all revoke through it. It never throws: a token it cannot revoke is a
 * warning (the token then lives until its TTL ends), and the report says how it went.
 */
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { VaultClient } from '../vault/client.ts';
import { revokeSelf } from '../vault/token.ts';

/** Revocation gets its own, short budget: it also runs while a CI runner is stopping the job. */
export const REVOKE_DEADLINE_MS = 15_000;

/**
 * The revocation budget of a run given `timeoutMs` for Vault: that, at most REVOKE_DEADLINE_MS. A
 * run told to give Vault 5 s does not wait 15 s more for a Vault that is gone.
 */
export function revokeDeadlineMs(timeoutMs: number | undefined): number {
  return timeoutMs === undefined || !(timeoutMs > 0) ? REVOKE_DEADLINE_MS : Math.min(REVOKE_DEADLINE_MS, timeoutMs);
}

/**
 * A stop signal during a login: how long to wait for the token that may be on its way, so it is
 * revoked (or saved for the action's post step) instead of living until its TTL ends.
 */
export const LOGIN_ABORT_GRACE_MS = 3_000;

export interface RevokeReport {
  readonly revoked: number;
  readonly alreadyGone: number;
  readonly failed: number;
}

export async function revokeTokens(
  vault: VaultClient,
  options: { readonly tokens: readonly string[]; readonly logger: Logger },
): Promise<RevokeReport> {
  const { tokens, logger } = options;
  let revoked = 0;
  let alreadyGone = 0;
  let failed = 0;
  for (const [index, token] of tokens.entries()) {
    const label = tokens.length > 1 ? `Vault token ${index + 1} of ${tokens.length}` : 'Vault token';
    try {
      if ((await revokeSelf(vault, token)) === 'revoked') {
        revoked++;
        logger.info(`Revoked the ${label}.`);
      } else {
        alreadyGone++;
        logger.info(`The ${label} had already expired or been revoked.`);
      }
    } catch (error: unknown) {
      failed++;
      logger.warning(
        `could not revoke the ${label}: ${describeError(error)}. It stays valid until its TTL ends; ` +
          'check that Vault is reachable and that the token may use auth/token/revoke-self (the default policy allows it).',
      );
    }
  }
  return { revoked, alreadyGone, failed };
}
