/**
 * What the agent issued, checked against what was asked before it is used anywhere: a JWT-SVID
 * for every audience asked (it is a bearer token: one for another service must not reach Vault)
 * and not expired; an X.509-SVID valid now. The SPIFFE ID is checked where the SVID is picked.
 */
import { WorkloadApiError } from './errors.ts';
import { DEFAULT_JWT_CLOCK_TOLERANCE_SEC, type JwtSvid } from './jwt-svid.ts';
import type { X509Svid } from './x509-svid.ts';

/** Clock skew allowed between the agent and this runner when judging validity. */
export const ISSUED_SVID_CLOCK_TOLERANCE_MS = DEFAULT_JWT_CLOCK_TOLERANCE_SEC * 1000;

export interface IssuedContext {
  /** The Workload API address, for messages. */
  readonly address: string;
  readonly nowMs: number;
}

export function checkIssuedJwtSvid(
  svid: JwtSvid,
  asked: IssuedContext & { readonly audiences: readonly string[] },
): void {
  const missing = asked.audiences.filter((audience) => !svid.audiences.includes(audience));
  if (missing.length > 0) {
    throw new WorkloadApiError(
      'JWT_SVID_AUDIENCE_MISMATCH',
      `the SPIFFE Workload API at ${asked.address} issued a JWT-SVID for ${svid.spiffeId} with audience ` +
        `${list(svid.audiences)}, not ${list(missing)} as asked: a token for another audience is not sent on — ` +
        'the agent is misbehaving; check its version and logs',
    );
  }
  if (svid.expiresAt.getTime() + ISSUED_SVID_CLOCK_TOLERANCE_MS <= asked.nowMs) {
    throw new WorkloadApiError(
      'JWT_SVID_EXPIRED',
      `the SPIFFE Workload API at ${asked.address} issued a JWT-SVID for ${svid.spiffeId} that expired at ` +
        `${svid.expiresAt.toISOString()} (now ${new Date(asked.nowMs).toISOString()}): check this runner's clock ` +
        "and the agent's (`spire-agent healthcheck`, its logs)",
    );
  }
}

export function checkIssuedX509Svid(svid: X509Svid, asked: IssuedContext): void {
  const leaf = svid.certificates[0];
  const notBefore = leaf ? new Date(leaf.validFrom) : undefined;
  const window = `${notBefore?.toISOString() ?? '?'} – ${svid.expiresAt.toISOString()}`;
  const now = new Date(asked.nowMs).toISOString();
  if (svid.expiresAt.getTime() + ISSUED_SVID_CLOCK_TOLERANCE_MS <= asked.nowMs) {
    throw new WorkloadApiError(
      'X509_SVID_EXPIRED',
      `the SPIFFE Workload API at ${asked.address} issued an X.509-SVID for ${svid.spiffeId} that has expired ` +
        `(valid ${window}, now ${now}): check this runner's clock and the agent's (\`spire-agent healthcheck\`, its logs)`,
    );
  }
  if (notBefore && notBefore.getTime() - ISSUED_SVID_CLOCK_TOLERANCE_MS > asked.nowMs) {
    throw new WorkloadApiError(
      'X509_SVID_INVALID',
      `the SPIFFE Workload API at ${asked.address} issued an X.509-SVID for ${svid.spiffeId} that is not valid yet ` +
        `(valid ${window}, now ${now}): check this runner's clock and the agent's`,
    );
  }
}

function list(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ') || 'none';
}
