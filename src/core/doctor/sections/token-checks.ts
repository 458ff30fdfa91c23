/**
 * The token checks as pure functions of what the login answer, lookup-self and
 * sys/capabilities-self said (and the role, when the read token could read it).
 */
import { roleWriteCommand } from '../../diagnose/jwt-login-fix.ts';
import { fail, ok, skip, warn, type CheckResult } from '../check.ts';
import type { JwtRoleFields } from './login-role.ts';

/**
 * A token that lives longer than this is worth a warning: a CI job's signing step needs seconds
 * to minutes (and spiffe-vault logs in again when a token runs out), the JWT-SVID that minted it
 * lives 5 minutes by default, and every hour beyond the job is an hour a leaked token still works.
 */
export const TOKEN_TTL_WARN_SECONDS = 3600;

export interface TokenFacts {
  readonly method: 'jwt' | 'cert';
  readonly authPath: string;
  readonly role: string;
  readonly policies: readonly string[];
  readonly identityPolicies: readonly string[];
  /** The TTL it was issued with. */
  readonly ttlSeconds: number;
  /** 0 when none was set on the token itself. */
  readonly explicitMaxTtlSeconds: number;
  readonly renewable: boolean;
  /** 'service' | 'batch'; undefined when neither the login nor lookup-self said. */
  readonly type: string | undefined;
  /** The read token's view of the role (jwt only). */
  readonly roleFields: JwtRoleFields | undefined;
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A fix on the role: the exact command for a JWT role; words only for a cert role. */
function roleFix(facts: TokenFacts, fields: Record<string, string>): { commands?: string[]; where: string } {
  const pairs = Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  if (facts.method === 'jwt') return { commands: [roleWriteCommand(facts, fields)], where: pairs };
  return { where: `${pairs} on auth/${facts.authPath}/certs/${facts.role}` };
}

export function policiesCheck(facts: TokenFacts): CheckResult {
  const all = [...facts.policies, ...facts.identityPolicies.map((policy) => `${policy} (identity)`)];
  const seen = `policies ${JSON.stringify(all)}`;
  if (all.some((policy) => policy !== 'default')) return ok('token.policies', 'policies', seen);
  return warn('token.policies', 'policies', `${seen}: the token may look itself up and revoke itself, nothing else`, {
    fix: `give the role the policy the job needs (token_policies=POLICY${facts.method === 'jwt' ? `: \`vault write auth/${facts.authPath}/role/${facts.role} role_type=jwt token_policies=POLICY\`` : ` on auth/${facts.authPath}/certs/${facts.role}`})`,
  });
}

export function ttlCheck(facts: TokenFacts): CheckResult {
  const seen = `issued for ${duration(facts.ttlSeconds)}`;
  if (facts.ttlSeconds <= TOKEN_TTL_WARN_SECONDS) return ok('token.ttl', 'TTL', seen);
  const fix = roleFix(facts, { token_ttl: '60s', token_max_ttl: '60s' });
  return warn('token.ttl', 'TTL', `${seen}, longer than a CI job needs (over ${duration(TOKEN_TTL_WARN_SECONDS)})`, {
    fix: `issue short tokens (spiffe-vault logs in again when one runs out; give a few minutes if a step uses the exported token itself): ${fix.where}`,
    ...(fix.commands ? { commands: fix.commands } : {}),
  });
}

export function maxTtlCheck(facts: TokenFacts): CheckResult {
  if (!facts.renewable) return ok('token.max-ttl', 'max TTL', 'not renewable: the token ends with its TTL');
  const max = facts.explicitMaxTtlSeconds || facts.roleFields?.token_max_ttl;
  if (max === undefined) {
    const how = facts.method === 'jwt' ? ' (set VAULT_TOKEN to a token that may read the role)' : '';
    return skip(
      'token.max-ttl',
      'max TTL',
      `renewable up to the role's token_max_ttl, which this token cannot see${how}`,
    );
  }
  const seen =
    max === 0
      ? "renewable up to the mount's or the server's max TTL (32 days unless tuned): the role sets no token_max_ttl"
      : `renewable up to ${duration(max)}`;
  if (max !== 0 && max <= TOKEN_TTL_WARN_SECONDS) return ok('token.max-ttl', 'max TTL', seen);
  const fix = roleFix(facts, { token_max_ttl: `${Math.min(Math.max(facts.ttlSeconds, 60), TOKEN_TTL_WARN_SECONDS)}s` });
  return warn('token.max-ttl', 'max TTL', max === 0 ? seen : `${seen}, longer than a CI job needs`, {
    fix: `cap renewals: ${fix.where}`,
    ...(fix.commands ? { commands: fix.commands } : {}),
  });
}

export function typeCheck(facts: TokenFacts): CheckResult {
  if (facts.type === undefined)
    return skip('token.type', 'token type', 'neither the login answer nor lookup-self said');
  if (facts.type !== 'batch') return ok('token.type', 'token type', facts.type);
  const fix = roleFix(facts, { token_type: 'service' });
  return fail(
    'token.type',
    'token type',
    'batch: a batch token cannot be revoked ("batch tokens cannot be revoked"), so it outlives the job',
    {
      code: 'VAULT_REVOKE_FAILED',
      reason: 'batch-token',
      fix: `issue service tokens: ${fix.where} (or default-service)`,
      ...(fix.commands ? { commands: fix.commands } : {}),
    },
  );
}

export function renewableCheck(facts: TokenFacts): CheckResult {
  return ok(
    'token.renewable',
    'renewable',
    facts.renewable ? 'renewable (up to its max TTL)' : 'not renewable (spiffe-vault logs in again when it runs out)',
  );
}

/** What sys/capabilities-self said about auth/token/revoke-self: its capabilities, or 'denied' (403). */
export function revokeSelfCheck(facts: TokenFacts, capabilities: readonly string[] | 'denied'): CheckResult {
  const allowed = capabilities !== 'denied' && capabilities.some((c) => c === 'update' || c === 'root' || c === 'sudo');
  if (allowed) return ok('token.revoke-self', 'revoke-self', 'auth/token/revoke-self allowed');
  const seen =
    capabilities === 'denied'
      ? 'the token may not even ask what it may do (sys/capabilities-self, a right of the default policy): it cannot revoke itself'
      : `auth/token/revoke-self: ${JSON.stringify(capabilities)}`;
  const policy = ['path "auth/token/revoke-self" { capabilities = ["update"] }'];
  const extra = { code: 'VAULT_REVOKE_FAILED', reason: 'revoke-self-denied', policy };
  if (!facts.policies.includes('default')) {
    const fix = roleFix(facts, { token_no_default_policy: 'false' });
    return fail('token.revoke-self', 'revoke-self', seen, {
      ...extra,
      fix: `give the token the default policy back (${fix.where}), or add the policy line to the role's policy`,
      ...(fix.commands ? { commands: fix.commands } : {}),
    });
  }
  return fail('token.revoke-self', 'revoke-self', seen, {
    ...extra,
    fix: "the default policy was changed: add the policy line back to it (or to the role's policy)",
  });
}
