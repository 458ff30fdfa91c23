/**
 * Token checks, after a successful login: policies, TTL and max TTL, service or batch, renewable,
 * revoke-self allowed. lookup-self and sys/capabilities-self are rights of the default policy; a
 * token without it falls back to what the login answered.
 */
import { answerOf } from '../../diagnose/vault.ts';
import { trimSlashes } from '../../parse.ts';
import type { VaultClient } from '../../vault/client.ts';
import { VaultHttpError } from '../../vault/errors.ts';
import { skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';
import {
  maxTtlCheck,
  policiesCheck,
  renewableCheck,
  revokeSelfCheck,
  ttlCheck,
  typeCheck,
  type TokenFacts,
} from './token-checks.ts';

interface LookupSelf {
  policies?: string[] | null;
  identity_policies?: string[] | null;
  creation_ttl?: number;
  explicit_max_ttl?: number;
  renewable?: boolean;
  type?: string;
}

const REVOKE_SELF = 'auth/token/revoke-self';

export const tokenSection: DoctorSection = {
  area: 'token',
  checks: ['token.policies', 'token.ttl', 'token.max-ttl', 'token.type', 'token.renewable', 'token.revoke-self'],
  async run(ctx) {
    const { vault, token } = ctx.state;
    if (!vault || !token) {
      ctx.add(skip('token.policies', 'token', 'needs a login'));
      return;
    }
    const lookup = await lookupSelf(vault, token.token).catch((error: unknown) => {
      ctx.deps.logger.debug(`lookup-self failed (the token's own answer is used): ${answerOf(error)}`);
      return undefined;
    });
    const { login } = ctx.plan;
    const facts: TokenFacts = {
      method: login.method,
      authPath: trimSlashes(login.authPath),
      role: login.role,
      policies: lookup?.policies ?? token.policies,
      identityPolicies: lookup?.identity_policies ?? [],
      ttlSeconds: lookup?.creation_ttl ?? token.ttlSeconds,
      explicitMaxTtlSeconds: lookup?.explicit_max_ttl ?? 0,
      renewable: lookup?.renewable ?? token.renewable,
      type: lookup?.type ?? ctx.state.tokenType,
      roleFields: ctx.state.jwtRole,
    };
    ctx.add(policiesCheck(facts));
    ctx.add(ttlCheck(facts));
    ctx.add(maxTtlCheck(facts));
    ctx.add(typeCheck(facts));
    ctx.add(renewableCheck(facts));
    ctx.add(revokeSelfCheck(facts, await revokeSelfCapabilities(vault, token.token)));
  },
};

async function lookupSelf(vault: VaultClient, token: string): Promise<LookupSelf> {
  const answer = await vault.request<{ data: LookupSelf }>({ method: 'GET', path: '/auth/token/lookup-self', token });
  return answer.data;
}

/** The token's capabilities on auth/token/revoke-self, or 'denied' when it may not ask (403). */
async function revokeSelfCapabilities(vault: VaultClient, token: string): Promise<readonly string[] | 'denied'> {
  try {
    const answer = await vault.request<{ data?: Record<string, string[]> } & Record<string, unknown>>({
      method: 'POST',
      path: '/sys/capabilities-self',
      body: { paths: [REVOKE_SELF] },
      token,
    });
    return answer.data?.[REVOKE_SELF] ?? (answer[REVOKE_SELF] as string[] | undefined) ?? [];
  } catch (error: unknown) {
    if (error instanceof VaultHttpError && error.status === 403) return 'denied';
    throw error;
  }
}
