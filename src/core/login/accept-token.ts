/**
 * What every login method does with the token Vault issued: mask it, refuse (and revoke) one
 * that lives longer than allowed, say who logged in with what rights, and tag it with the identity.
 */
import { NOOP_LOGGER } from '../logger.ts';
import { assertTokenTtl, revokeSelf, type VaultToken } from '../vault/token.ts';
import type { LoginMethodOptions, LoginToken } from './types.ts';

export async function acceptToken(
  token: VaultToken,
  { options, spiffeId, how }: { readonly options: LoginMethodOptions; readonly spiffeId: string; readonly how: string },
): Promise<LoginToken> {
  options.onSecret(token.token);
  try {
    assertTokenTtl(token, { maxTtlSeconds: options.maxTokenTtlSeconds, role: options.role });
  } catch (error: unknown) {
    await revokeSelf(options.vault, token.token).catch(() => undefined);
    throw error;
  }
  (options.logger ?? NOOP_LOGGER).info(
    `Logged in to Vault at ${how}: policies ${token.policies.join(', ') || '(none)'}, ttl ${token.ttlSeconds} s`,
  );
  return { ...token, spiffeId };
}
