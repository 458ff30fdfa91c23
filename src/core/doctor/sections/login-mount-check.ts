/** login.auth-mount and login.role: the JWT auth method at auth-path and the role there, asked without a credential. */
import { diagnoseLogin, type LoginContext } from '../../diagnose/vault.ts';
import { describeError } from '../../errors.ts';
import type { VaultClient } from '../../vault/client.ts';
import { fail, failFromFinding, ok, type CheckResult } from '../check.ts';
import type { DoctorContext } from '../plan.ts';
import { CONVENTIONAL_JWT_PATHS, findJwtMounts, probeJwtMount, type FoundJwtMount } from './login-mount.ts';

export interface MountChecks {
  readonly checks: CheckResult[];
  /** The mount and a jwt role are there: a login is worth trying. */
  readonly loginPossible: boolean;
}

const TITLE = 'JWT auth method';

export async function mountChecks(
  ctx: DoctorContext,
  options: { readonly vault: VaultClient; readonly context: LoginContext },
): Promise<MountChecks> {
  const { vault, context } = options;
  const path = context.authPath;
  const probe = await probeJwtMount(vault, path, context.role);
  const mountOk = ok('login.auth-mount', TITLE, `a JWT auth method answers at auth/${path}`);
  switch (probe.kind) {
    case 'role-found':
      return {
        checks: [mountOk, ok('login.role', 'role', `role '${context.role}' (role_type jwt) at auth/${path}`)],
        loginPossible: true,
      };
    case 'role-missing':
      return {
        checks: [mountOk, failFromFinding('login.role', 'role', diagnoseLogin(probe.error, context))],
        loginPossible: false,
      };
    case 'role-oidc':
      return {
        checks: [
          mountOk,
          ok('login.role', 'role', `role '${context.role}' at auth/${path}`),
          failFromFinding('login.role-type', 'role type', diagnoseLogin(probe.error, context)),
        ],
        loginPossible: false,
      };
    case 'failed':
      return {
        checks: [failFromFinding('login.auth-mount', TITLE, diagnoseLogin(probe.error, context))],
        loginPossible: false,
      };
    case 'nothing-mounted':
    case 'other-method': {
      const found = await findJwtMounts(vault, {
        except: path,
        role: context.role,
        readToken: ctx.plan.readToken,
      }).catch((error: unknown) => {
        ctx.deps.logger.debug(`looking for JWT auth methods failed: ${describeError(error)}`);
        return [] as FoundJwtMount[];
      });
      const seen =
        probe.kind === 'nothing-mounted'
          ? `nothing is mounted at auth/${path} (a login there answers 403 permission denied)`
          : `auth/${path} is another auth method: a login there answers '${probe.words}'`;
      return { checks: [missingMount(seen, path, found, Boolean(ctx.plan.readToken))], loginPossible: false };
    }
  }
}

function missingMount(seen: string, path: string, found: readonly FoundJwtMount[], listed: boolean): CheckResult {
  const extra = { code: 'VAULT_LOGIN_DENIED', reason: 'auth-mount-missing' };
  const best = found[0];
  if (best) {
    const names = found.map((mount) => `auth/${mount.path}${mount.hasRole ? ' (has the role)' : ''}`).join(', ');
    return fail('login.auth-mount', TITLE, `${seen}; JWT auth methods here: ${names}`, {
      ...extra,
      fix: `point the login at the JWT auth method${best.hasRole ? ' that has the role' : ''}: --auth-path ${best.path} (the action's and the GitLab components' auth-path input)`,
    });
  }
  const how = listed
    ? 'the auth methods list'
    : `the conventional paths (${CONVENTIONAL_JWT_PATHS.join(', ')}); set VAULT_TOKEN to a token that may read sys/auth to look further`;
  return fail('login.auth-mount', TITLE, `${seen}; no JWT auth method found in ${how}`, {
    ...extra,
    fix: `find the JWT auth method's path (\`vault auth list\`) and give it as --auth-path (the action's auth-path input), or check the namespace`,
    commands: ['vault auth list'],
  });
}
