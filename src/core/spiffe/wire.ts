/**
 * The boundary between protobuf messages (as the generated codecs decode them: field names as in
 * the .proto, bytes as Buffer, maps as plain objects, unset scalars read as their defaults) and
 * the domain types. Nothing outside the client sees wire types.
 */
import type { JSONWebKeySet } from 'jose';
import { WorkloadApiError } from './errors.ts';
import { decodeJwtSvidClaims, type JwtBundles, type JwtSvid } from './jwt-svid.ts';
import { parseSpiffeId } from './spiffe-id.ts';

/** `JWTSVIDRequest` as sent. */
export interface WireJwtSvidRequest {
  audience: string[];
  /** Left out: an empty value is sent as a field, and asks for every SVID all the same. */
  spiffe_id?: string;
}

/** `JWTSVIDResponse` as received (fields may be missing on a misbehaving server). */
export interface WireJwtSvidResponse {
  svids?: Array<{ spiffe_id?: string | null; svid?: string | null; hint?: string | null }> | null;
}

/** `JWTBundlesResponse` as received. */
export interface WireJwtBundlesResponse {
  bundles?: Record<string, Uint8Array | string> | null;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Builds a `JwtSvid` whose `token` is a normal readable property but which prints and serializes
 * without it (printing, `util.inspect` and `JSON.stringify` show `[REDACTED]`).
 */
export function makeJwtSvid(fields: JwtSvid): JwtSvid {
  const svid = { ...fields, audiences: Object.freeze([...fields.audiences]) };
  const redacted = () => ({ ...svid, token: '[REDACTED]' });
  Object.defineProperty(svid, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(svid, INSPECT, { value: redacted, enumerable: false });
  return Object.freeze(svid);
}

/**
 * Converts a `JWTSVIDResponse` into domain `JwtSvid`s. Every SVID must have a SPIFFE ID and a
 * token whose `sub` equals that ID (`JWT_SVID_INVALID` otherwise); an empty list is
 * `JWT_SVID_NOT_FOUND`. Tokens are decoded, not verified.
 */
export function parseJwtSvidResponse(response: WireJwtSvidResponse): JwtSvid[] {
  const wire = response.svids ?? [];
  if (wire.length === 0) {
    throw new WorkloadApiError('JWT_SVID_NOT_FOUND', 'the SPIFFE Workload API answered FetchJWTSVID with no JWT-SVIDs');
  }
  return wire.map((entry, index) => {
    const spiffeIdText = entry.spiffe_id ?? '';
    const token = entry.svid ?? '';
    if (spiffeIdText === '') {
      throw new WorkloadApiError('JWT_SVID_INVALID', `JWT-SVID #${index + 1} from the Workload API has no spiffe_id`);
    }
    let spiffeId: string;
    try {
      spiffeId = parseSpiffeId(spiffeIdText).id;
    } catch (error: unknown) {
      throw new WorkloadApiError(
        'JWT_SVID_INVALID',
        `JWT-SVID #${index + 1} from the Workload API has an invalid spiffe_id`,
        { cause: error },
      );
    }
    if (token === '') {
      throw new WorkloadApiError('JWT_SVID_INVALID', `the JWT-SVID for ${spiffeId} from the Workload API is empty`);
    }
    const decoded = decodeJwtSvidClaims(token);
    if (decoded.subject.id !== spiffeId) {
      throw new WorkloadApiError(
        'JWT_SVID_INVALID',
        `the JWT-SVID labelled ${spiffeId} by the Workload API has sub ${decoded.subject.id}`,
      );
    }
    return makeJwtSvid({
      spiffeId,
      token,
      hint: entry.hint ?? '',
      audiences: decoded.audiences,
      expiresAt: decoded.expiresAt,
      claims: decoded.claims,
    });
  });
}

/**
 * Converts a `JWTBundlesResponse` into a map of trust domain ID → JWKS. Keys must be trust domain
 * IDs (`spiffe://td`), values JSON objects with a `keys` array (`JWT_BUNDLE_INVALID` otherwise).
 */
export function parseJwtBundlesResponse(response: WireJwtBundlesResponse): JwtBundles {
  const bundles = new Map<string, JSONWebKeySet>();
  for (const [key, value] of Object.entries(response.bundles ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    let trustDomainId: string;
    try {
      const parsed = parseSpiffeId(key);
      if (parsed.path !== '') throw new Error('it has a path');
      trustDomainId = parsed.trustDomainId;
    } catch (error: unknown) {
      throw new WorkloadApiError(
        'JWT_BUNDLE_INVALID',
        `the Workload API sent a JWT bundle keyed '${key}', which is not a trust domain ID`,
        { cause: error },
      );
    }
    const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    let jwks: unknown;
    try {
      jwks = JSON.parse(text);
    } catch (error: unknown) {
      throw new WorkloadApiError('JWT_BUNDLE_INVALID', `the JWT bundle of ${trustDomainId} is not JSON`, {
        cause: error,
      });
    }
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (
      typeof jwks !== 'object' ||
      jwks === null ||
      !Array.isArray(keys) ||
      !keys.every((k) => typeof k === 'object' && k !== null)
    ) {
      throw new WorkloadApiError(
        'JWT_BUNDLE_INVALID',
        `the JWT bundle of ${trustDomainId} is not a JWKS (no "keys" array of objects)`,
      );
    }
    bundles.set(trustDomainId, jwks as JSONWebKeySet);
  }
  if (bundles.size === 0) {
    throw new WorkloadApiError(
      'JWT_BUNDLE_INVALID',
      'the SPIFFE Workload API answered FetchJWTBundles with no bundles',
    );
  }
  return bundles;
}
