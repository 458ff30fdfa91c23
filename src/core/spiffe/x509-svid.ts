/**
 * X.509-SVIDs and X.509 bundles as the domain sees them, and their parsing from the Workload
 * API's messages (DER chains, PKCS#8 DER keys). The private key stays a KeyObject in memory:
 * an SVID prints and serializes without it.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { describeError } from '../errors.ts';
import { WorkloadApiError } from './errors.ts';
import { parseSpiffeId } from './spiffe-id.ts';

/** One X.509-SVID. `privateKey` is a secret: never print or store it. */
export interface X509Svid {
  readonly spiffeId: string;
  /** Leaf first, then any intermediates, as the agent sent them. */
  readonly certificates: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  /** The trust domain's X.509 roots the agent sent with the SVID. */
  readonly bundle: readonly X509Certificate[];
  readonly hint: string;
  /** The leaf's notAfter. */
  readonly expiresAt: Date;
}

/** X.509 roots keyed by trust domain ID (`spiffe://td`). */
export type X509Bundles = ReadonlyMap<string, readonly X509Certificate[]>;

/** `X509SVIDResponse` as received. */
export interface WireX509SvidResponse {
  svids?: Array<{
    spiffe_id?: string | null;
    x509_svid?: Uint8Array | null;
    x509_svid_key?: Uint8Array | null;
    bundle?: Uint8Array | null;
    hint?: string | null;
  }> | null;
}

/** `X509BundlesResponse` as received. */
export interface WireX509BundlesResponse {
  bundles?: Record<string, Uint8Array> | null;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Splits concatenated DER certificates (the Workload API's chain and bundle encoding). */
export function splitDerCertificates(der: Uint8Array): X509Certificate[] {
  const bytes = Buffer.from(der);
  const certificates: X509Certificate[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0x30 || offset + 2 > bytes.length) throw new Error('not a DER SEQUENCE');
    const first = bytes[offset + 1] as number;
    let length = first;
    let header = 2;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count === 0 || count > 4 || offset + 2 + count > bytes.length) throw new Error('bad DER length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
      header += count;
    }
    const end = offset + header + length;
    if (end > bytes.length) throw new Error('truncated DER certificate');
    certificates.push(new X509Certificate(bytes.subarray(offset, end)));
    offset = end;
  }
  return certificates;
}

/** The SPIFFE ID in a leaf's URI SAN (exactly one, X509-SVID spec), or throws. */
function uriSanSpiffeId(leaf: X509Certificate): string {
  const uris = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice(4));
  if (uris.length !== 1) throw new Error(`the leaf certificate has ${uris.length} URI SANs, not exactly one`);
  return parseSpiffeId(uris[0] as string).id;
}

function invalid(message: string, cause?: unknown): WorkloadApiError {
  return new WorkloadApiError('X509_SVID_INVALID', message, cause === undefined ? undefined : { cause });
}

