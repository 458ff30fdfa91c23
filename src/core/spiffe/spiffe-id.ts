/** SPIFFE IDs parsed and checked as the SPIFFE ID spec defines them. */
import { WorkloadApiError } from './errors.ts';

/** A parsed SPIFFE ID (SPIFFE ID standard): `spiffe://<trust domain><path>`. */
export interface SpiffeId {
  /** The whole ID, e.g. `spiffe://example.org/ci/runner`. */
  readonly id: string;
  /** The trust domain name, e.g. `example.org`. */
  readonly trustDomain: string;
  /** The trust domain ID, e.g. `spiffe://example.org`: the key of bundle maps. */
  readonly trustDomainId: string;
  /** The path, `''` for a trust domain ID, else `/seg/seg`. */
  readonly path: string;
}

const SCHEME_PREFIX = 'spiffe://';
const MAX_ID_BYTES = 2048;
const MAX_TRUST_DOMAIN_BYTES = 255;
const TRUST_DOMAIN_CHARS = /^[a-z0-9._-]+$/;
const SEGMENT_CHARS = /^[A-Za-z0-9._-]+$/;

function invalid(value: string, why: string): WorkloadApiError {
  return new WorkloadApiError(
    'SPIFFE_ID_INVALID',
    `'${value}' is not a SPIFFE ID: ${why} (expected spiffe://trust-domain/path, trust domain ` +
      'in lowercase letters, digits, ".", "-", "_"; path segments of letters, digits, ".", "-", "_", ' +
      'not empty, not "." or "..")',
  );
}

/**
 * Parses and validates a SPIFFE ID strictly, as the SPIFFE ID standard and go-spiffe do: lowercase
 * `spiffe` scheme, no user info, port, query, fragment or percent-encoding.
 */
export function parseSpiffeId(value: string): SpiffeId {
  if (typeof value !== 'string' || value === '') throw invalid(String(value), 'it is empty');
  if (Buffer.byteLength(value, 'utf8') > MAX_ID_BYTES) {
    throw invalid(`${value.slice(0, 64)}…`, `it is longer than ${MAX_ID_BYTES} bytes`);
  }
  if (!value.startsWith(SCHEME_PREFIX)) throw invalid(value, 'the scheme must be spiffe://');
  const rest = value.slice(SCHEME_PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  if (trustDomain === '') throw invalid(value, 'the trust domain is missing');
  if (trustDomain.length > MAX_TRUST_DOMAIN_BYTES) {
    throw invalid(value, `the trust domain is longer than ${MAX_TRUST_DOMAIN_BYTES} characters`);
  }
  if (!TRUST_DOMAIN_CHARS.test(trustDomain)) {
    throw invalid(value, `the trust domain '${trustDomain}' has characters other than [a-z0-9._-]`);
  }
  if (path !== '') validatePath(value, path);
  return { id: value, trustDomain, trustDomainId: `${SCHEME_PREFIX}${trustDomain}`, path };
}

function validatePath(value: string, path: string): void {
  // path starts with '/': segments after it
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') throw invalid(value, 'the path has an empty segment or a trailing slash');
    if (segment === '.' || segment === '..') throw invalid(value, `the path has a '${segment}' segment`);
    if (!SEGMENT_CHARS.test(segment)) {
      throw invalid(value, `the path segment '${segment}' has characters other than [A-Za-z0-9._-]`);
    }
  }
}

/** Parses a trust domain name (`example.org`) or trust domain ID (`spiffe://example.org`). */
export function parseTrustDomain(value: string): string {
  const id = value.startsWith(SCHEME_PREFIX) ? value : `${SCHEME_PREFIX}${value}`;
  const parsed = parseSpiffeId(id);
  if (parsed.path !== '') {
    throw invalid(value, 'a trust domain must not have a path');
  }
  return parsed.trustDomain;
}
