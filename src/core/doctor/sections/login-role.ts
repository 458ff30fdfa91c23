/**
 * The login's role and the JWT config compared with the JWT-SVID, field by field. They are read
 * with the read token (an admin's VAULT_TOKEN) only: the CI token can rarely read them. Each
 * mismatch comes with the exact command that fixes it (jwt-login-fix.ts has why they look so).
 */
import { algorithmFixCommand, boundClaimsFixCommand, roleWriteCommand } from '../../diagnose/jwt-login-fix.ts';
import { fail, ok, warn, type CheckResult } from '../check.ts';

/** The role fields doctor looks at (as `vault read auth/P/role/R` shows them). */
export interface JwtRoleFields {
  readonly role_type?: string;
  readonly bound_audiences?: readonly string[] | null;
  readonly bound_subject?: string;
  readonly bound_claims?: Readonly<Record<string, unknown>> | null;
  readonly bound_claims_type?: string;
  readonly user_claim?: string;
  readonly token_type?: string;
  readonly token_ttl?: number;
  readonly token_max_ttl?: number;
  readonly token_no_default_policy?: boolean;
}

export interface JwtConfigFields {
  readonly jwt_supported_algs?: readonly string[] | null;
}

/** What the JWT-SVID carries (claims decoded, not secret). */
export interface SvidFacts {
  readonly spiffeId: string;
  readonly audiences: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
  readonly algorithm: string;
}

export interface RoleTarget {
  readonly authPath: string;
  readonly role: string;
}

const list = (values: readonly string[]) => values.join(',');

function globMatch(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(value);
}

/** One bound claim against the token's value: string (exact, any of a list) or glob. */
function claimSatisfied(bound: unknown, actual: unknown, glob: boolean): boolean {
  const wanted = (Array.isArray(bound) ? bound : [bound]).map(String);
  const values = (Array.isArray(actual) ? actual : [actual]).map(String);
  return values.some((value) => wanted.some((w) => (glob ? globMatch(w, value) : w === value)));
}

export function compareRole(role: JwtRoleFields, svid: SvidFacts, target: RoleTarget): CheckResult[] {
  const write = (fields: Record<string, string>) => roleWriteCommand(target, fields);
  const checks: CheckResult[] = [];
  const type = role.role_type ?? '';
  checks.push(
    type === 'jwt'
      ? ok('login.role-type', 'role type', 'role_type jwt')
      : fail('login.role-type', 'role type', `role_type ${type || '(none)'}: JWT-SVIDs need jwt`, {
          code: 'VAULT_LOGIN_DENIED',
          reason: 'role-type-oidc',
          fix: 'set role_type=jwt (oidc, the default, is for browser logins); give it in every later write of the role',
          commands: [write({})],
        }),
  );

  const bound = role.bound_audiences ?? [];
  const matching = svid.audiences.filter((aud) => bound.includes(aud));
  const seenAud = `aud ${JSON.stringify(svid.audiences)}, the role binds ${JSON.stringify(bound)}`;
  if (matching.length > 0) checks.push(ok('login.audience', 'audience', seenAud));
  else {
    const added = [...bound, ...svid.audiences.filter((aud) => !bound.includes(aud))];
    const other = bound.length
      ? ` — or run with audience ${bound[0]} (--audience ${bound[0]}, the action's audience input)`
      : '';
    checks.push(
      fail('login.audience', 'audience', seenAud, {
        code: 'VAULT_LOGIN_DENIED',
        reason: bound.length ? 'audience-mismatch' : 'audiences-unbound',
        fix: `bind the JWT-SVID's audience to the role, keeping the ones it has${other}`,
        commands: [write({ bound_audiences: list(added) })],
      }),
    );
  }

  const claims = role.bound_claims ?? {};
  const subject = role.bound_subject ?? '';
  const seenSub = `sub ${svid.spiffeId}, bound_subject ${subject ? `'${subject}'` : '(none)'}`;
  if (subject === svid.spiffeId) checks.push(ok('login.subject', 'SPIFFE ID', seenSub));
  else if (subject !== '') {
    checks.push(
      fail('login.subject', 'SPIFFE ID', seenSub, {
        code: 'VAULT_LOGIN_DENIED',
        reason: 'subject-mismatch',
        fix: `bind the role to the workload's SPIFFE ID`,
        commands: [write({ bound_subject: svid.spiffeId })],
      }),
    );
  } else if (!('sub' in claims)) {
    checks.push(
      warn(
        'login.subject',
        'SPIFFE ID',
        `${seenSub}: any workload with a JWT-SVID for this audience may use the role`,
        {
          fix: 'bind the role to the one SPIFFE ID that may use it',
          commands: [write({ bound_subject: svid.spiffeId })],
        },
      ),
    );
  } else checks.push(ok('login.subject', 'SPIFFE ID', `${seenSub}; bound_claims binds sub`));

  const glob = role.bound_claims_type === 'glob';
  const unmet = Object.entries(claims).filter(([name, value]) => !claimSatisfied(value, svid.claims[name], glob));
  if (Object.keys(claims).length === 0) checks.push(ok('login.bound-claims', 'bound claims', 'none'));
  else if (unmet.length === 0) checks.push(ok('login.bound-claims', 'bound claims', `${JSON.stringify(claims)} met`));
  else {
    const missing = unmet.filter(([name]) => !(name in svid.claims)).map(([name]) => name);
    checks.push(
      fail(
        'login.bound-claims',
        'bound claims',
        `not met: ${unmet.map(([name]) => `${name} (${name in svid.claims ? `token has ${JSON.stringify(svid.claims[name])}` : 'not in the token'})`).join(', ')}`,
        {
          code: 'VAULT_LOGIN_DENIED',
          reason: 'claims-mismatch',
          fix: "bind the claims to the JWT-SVID's (sub is its SPIFFE ID; claims it lacks are dropped); bound_claims is a map, written as JSON",
          commands: [boundClaimsFixCommand(target, { drop: missing, set: { sub: svid.spiffeId } })],
        },
      ),
    );
  }

  const userClaim = role.user_claim ?? '';
  checks.push(
    userClaim !== '' && userClaim in svid.claims
      ? ok('login.user-claim', 'user claim', `user_claim ${userClaim}`)
      : fail('login.user-claim', 'user claim', `user_claim '${userClaim}' is not a claim of the JWT-SVID`, {
          code: 'VAULT_LOGIN_DENIED',
          reason: 'user-claim-missing',
          fix: 'name the entity alias after sub, the SPIFFE ID',
          commands: [write({ user_claim: 'sub' })],
        }),
  );
  return checks;
}

/** jwt_supported_algs must hold the JWT-SVID's algorithm; empty lets the keys decide (ES256 passes). */
export function compareConfig(
  config: JwtConfigFields,
  svid: Pick<SvidFacts, 'algorithm'>,
  authPath: string,
): CheckResult {
  const algs = config.jwt_supported_algs ?? [];
  const seen = `the JWT-SVID is ${svid.algorithm}; jwt_supported_algs ${JSON.stringify(algs)}`;
  if (algs.length === 0 || algs.includes(svid.algorithm)) return ok('login.algorithm', 'signing algorithm', seen);
  return fail('login.algorithm', 'signing algorithm', seen, {
    code: 'VAULT_LOGIN_DENIED',
    reason: 'algorithm-not-allowed',
    fix: `add ${svid.algorithm} to jwt_supported_algs; a write to auth/${authPath}/config replaces all of it, so the command writes the config back as it is, with ${svid.algorithm} added`,
    commands: [algorithmFixCommand(authPath, svid.algorithm)],
  });
}
