/** Workload API checks: the agent answers and issues this workload a JWT-SVID (or X.509-SVID). */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { WorkloadApiClient } from '../../spiffe/client.ts';
import { fail, failFromFinding, ok } from '../check.ts';
import { DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorSection } from '../plan.ts';

export const workloadApiSection: DoctorSection = {
  area: 'workload-api',
  checks: ['workload-api.jwt-svid'],
  async run(ctx) {
    const { login } = ctx.plan;
    const client = new WorkloadApiClient({
      address: login.socketAddress,
      logger: ctx.deps.logger,
      timeoutMs: DEFAULT_DOCTOR_TIMEOUT_MS,
    });
    ctx.state.workload = client;
    if (login.method !== 'jwt') return;
    try {
      const svid = await client.fetchJwtSvid({
        audiences: login.audiences,
        ...(login.spiffeId ? { spiffeId: login.spiffeId } : {}),
      });
      ctx.deps.onSecret(svid.token);
      ctx.state.jwtSvid = svid;
      const left = Math.round((svid.expiresAt.getTime() - Date.now()) / 1000);
      ctx.add(
        ok(
          'workload-api.jwt-svid',
          'JWT-SVID',
          `${svid.spiffeId}, aud ${JSON.stringify(svid.audiences)}, expires in ${left} s`,
        ),
      );
    } catch (error: unknown) {
      const finding = findingOf(error);
      ctx.add(
        finding
          ? failFromFinding('workload-api.jwt-svid', 'JWT-SVID', finding)
          : fail('workload-api.jwt-svid', 'JWT-SVID', describeError(error)),
      );
    }
  },
};
