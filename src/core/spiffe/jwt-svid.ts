/**
 * JWT-SVIDs as the Workload API issues them, and their local checks with jose (signature,
 * audience, expiry).
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { describeError } from '../errors.ts';
import { WorkloadApiError, redactJwts } from './errors.ts';
import { audiencesOf, decodeJwtSvidClaims, jwtSigningKeys } from './jwt-claims.ts';
import { parseSpiffeId, parseTrustDomain, type SpiffeId } from './spiffe-id.ts';

export { decodeJwtSvidClaims, jwtSigningKeys } from './jwt-claims.ts';

/** A JWT-SVID as the Workload API issued it. `token` is a secret: never log it. */
export interface JwtSvid {
  readonly spiffeId: string;
  readonly token: string;
  /** Operator-chosen label (`''` when none). */
  readonly hint: string;
  readonly audiences: readonly string[];
  readonly expiresAt: Date;
  /** The token's claims, decoded but NOT verified (verify with `verifyJwtSvid`). */
  readonly claims: Readonly<JWTPayload>;
}

/** JWT bundles keyed by trust domain ID (`spiffe://example.org`). */
export type JwtBundles = ReadonlyMap<string, JSONWebKeySet>;

/** Allowed clock skew when checking `exp`/`nbf`/`iat`, in seconds. */
export const DEFAULT_JWT_CLOCK_TOLERANCE_SEC = 30;

/** The algorithms the JWT-SVID standard allows (no HMAC, no `none`). */
export const JWT_SVID_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
]);

export interface VerifyJwtSvidOptions {
  /** The audience this verifier is: the token's `aud` must contain it. */
  readonly audience: string;
  /** Bundles from `fetchJwtBundles()`; the one for the token's trust domain is used. */
  readonly bundles: JwtBundles;
  /** When set, `sub` must be exactly this SPIFFE ID. */
  readonly expectedSpiffeId?: string;
  /** When set, `sub` must be in this trust domain (`example.org` or `spiffe://example.org`). */
  readonly expectedTrustDomain?: string;
  readonly clockToleranceSec?: number;
  /** The current time (tests). */
  readonly now?: Date;
}

export interface VerifiedJwtSvid {
  readonly spiffeId: SpiffeId;
  readonly audiences: readonly string[];
  readonly expiresAt: Date;
  readonly claims: Readonly<JWTPayload>;
}

/**
 * Checks a JWT-SVID locally against the trust domain's JWT bundle, as the JWT-SVID standard says:
 * allowed algorithm, signature by a key of the bundle of `sub`'s trust domain, `exp` (with a small
 * tolerance), `aud` contains `audience`, `sub` a valid SPIFFE ID (and the expected one, if given).
 * Returns the verified claims. Errors never contain the token.
 */
