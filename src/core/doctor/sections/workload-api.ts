/**
 * Workload API checks, in the order a run meets them: the address, the socket behind it, the
 * agent answering, the identities it issues this workload (waiting a while for one that is
 * registered but not yet there), then the SVID the login would present: a JWT-SVID's claims and
 * its signature against the JWT bundle, or the X.509-SVID with its bundle.
 */
import { WorkloadApiClient } from '../../spiffe/client.ts';
import { skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';
import {
  DOCTOR_IDENTITY_WAIT_MS,
  identityChecks,
  watchForLateIdentity,
  type IdentityWatch,
} from './workload-api-identity.ts';
import { jwtBundleCheck, jwtClaimsCheck } from './workload-api-jwt.ts';
import { addressCheck, socketCheck } from './workload-api-socket.ts';
import { x509Roots, x509SvidCheck } from './workload-api-x509.ts';

export const WORKLOAD_API_CHECKS = [
  'workload-api.address',
  'workload-api.socket',
  'workload-api.agent',
  'workload-api.identity',
  'workload-api.jwt-svid',
  'workload-api.jwt-bundle',
  'workload-api.x509-svid',
] as const;

export const workloadApiSection: DoctorSection = {
  area: 'workload-api',
  checks: WORKLOAD_API_CHECKS,
  async run(ctx) {
    const { login } = ctx.plan;
    const { check, address } = addressCheck(login);
    ctx.add(check);
    if (!address) return;
    const socket = await socketCheck(address, login.defaulted.socket);
    ctx.add(socket);
    if (socket.status === 'fail') return;
    const watch: IdentityWatch = {};
    const client = new WorkloadApiClient({
      address: address.original,
      logger: ctx.deps.logger,
      // Never longer than the run's own timeout: after a failed run the checks must not drag on.
      timeoutMs: Math.min(ctx.plan.connection.timeoutMs, DOCTOR_IDENTITY_WAIT_MS),
      onRetry: watchForLateIdentity(watch),
    });
    ctx.state.workload = client;
    const svids = await identityChecks(ctx, client, watch);
    if (login.method === 'cert') {
      if (!svids?.x509Svid) {
        ctx.add(skip('workload-api.x509-svid', 'X.509-SVID', 'needs an X.509-SVID'));
        return;
      }
      ctx.state.x509Svid = svids.x509Svid;
      ctx.add(x509SvidCheck(svids.x509Svid, await x509Roots(client, svids.x509Svid), new Date()));
      return;
    }
    const jwtSvid = svids?.jwtSvid;
    if (!jwtSvid) {
      ctx.add(skip('workload-api.jwt-svid', 'JWT-SVID claims', 'needs a JWT-SVID'));
      ctx.add(skip('workload-api.jwt-bundle', 'JWT bundle', 'needs a JWT-SVID'));
      return;
    }
    const claims = jwtClaimsCheck(jwtSvid.claims, { audiences: login.audiences, now: new Date() });
    ctx.add(claims);
    const bundle = await jwtBundleCheck(client, jwtSvid, login.audiences[0] ?? '');
    ctx.add(bundle);
    if (claims.status !== 'fail' && bundle.status !== 'fail') ctx.state.jwtSvid = jwtSvid;
  },
};
