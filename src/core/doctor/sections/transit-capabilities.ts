/**
 * `transit.capabilities`: what sys/capabilities-self says the token holds on every path signing
 * (and, with --verify, verifying) needs. A missing capability fails with exactly the policy lines
 * of the missing grants and names the policy to add them to.
 */
import { answerOf } from '../../diagnose/vault.ts';
import { policyLines, satisfies, type Grant } from '../../policy/grants.ts';
import type { LoginOptions } from '../../options/config.ts';
import { fail, ok, warn, type CheckResult } from '../check.ts';
import type { Answer } from './transit-probe.ts';

const ID = 'transit.capabilities';
const TITLE = 'token rights on the key';

/** Policies every token may carry that are not the place for signing rights. */
const BUILT_IN_POLICIES = new Set(['default', 'root']);

export interface CapabilitiesContext {
  readonly grants: readonly Grant[];
  /** The policies of the token the login minted. */
  readonly policies: readonly string[];
  readonly login: Pick<LoginOptions, 'method' | 'authPath' | 'role'>;
}

/** The grants whose capabilities the token lacks. */
export function missingGrants(held: Readonly<Record<string, readonly string[]>>, grants: readonly Grant[]): Grant[] {
  return grants.filter((grant) => !satisfies(held[grant.path] ?? [], grant));
}

export function capabilitiesCheck(
  answer: Answer<Readonly<Record<string, readonly string[]>>>,
  ctx: CapabilitiesContext,
): CheckResult {
  if ('error' in answer) {
    return warn(ID, TITLE, `could not ask Vault (sys/capabilities-self: ${answerOf(answer.error)})`, {
      fix:
        "a token without the 'default' policy may not ask for its own capabilities: add 'default' to the " +
        `role's token_policies, or check the paths by hand (\`vault token capabilities ${ctx.grants[0]?.path ?? 'PATH'}\`)`,
    });
  }
  const held = answer.value;
  const missing = missingGrants(held, ctx.grants);
  if (!missing.length) {
    return ok(ID, TITLE, ctx.grants.map((grant) => `${grant.capabilities.join(', ')} on ${grant.path}`).join('; '));
  }
  const lacking = missing.map(
    (grant) =>
      `${grant.capabilities.map((c) => `"${c}"`).join(', ')} on '${grant.path}' (it has ${JSON.stringify(held[grant.path] ?? [])})`,
  );
  return fail(ID, TITLE, `the token's policies ${JSON.stringify(ctx.policies)} lack ${lacking.join(' and ')}`, {
    code: 'TRANSIT_PERMISSION_DENIED',
    reason: 'capability-missing',
    fix: addLinesFix(ctx),
    policy: policyLines(missing),
  });
}

/** Which policy the lines go to: the one the token carries, else a new one on the role. */
export function addLinesFix(ctx: Pick<CapabilitiesContext, 'policies' | 'login'>): string {
  const own = ctx.policies.filter((policy) => !BUILT_IN_POLICIES.has(policy));
  const edit = (policy: string) =>
    `\`vault policy read ${policy} > ${policy}.hcl\`, add the lines, \`vault policy write ${policy} ${policy}.hcl\``;
  const [only] = own;
  if (only !== undefined && own.length === 1) {
    return `add these lines to policy '${only}', which the role gives its tokens: ${edit(only)}`;
  }
  if (own.length > 1) {
    return `add these lines to one of the token's policies (${own.map((p) => `'${p}'`).join(', ')}): ${edit(only ?? 'POLICY')}`;
  }
  const { method, authPath, role } = ctx.login;
  const rolePath = method === 'cert' ? `auth/${authPath}/certs/${role}` : `auth/${authPath}/role/${role}`;
  return (
    `the token has no policy of its own: write one with these lines (\`vault policy write signing signing.hcl\`) ` +
    `and give it to the role (\`vault write ${rolePath} token_policies=signing\`)`
  );
}