export async function verifyJwtSvid(token: string, options: VerifyJwtSvidOptions): Promise<VerifiedJwtSvid> {
  if (typeof token !== 'string' || token.split('.').length !== 3) {
    throw new WorkloadApiError(
      'JWT_SVID_INVALID',
      'the JWT-SVID is not a JWS compact serialization (three dot-separated parts)',
    );
  }
  if (options.audience === '')
    throw new WorkloadApiError('WORKLOAD_API_REQUEST_INVALID', 'the expected audience is empty');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error: unknown) {
    throw new WorkloadApiError(
      'JWT_SVID_INVALID',
      `the JWT-SVID header cannot be decoded: ${redactJwts(describeError(error))}`,
      { cause: error },
    );
  }
  if (typeof header.alg !== 'string' || !JWT_SVID_ALGORITHMS.includes(header.alg)) {
    throw new WorkloadApiError(
      'JWT_SVID_INVALID',
      `the JWT-SVID is signed with '${String(header.alg)}', not one of ${JWT_SVID_ALGORITHMS.join(', ')}`,
    );
  }
  if (header.typ !== undefined && header.typ !== 'JWT' && header.typ !== 'JOSE') {
    throw new WorkloadApiError('JWT_SVID_INVALID', `the JWT-SVID has header typ '${header.typ}' (allowed: JWT, JOSE)`);
  }
  const { subject } = decodeJwtSvidClaims(token);
  checkExpectedSubject(subject, options);

  const bundle = options.bundles.get(subject.trustDomainId);
  if (bundle === undefined) {
    const known = [...options.bundles.keys()].join(', ') || 'none';
    throw new WorkloadApiError(
      'JWT_BUNDLE_NOT_FOUND',
      `no JWT bundle for trust domain ${subject.trustDomainId} (bundles: ${known}): the JWT-SVID for ${subject.id} cannot be trusted`,
    );
  }
  let keySet: ReturnType<typeof createLocalJWKSet>;
  try {
    keySet = createLocalJWKSet(jwtSigningKeys(bundle));
  } catch (error: unknown) {
    throw new WorkloadApiError(
      'JWT_BUNDLE_INVALID',
      `the JWT bundle of ${subject.trustDomainId} is not a valid JWKS: ${describeError(error)}`,
      { cause: error },
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      algorithms: [...JWT_SVID_ALGORITHMS],
      audience: options.audience,
      requiredClaims: ['sub', 'aud', 'exp'],
      clockTolerance: options.clockToleranceSec ?? DEFAULT_JWT_CLOCK_TOLERANCE_SEC,
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (error: unknown) {
    throw mapJoseError(error, { subject, audience: options.audience });
  }
  const audiences = audiencesOf(payload.aud);
  return {
    spiffeId: subject,
    audiences,
    expiresAt: new Date((payload.exp as number) * 1000),
    claims: Object.freeze({ ...payload }),
  };
}

function checkExpectedSubject(subject: SpiffeId, options: VerifyJwtSvidOptions): void {
  if (options.expectedTrustDomain !== undefined) {
    const expected = parseTrustDomain(options.expectedTrustDomain);
    if (subject.trustDomain !== expected) {
      throw new WorkloadApiError(
        'JWT_SVID_SUBJECT_MISMATCH',
        `the JWT-SVID is for ${subject.id}, outside the expected trust domain ${expected}`,
      );
    }
  }
  if (options.expectedSpiffeId !== undefined && subject.id !== parseSpiffeId(options.expectedSpiffeId).id) {
    throw new WorkloadApiError(
      'JWT_SVID_SUBJECT_MISMATCH',
      `the JWT-SVID is for ${subject.id}, not the expected ${options.expectedSpiffeId}`,
    );
  }
}

function mapJoseError(
  error: unknown,
  expected: { readonly subject: SpiffeId; readonly audience: string },
): WorkloadApiError {
  const { subject, audience } = expected;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = redactJwts(describeError(error));
  const claim = (error as { claim?: unknown } | null)?.claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new WorkloadApiError(
        'JWT_SVID_EXPIRED',
        `the JWT-SVID for ${subject.id} has expired (${detail}): fetch a new one`,
        { cause: error },
      );
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') {
        return new WorkloadApiError(
          'JWT_SVID_AUDIENCE_MISMATCH',
          `the JWT-SVID for ${subject.id} is not for audience '${audience}' (${detail})`,
          { cause: error },
        );
      }
      return new WorkloadApiError(
        'JWT_SVID_INVALID',
        `the JWT-SVID for ${subject.id} failed the \`${String(claim)}\` check: ${detail}`,
        { cause: error },
      );
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new WorkloadApiError(
        'JWT_SVID_INVALID',
        `the JWT-SVID for ${subject.id} is not signed by a key of the ${subject.trustDomainId} JWT bundle (${detail})`,
        { cause: error },
      );
    default:
      return new WorkloadApiError('JWT_SVID_INVALID', `the JWT-SVID for ${subject.id} failed verification: ${detail}`, {
        cause: error,
      });
  }
}