/** Freezes an SVID whose printed and serialized forms leave the private key out. */
export function makeX509Svid(fields: X509Svid): X509Svid {
  const svid = {
    ...fields,
    certificates: Object.freeze([...fields.certificates]),
    bundle: Object.freeze([...fields.bundle]),
  };
  const redacted = () => ({
    spiffeId: svid.spiffeId,
    hint: svid.hint,
    expiresAt: svid.expiresAt.toISOString(),
    certificates: svid.certificates.length,
    privateKey: '[REDACTED]',
  });
  Object.defineProperty(svid, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(svid, INSPECT, { value: redacted, enumerable: false });
  return Object.freeze(svid);
}

/**
 * Converts an `X509SVIDResponse` into domain SVIDs: a SPIFFE ID, a DER chain whose leaf's URI SAN
 * is that ID, a PKCS#8 key (`X509_SVID_INVALID` otherwise); an empty list is `X509_SVID_NOT_FOUND`.
 * Error messages never include key material.
 */
export function parseX509SvidResponse(response: WireX509SvidResponse): X509Svid[] {
  const wire = response.svids ?? [];
  if (wire.length === 0) {
    throw new WorkloadApiError(
      'X509_SVID_NOT_FOUND',
      'the SPIFFE Workload API answered FetchX509SVID with no X.509-SVIDs',
    );
  }
  return wire.map((entry, index) => {
    const label = `X.509-SVID #${index + 1} from the Workload API`;
    let spiffeId: string;
    try {
      spiffeId = parseSpiffeId(entry.spiffe_id ?? '').id;
    } catch (error: unknown) {
      throw invalid(`${label} has no valid spiffe_id`, error);
    }
    let certificates: X509Certificate[];
    try {
      certificates = splitDerCertificates(entry.x509_svid ?? new Uint8Array());
    } catch (error: unknown) {
      throw invalid(`the X.509-SVID of ${spiffeId} is not a DER certificate chain: ${describeError(error)}`, error);
    }
    const leaf = certificates[0];
    if (leaf === undefined) throw invalid(`the X.509-SVID of ${spiffeId} has no certificate`);
    let sanId: string;
    try {
      sanId = uriSanSpiffeId(leaf);
    } catch (error: unknown) {
      throw invalid(`the X.509-SVID of ${spiffeId} has no usable SPIFFE ID: ${describeError(error)}`, error);
    }
    if (sanId !== spiffeId) throw invalid(`the X.509-SVID labelled ${spiffeId} by the Workload API is for ${sanId}`);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: Buffer.from(entry.x509_svid_key ?? []), format: 'der', type: 'pkcs8' });
    } catch (error: unknown) {
      // The parser's message names no key bytes, but keep it out all the same.
      void error;
      throw invalid(`the private key of the X.509-SVID of ${spiffeId} is not a PKCS#8 DER key`);
    }
    if (!leaf.checkPrivateKey(privateKey)) {
      throw invalid(`the private key of the X.509-SVID of ${spiffeId} does not match its certificate`);
    }
    let bundle: X509Certificate[] = [];
    try {
      if (entry.bundle && entry.bundle.length > 0) bundle = splitDerCertificates(entry.bundle);
    } catch (error: unknown) {
      throw invalid(`the bundle sent with the X.509-SVID of ${spiffeId} is not DER certificates`, error);
    }
    return makeX509Svid({
      spiffeId,
      certificates,
      privateKey,
      bundle,
      hint: entry.hint ?? '',
      expiresAt: new Date(leaf.validTo),
    });
  });
}

/** Converts an `X509BundlesResponse` into trust domain ID → roots (`X509_BUNDLE_INVALID` otherwise). */
export function parseX509BundlesResponse(response: WireX509BundlesResponse): X509Bundles {
  const bundles = new Map<string, readonly X509Certificate[]>();
  for (const [key, value] of Object.entries(response.bundles ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    let trustDomainId: string;
    let certificates: X509Certificate[];
    try {
      const parsed = parseSpiffeId(key);
      if (parsed.path !== '') throw new Error('it has a path');
      trustDomainId = parsed.trustDomainId;
      certificates = splitDerCertificates(value);
      if (certificates.length === 0) throw new Error('it holds no certificate');
    } catch (error: unknown) {
      throw new WorkloadApiError(
        'X509_BUNDLE_INVALID',
        `the X.509 bundle keyed '${key}' is unusable: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    bundles.set(trustDomainId, Object.freeze(certificates));
  }
  if (bundles.size === 0) {
    throw new WorkloadApiError(
      'X509_BUNDLE_INVALID',
      'the SPIFFE Workload API answered FetchX509Bundles with no bundles',
    );
  }
  return bundles;
}

/** PEM text of certificates, for TLS options. */
export function certificatesPem(certificates: readonly X509Certificate[]): string {
  return certificates.map((certificate) => certificate.toString()).join('');
}
