/**
 * The agent answers, and the identities it issues this workload: every SPIFFE ID it gets as a
 * JWT-SVID and as an X.509-SVID. A registration entry reaches the agent seconds after it is
 * created (the agent's sync_interval and the server's entry cache, 5 s each by default), so "no
 * identity issued" is only reported after waiting for it a while.
 */
import { status } from '@grpc/grpc-js';
import { findingOf } from '../../diagnose/finding.ts';
import { isServiceError, registrationEntryFix } from '../../diagnose/workload-api.ts';
import type { WorkloadApiClient } from '../../spiffe/client.ts';
import type { JwtSvid } from '../../spiffe/jwt-svid.ts';
import type { X509Svid } from '../../spiffe/x509-svid.ts';
import { fail, failFromFinding, ok, skip } from '../check.ts';
import type { DoctorContext } from '../plan.ts';
import { failFromError } from './workload-api-failure.ts';

/** How long to wait for an identity before reporting none: two default sync periods and some. */
export const DOCTOR_IDENTITY_WAIT_MS = 12_000;

/** When the agent first said "no identity issued" (set by the client's retry hook). */
export interface IdentityWatch {
  noIdentitySince?: number;
}

export function watchForLateIdentity(watch: IdentityWatch, now: () => number = Date.now) {
  return (error: unknown): void => {
    if (watch.noIdentitySince === undefined && isServiceError(error) && error.code === status.PERMISSION_DENIED) {
      watch.noIdentitySince = now();
    }
  };
}

export interface IssuedSvids {
  readonly jwtSvid?: JwtSvid;
  readonly x509Svid?: X509Svid;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Reports workload-api.agent and workload-api.identity; returns the SVIDs the login would use. */
export async function identityChecks(
  ctx: DoctorContext,
  client: WorkloadApiClient,
  watch: IdentityWatch,
): Promise<IssuedSvids | undefined> {
  const { login } = ctx.plan;
  const uid = process.getuid?.();
  const started = Date.now();
  const fetchJwt = () => client.fetchJwtSvids({ audiences: login.audiences });
  const fetchX509 = () => client.fetchX509Svids();
  let jwt: JwtSvid[] | undefined;
  let x509: X509Svid[] | undefined;
  try {
    if (login.method === 'cert') x509 = await fetchX509();
    else jwt = await fetchJwt();
  } catch (error: unknown) {
    const finding = findingOf(error);
    if (finding?.code !== 'WORKLOAD_NOT_REGISTERED') {
      ctx.add(failFromError('workload-api.agent', 'agent answers', error));
      ctx.add(skip('workload-api.identity', 'SVIDs issued', 'needs an agent that answers'));
      return undefined;
    }
    ctx.add(ok('workload-api.agent', 'agent answers', `${client.address.original} answers: no identity issued`));
    const waited = `still none after waiting ${seconds(Date.now() - started)} s for the registration entry to reach the agent`;
    const who = uid !== undefined ? ` (this process runs as uid ${uid})` : '';
    ctx.add(
      failFromFinding('workload-api.identity', 'SVIDs issued', {
        ...finding,
        why: `${waited}${who}`,
        ...registrationEntryFix({ uid, spiffeId: login.spiffeId }),
      }),
    );
    return undefined;
  }
  const arrived = Date.now();
  // The other kind only for the list: a failure there is not this login's.
  try {
    if (login.method === 'cert') jwt = await fetchJwt();
    else x509 = await fetchX509();
  } catch {
    // listed as not fetched
  }
  for (const svid of jwt ?? []) ctx.deps.onSecret(svid.token);
  ctx.add(ok('workload-api.agent', 'agent answers', `${client.address.original} answers`));
  const idsOf = (svids: readonly { spiffeId: string }[] | undefined) =>
    svids ? [...new Set(svids.map((svid) => svid.spiffeId))].join(', ') : '(not fetched)';
  const late =
    watch.noIdentitySince !== undefined
      ? `; none at first: the registration entry reached the agent after ${seconds(arrived - started)} s`
      : '';
  const detail = `JWT-SVIDs for ${idsOf(jwt)}; X.509-SVIDs for ${idsOf(x509)}${late}`;
  const wanted = login.spiffeId;
  const issued: readonly { spiffeId: string }[] = (login.method === 'cert' ? x509 : jwt) ?? [];
  if (wanted && !issued.some((svid) => svid.spiffeId === wanted)) {
    const registration = registrationEntryFix({ uid, spiffeId: wanted });
    ctx.add(
      fail('workload-api.identity', 'SVIDs issued', `${detail}; not ${wanted}`, {
        code: login.method === 'cert' ? 'X509_SVID_NOT_FOUND' : 'JWT_SVID_NOT_FOUND',
        reason: 'spiffe-id-not-issued',
        fix: `this workload is not issued ${wanted}: correct spiffe-id to one it has (${idsOf(issued)}), or register it (\`${registration.commands?.[0] ?? ''}\`)`,
        commands: registration.commands ?? [],
      }),
    );
    return undefined;
  }
  ctx.add(ok('workload-api.identity', 'SVIDs issued', detail));
  const pick = <T extends { spiffeId: string }>(svids: readonly T[] | undefined) =>
    wanted ? svids?.find((svid) => svid.spiffeId === wanted) : svids?.[0];
  const jwtSvid = pick(jwt);
  const x509Svid = pick(x509);
  return { ...(jwtSvid ? { jwtSvid } : {}), ...(x509Svid ? { x509Svid } : {}) };
}
