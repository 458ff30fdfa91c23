/**
 * Login checks. JWT-SVID: the auth method at auth-path (asked without a credential), the role
 * there, the role and the JWT config compared with the JWT-SVID field by field (with the read
 * token only), then the login itself, whose refusal is reported under the field it names, with
 * the exact command that fixes it. X.509-SVID (`method cert`): the cert login and its finding.
 */
import type { LoginContext } from '../../diagnose/vault.ts';
import { trimSlashes } from '../../parse.ts';
import { fail, failFromFinding, ok, skip, type CheckResult } from '../check.ts';
import type { DoctorContext, DoctorSection } from '../plan.ts';
import { certLoginCheck } from './login-cert.ts';
import { attemptJwtLogin, svidFacts } from './login-jwt.ts';
import { mountChecks } from './login-mount-check.ts';
import { roleReadChecks } from './login-role-read.ts';

/** The check a refusal is about (the rest are the login's own). */
const CHECK_OF_REASON: Readonly<Record<string, string>> = {
  'auth-mount-missing': 'login.auth-mount',
  'role-not-found': 'login.role',
  'role-type-oidc': 'login.role-type',
  'audience-mismatch': 'login.audience',
  'audiences-unbound': 'login.audience',
  'subject-mismatch': 'login.subject',
  'claims-mismatch': 'login.bound-claims',
  'user-claim-missing': 'login.user-claim',
  'algorithm-not-allowed': 'login.algorithm',
};

export const LOGIN_CHECKS: readonly string[] = [
  'login.auth-mount',
  'login.role',
  'login.role-read',
  'login.role-type',
  'login.audience',
  'login.subject',
  'login.bound-claims',
  'login.user-claim',
  'login.algorithm',
  'login.jwt',
  'login.cert',
];

export const loginSection: DoctorSection = {
  area: 'login',
  checks: LOGIN_CHECKS,
  async run(ctx) {
    const { readToken } = ctx.plan;
    if (readToken) ctx.deps.onSecret(readToken);
    if (ctx.plan.login.method === 'cert') {
      ctx.add(await certLoginCheck(ctx));
      return;
    }
    await jwtLoginChecks(ctx);
  },
};

async function jwtLoginChecks(ctx: DoctorContext): Promise<void> {
  const { login, connection } = ctx.plan;
  const { vault, jwtSvid } = ctx.state;
  if (!vault) {
    ctx.add(skip('login.jwt', 'login', 'needs a reachable, unsealed Vault'));
    return;
  }
  const reported = new Map<string, CheckResult>();
  const add = (check: CheckResult) => {
    if (reported.has(check.id)) return;
    reported.set(check.id, check);
    ctx.add(check);
  };
  const facts = jwtSvid ? svidFacts(jwtSvid) : undefined;
  const context: LoginContext = {
    address: connection.vaultAddr,
    role: login.role,
    authPath: trimSlashes(login.authPath),
    namespace: connection.namespace,
    ...(facts ? { audience: facts.audiences[0] ?? '', spiffeId: facts.spiffeId, algorithm: facts.algorithm } : {}),
  };
  const mount = await mountChecks(ctx, { vault, context });
  mount.checks.forEach(add);
  if (!mount.loginPossible) {
    add(skip('login.jwt', 'login', `needs the JWT auth method and a jwt role '${login.role}'`));
    return;
  }
  if (!jwtSvid || !facts) {
    add(skip('login.jwt', 'login', 'needs a JWT-SVID'));
    return;
  }
  const read = await roleReadChecks(ctx, { vault, context, facts });
  read.checks.forEach(add);
  if (read.role) ctx.state.jwtRole = read.role;

  const outcome = await attemptJwtLogin(vault, { context, jwt: jwtSvid.token });
  if (outcome.ok) {
    ctx.deps.onSecret(outcome.token.token);
    ctx.state.token = outcome.token;
    if (outcome.tokenType) ctx.state.tokenType = outcome.tokenType;
    add(
      ok(
        'login.jwt',
        'login',
        `logged in with role '${login.role}' at auth/${context.authPath} (${connection.vaultAddr})`,
      ),
    );
    return;
  }
  const { finding } = outcome;
  const id = CHECK_OF_REASON[finding.reason];
  const already = id ? reported.get(id) : undefined;
  if (!id || already?.status === 'ok') {
    add(failFromFinding('login.jwt', 'login', finding));
    return;
  }
  // The refusal names a field: its check carries the fix; the login line points at it.
  if (!already) add(failFromFinding(id, 'login', finding));
  add(
    fail('login.jwt', 'login', `refused (${finding.answer ?? finding.reason}): see ${id}`, {
      code: finding.code,
      reason: finding.reason,
    }),
  );
}
