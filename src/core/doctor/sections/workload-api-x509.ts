/**
 * The X.509-SVID a cert login presents: its SPIFFE ID, how long it has left, a subject CN (the
 * cert auth method names its identity alias after it), and its trust domain's bundle.
 */
import type { WorkloadApiClient } from '../../spiffe/client.ts';
import { parseSpiffeId } from '../../spiffe/spiffe-id.ts';
import type { X509Svid } from '../../spiffe/x509-svid.ts';
import { fail, ok, warn, type CheckResult } from '../check.ts';
import { MIN_USABLE_SVID_SECONDS } from './workload-api-jwt.ts';

const ID = 'workload-api.x509-svid';
const TITLE = 'X.509-SVID';

/** Pure: the SVID (leaf first) and the bundle the agent has for its trust domain, at `now`. */
export function x509SvidCheck(svid: X509Svid, roots: number, now: Date): CheckResult {
  const left = Math.floor((svid.expiresAt.getTime() - now.getTime()) / 1000);
  const trustDomain = parseSpiffeId(svid.spiffeId).trustDomainId;
  const detail = `${svid.spiffeId}, expires in ${left} s (${svid.expiresAt.toISOString()}), ${roots} root(s) in the ${trustDomain} bundle`;
  if (left <= 0) {
    return fail(ID, TITLE, detail, {
      code: 'X509_SVID_INVALID',
      reason: 'expired',
      fix: "the agent handed out an expired X.509-SVID: check this machine's clock and the SPIRE agent (`spire-agent healthcheck`)",
    });
  }
  if (roots === 0) {
    return fail(ID, TITLE, detail, {
      code: 'X509_BUNDLE_INVALID',
      reason: 'bundle-missing',
      fix: "the agent sent no X.509 bundle for its trust domain: check the agent's trust_domain and its log",
    });
  }
  const leaf = svid.certificates[0];
  if (leaf && !/(^|\n)CN=/.test(leaf.subject)) {
    return warn(ID, TITLE, `${detail}; the certificate has no subject CN`, {
      reason: 'certificate-without-cn',
      fix:
        "the cert auth method names its identity alias after the subject CN and refuses a certificate without one: give the workload's " +
        'registration entry a DNS name (`spire-server entry create … -dns NAME`; SPIRE puts the first in the CN)',
    });
  }
  if (left < MIN_USABLE_SVID_SECONDS) {
    return warn(ID, TITLE, `${detail}: under ${MIN_USABLE_SVID_SECONDS} s left`, {
      reason: 'lifetime-too-short',
      fix: 'give the registration entry a longer X.509-SVID TTL (`-x509SVIDTTL`), or check that the agent renews it',
    });
  }
  return ok(ID, TITLE, detail);
}

/** The roots for the SVID's trust domain: sent with the SVID, else from FetchX509Bundles. */
export async function x509Roots(client: WorkloadApiClient, svid: X509Svid): Promise<number> {
  if (svid.bundle.length > 0) return svid.bundle.length;
  try {
    const bundles = await client.fetchX509Bundles();
    return bundles.get(parseSpiffeId(svid.spiffeId).trustDomainId)?.length ?? 0;
  } catch {
    return 0;
  }
}
