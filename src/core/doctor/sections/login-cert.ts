/** login.cert: the X.509-SVID login (`method cert`), its refusal explained by the cert login's classifier. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { certificatesPem } from '../../spiffe/x509-svid.ts';
import { loginWithCert } from '../../vault/cert-login.ts';
import { connectVault } from '../../vault/connect.ts';
import { fail, failFromFinding, ok, skip, type CheckResult } from '../check.ts';
import { checkDeadlineMs, type DoctorContext } from '../plan.ts';

const TITLE = 'login (X.509-SVID)';

export async function certLoginCheck(ctx: DoctorContext): Promise<CheckResult> {
  const { login, connection } = ctx.plan;
  const { vault, workload } = ctx.state;
  if (!vault || !workload) return skip('login.cert', TITLE, 'needs the Workload API and a reachable, unsealed Vault');
  try {
    const svid = await workload.fetchX509Svid(login.spiffeId ? { spiffeId: login.spiffeId } : {});
    const clientKey = svid.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const client = connectVault(
      { ...connection, tls: { ...connection.tls, clientCert: certificatesPem(svid.certificates), clientKey } },
      {
        logger: ctx.deps.logger,
        proxyEnv: ctx.deps.proxyEnv,
        deadlineMs: checkDeadlineMs(connection),
      },
    );
    const token = await loginWithCert(client, { authPath: login.authPath, role: login.role, spiffeId: svid.spiffeId });
    ctx.deps.onSecret(token.token);
    ctx.state.token = token;
    return ok('login.cert', TITLE, `${svid.spiffeId} logged in with role '${login.role}' at auth/${login.authPath}`);
  } catch (error: unknown) {
    const finding = findingOf(error);
    return finding ? failFromFinding('login.cert', TITLE, finding) : fail('login.cert', TITLE, describeError(error));
  }
}
