/** Login checks: the JWT-SVID logs in with the role; a refusal is explained with its fix. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { loginWithJwt } from '../../vault/token.ts';
import { fail, failFromFinding, ok, skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';

export const loginSection: DoctorSection = {
  area: 'login',
  checks: ['login.role'],
  async run(ctx) {
    const { login, connection } = ctx.plan;
    const { vault, jwtSvid } = ctx.state;
    if (!vault || !jwtSvid) {
      ctx.add(skip('login.role', 'login', 'needs a JWT-SVID and a reachable, unsealed Vault'));
      return;
    }
    try {
      const token = await loginWithJwt(vault, {
        authPath: login.authPath,
        role: login.role,
        jwt: jwtSvid.token,
        audience: login.audiences[0] ?? '',
        spiffeId: jwtSvid.spiffeId,
      });
      ctx.deps.onSecret(token.token);
      ctx.state.token = token;
      ctx.add(ok('login.role', 'login', `role '${login.role}' at auth/${login.authPath} (${connection.vaultAddr})`));
    } catch (error: unknown) {
      const finding = findingOf(error);
      ctx.add(
        finding ? failFromFinding('login.role', 'login', finding) : fail('login.role', 'login', describeError(error)),
      );
    }
  },
};
