/**
 * login.role-read and the field checks: the role and the JWT config read with the read token
 * (an admin's VAULT_TOKEN; the CI token can rarely read them) and compared with the JWT-SVID.
 */
import { answerOf } from '../../diagnose/vault.ts';
import type { LoginContext } from '../../diagnose/vault.ts';
import type { VaultClient } from '../../vault/client.ts';
import { ok, skip, warn, type CheckResult } from '../check.ts';
import type { DoctorContext } from '../plan.ts';
import { compareConfig, compareRole, type JwtConfigFields, type JwtRoleFields, type SvidFacts } from './login-role.ts';

export interface RoleRead {
  readonly checks: CheckResult[];
  readonly role?: JwtRoleFields;
}

const TITLE = 'role readable';

export async function roleReadChecks(
  ctx: DoctorContext,
  options: { readonly vault: VaultClient; readonly context: LoginContext; readonly facts: SvidFacts },
): Promise<RoleRead> {
  const { vault, context, facts } = options;
  const rolePath = `auth/${context.authPath}/role/${context.role}`;
  const configPath = `auth/${context.authPath}/config`;
  const token = ctx.plan.readToken;
  if (!token) {
    return {
      checks: [
        skip(
          'login.role-read',
          TITLE,
          `no VAULT_TOKEN: the role is not compared with the JWT-SVID field by field (doctor reads ${rolePath} and ${configPath} with it when set, nothing else)`,
        ),
      ],
    };
  }
  let role: JwtRoleFields;
  try {
    role = (await vault.request<{ data: JwtRoleFields }>({ method: 'GET', path: `/${rolePath}`, token })).data;
  } catch (error: unknown) {
    return {
      checks: [
        warn('login.role-read', TITLE, `the token in VAULT_TOKEN may not read ${rolePath}: ${answerOf(error)}`, {
          fix: 'to compare the role field by field, run doctor with a VAULT_TOKEN that may read the role and the JWT config',
          policy: [
            `path "${rolePath}" { capabilities = ["read"] }`,
            `path "${configPath}" { capabilities = ["read"] }`,
          ],
        }),
      ],
    };
  }
  const checks = [
    ok('login.role-read', TITLE, `read ${rolePath} with the token in VAULT_TOKEN`),
    ...compareRole(role, facts, context),
  ];
  try {
    const config = (await vault.request<{ data: JwtConfigFields }>({ method: 'GET', path: `/${configPath}`, token }))
      .data;
    checks.push(compareConfig(config, facts, context.authPath));
  } catch (error: unknown) {
    ctx.deps.logger.debug(`could not read ${configPath}: ${answerOf(error)}`);
  }
  return { checks, role };
}
