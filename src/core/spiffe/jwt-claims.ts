/** A JWT-SVID's claims decoded without verification, and a SPIFFE JWT bundle's keys for jose. */
import { decodeJwt, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { describeError } from '../errors.ts';
import { WorkloadApiError, redactJwts } from './errors.ts';
import { parseSpiffeId, type SpiffeId } from './spiffe-id.ts';

export function audiencesOf(aud: JWTPayload['aud']): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/**
 * Decodes (does NOT verify) a JWT-SVID's claims for the domain type: `sub` must be a SPIFFE ID,
 * `exp` a number, `aud` present. Throws `JWT_SVID_INVALID` otherwise (never echoing the token).
 */
export function decodeJwtSvidClaims(token: string): {
  readonly subject: SpiffeId;
  readonly audiences: readonly string[];
  readonly expiresAt: Date;
  readonly claims: Readonly<JWTPayload>;
} {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch (error: unknown) {
    throw new WorkloadApiError(
      'JWT_SVID_INVALID',
      `the JWT-SVID is not a well-formed JWT: ${redactJwts(describeError(error))}`,
      { cause: error },
    );
  }
  if (typeof claims.sub !== 'string') throw new WorkloadApiError('JWT_SVID_INVALID', 'the JWT-SVID has no `sub` claim');
  let subject: SpiffeId;
  try {
    subject = parseSpiffeId(claims.sub);
  } catch (error: unknown) {
    throw new WorkloadApiError(
      'JWT_SVID_INVALID',
      `the JWT-SVID's \`sub\` is not a SPIFFE ID: ${describeError(error)}`,
      { cause: error },
    );
  }
  // A number a Date can hold (±8.64e12 s): 1e300 would make an Invalid Date that never expires.
  const expiresAt = new Date(typeof claims.exp === 'number' ? claims.exp * 1000 : Number.NaN);
  if (Number.isNaN(expiresAt.getTime())) {
    throw new WorkloadApiError('JWT_SVID_INVALID', `the JWT-SVID for ${subject.id} has no numeric \`exp\` claim`);
  }
  const audiences = audiencesOf(claims.aud);
  if (audiences.length === 0)
    throw new WorkloadApiError('JWT_SVID_INVALID', `the JWT-SVID for ${subject.id} has no \`aud\` claim`);
  return { subject, audiences, expiresAt, claims: Object.freeze({ ...claims }) };
}

/**
 * Normalizes a SPIFFE JWT bundle for jose: SPIFFE bundles may mark keys `use: "jwt-svid"` (and
 * X.509 authorities `use: "x509-svid"`), which jose would skip; keep JWT keys, drop the rest.
 */
export function jwtSigningKeys(bundle: JSONWebKeySet): JSONWebKeySet {
  const keys: JWK[] = [];
  for (const key of bundle.keys) {
    if (key.use === undefined || key.use === 'sig') keys.push(key);
    else if (key.use === 'jwt-svid') {
      const copy: JWK = { ...key };
      delete copy.use;
      keys.push(copy);
    }
  }
  return { keys };
}
