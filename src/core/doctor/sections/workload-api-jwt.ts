/**
 * The JWT-SVID's claims and lifetime, and its signature against the trust domain's JWT bundle,
 * as Vault will check them. The classification of the claims is pure (unit-tested); nothing here
 * prints the token.
 */
import { decodeProtectedHeader, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { WorkloadApiClient } from '../../spiffe/client.ts';
import { audiencesOf } from '../../spiffe/jwt-claims.ts';
import { DEFAULT_JWT_CLOCK_TOLERANCE_SEC, jwtSigningKeys, verifyJwtSvid, type JwtSvid } from '../../spiffe/jwt-svid.ts';
import { parseSpiffeId } from '../../spiffe/spiffe-id.ts';
import { fail, ok, warn, type CheckResult } from '../check.ts';
import { failFromError } from './workload-api-failure.ts';

/** An SVID with less left than this is too short-lived for a login and the work after it. */
export const MIN_USABLE_SVID_SECONDS = 30;

const ID = 'workload-api.jwt-svid';
const TITLE = 'JWT-SVID claims';
const LONGER_TTL =
  "give the registration entry a longer JWT-SVID TTL (`spire-server entry update … -jwtSVIDTTL 300`), or raise the SPIRE server's default_jwt_svid_ttl";

/** Checks a JWT-SVID's claims (decoded, not verified) as Vault's JWT auth method will. */
export function jwtClaimsCheck(
  claims: Readonly<JWTPayload>,
  expected: { audiences: readonly string[]; now: Date },
): CheckResult {
  const nowSec = expected.now.getTime() / 1000;
  const aud = audiencesOf(claims.aud);
  const exp = typeof claims.exp === 'number' ? claims.exp : Number.NaN;
  const left = Math.floor(exp - nowSec);
  const lifetime = typeof claims.iat === 'number' ? ` (lifetime ${Math.round(exp - claims.iat)} s)` : '';
  const detail = [
    `sub ${String(claims.sub)}`,
    `aud ${JSON.stringify(aud)}`,
    claims.iss !== undefined ? `iss ${String(claims.iss)}` : 'no iss',
    Number.isFinite(exp) ? `expires in ${left} s${lifetime}` : 'no exp',
  ].join(', ');
  const missing = expected.audiences.filter((audience) => !aud.includes(audience));
  if (missing.length > 0) {
    return fail(ID, TITLE, detail, {
      code: 'JWT_SVID_AUDIENCE_MISMATCH',
      reason: 'audience-missing',
      fix: `the agent issued a JWT-SVID without the audience ${JSON.stringify(missing)} it was asked for: check the SPIRE agent`,
    });
  }
  if (!Number.isFinite(exp) || left <= 0) {
    return fail(ID, TITLE, detail, {
      code: 'JWT_SVID_EXPIRED',
      reason: 'expired',
      fix: "the agent handed out a JWT-SVID that has expired: check this machine's clock and the SPIRE agent's (`date -u`)",
    });
  }
  if (typeof claims.iat === 'number' && claims.iat - nowSec > DEFAULT_JWT_CLOCK_TOLERANCE_SEC) {
    return warn(ID, TITLE, `${detail}; issued ${Math.round(claims.iat - nowSec)} s in the future`, {
      reason: 'clock-skew',
      fix: "this machine's clock is behind the SPIRE server's: Vault (with its own clock) may refuse the JWT-SVID; synchronise the clocks (NTP)",
    });
  }
  if (left < MIN_USABLE_SVID_SECONDS) {
    return warn(ID, TITLE, `${detail}: under ${MIN_USABLE_SVID_SECONDS} s left, too short to be used`, {
      reason: 'lifetime-too-short',
      fix: LONGER_TTL,
    });
  }
  return ok(ID, TITLE, detail);
}

/** The bundle key a JWS header names (by `kid`), among the bundle's JWT keys. */
export function signingKeyOf(bundle: JSONWebKeySet, kid: string | undefined) {
  const keys = jwtSigningKeys(bundle).keys;
  return { keys: keys.length, key: kid === undefined ? undefined : keys.find((key) => key.kid === kid) };
}

/** FetchJWTBundles has the key that signed the JWT-SVID, and the signature verifies with it. */
export async function jwtBundleCheck(client: WorkloadApiClient, svid: JwtSvid, audience: string): Promise<CheckResult> {
  const id = 'workload-api.jwt-bundle';
  const title = 'JWT bundle';
  let bundles;
  try {
    bundles = await client.fetchJwtBundles();
  } catch (error: unknown) {
    return failFromError(id, title, error);
  }
  const trustDomain = parseSpiffeId(svid.spiffeId).trustDomainId;
  const bundle = bundles.get(trustDomain);
  if (!bundle) {
    return fail(id, title, `no JWT bundle for ${trustDomain} (bundles: ${[...bundles.keys()].join(', ')})`, {
      code: 'JWT_BUNDLE_NOT_FOUND',
      reason: 'bundle-missing',
      fix: "the agent sends no keys for its own trust domain: check the agent's trust_domain and its log",
    });
  }
  const header = decodeProtectedHeader(svid.token);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const { key, keys } = signingKeyOf(bundle, kid);
  if (!key) {
    return fail(
      id,
      title,
      `the JWT bundle of ${trustDomain} has ${keys} JWT keys, none with kid '${kid ?? '(none)'}'`,
      {
        code: 'JWT_SVID_INVALID',
        reason: 'signing-key-missing',
        fix: "the key that signed the JWT-SVID is not in the agent's bundle (a key rotation not yet propagated?): compare `spire-server bundle show -format spiffe` with Vault's JWT keys (jwks_url or jwt_validation_pubkeys)",
        commands: ['spire-server bundle show -format spiffe'],
      },
    );
  }
  try {
    await verifyJwtSvid(svid.token, { audience, bundles });
  } catch (error: unknown) {
    return failFromError(id, title, error, { reason: 'signature-invalid' });
  }
  const alg = typeof header.alg === 'string' ? header.alg : '?';
  return ok(
    id,
    title,
    `signed with key '${kid}' (${alg}) of the ${trustDomain} JWT bundle (${keys} keys); the signature verifies`,
  );
}
