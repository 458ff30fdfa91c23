/**
 * Offline checks, with one public key, of the image signatures sign-image (and `cosign sign`)
 * write: the legacy `sha256-<hex>.sig` tag (simple signing payloads, one per layer) and, when no
 * legacy signature verifies, Sigstore bundle referrers (a DSSE envelope of an in-toto Statement
 * about the image digest). No Vault and no transparency log: what cosign checks with
 * `cosign verify --key KEY.pub --insecure-ignore-tlog=true [-a k=v]`.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../logger.ts';
import {
  getBlob,
  getManifest,
  listReferrers,
  OCI_EMPTY,
  RegistryClient,
  sha256Digest,
  type ImageReference,
  type RegistryClientOptions,
} from '../oci/index.ts';
import { checkEachImage } from './image-each.ts';
import { BUNDLE_MEDIA_TYPE } from './image-bundle.ts';
import { checkBundle, checkLegacyLayer, type ExpectedSubject } from './image-checks.ts';
import { signatureTag, SIMPLE_SIGNING_MEDIA_TYPE } from './image-legacy.ts';

export const IMAGE_VERIFICATION_CODES = [
  /** Neither a `.sig` tag nor a bundle referrer exists for the digest. */
  'NO_SIGNATURES',
  /** Signatures exist, but none verifies with the key (and the digest and annotations). */
  'SIGNATURE_INVALID',
] as const;
export type ImageVerificationCode = (typeof IMAGE_VERIFICATION_CODES)[number];

export interface VerifyImagesOptions {
  /** Tag or digest references; a tag is resolved once to its digest. */
  readonly references: readonly string[];
  /** The ECDSA P-256 public key the signatures must verify with. */
  readonly publicKey: KeyObject;
  /** Each must be in the signed payload's `optional` (legacy) or the Statement subject's annotations (bundle). */
  readonly annotations?: Readonly<Record<string, string>>;
  readonly registry: RegistryClientOptions;
  readonly concurrency?: number;
  readonly logger?: Logger;
}

export interface ImageVerification {
  readonly reference: string;
  /** registry/repository. */
  readonly repository: string;
  /** `sha256:<hex>` checked; undefined when the reference could not be resolved. */
  readonly digest?: string;
  readonly verified: boolean;
  /** What verified: the legacy `.sig` tag or a bundle referrer. */
  readonly format?: 'legacy' | 'bundle';
  /** How many signatures (layers or bundles) verified in that format. */
  readonly signatures: number;
  /** Why not, when not verified: one line. */
  readonly reason?: string;
  /** NO_SIGNATURES, SIGNATURE_INVALID, or the registry error's code (e.g. IMAGE_NOT_FOUND). */
  readonly code?: string;
}

/**
 * Verifies every image; a failure of one (not signed, not found, a registry error) is its
 * result, not an exception. References that do not parse throw (OciError IMAGE_REFERENCE_INVALID)
 * before any request.
 */
export async function verifyImages(options: VerifyImagesOptions): Promise<ImageVerification[]> {
  const annotations = options.annotations ?? {};
  return checkEachImage(
    options,
    (client, { ref, digest }) =>
      verifyDigest(client, { ref, key: options.publicKey, expected: { digest, annotations } }),
    (reason, code) => ({ verified: false as const, signatures: 0, reason, code }),
  );
}

type DigestResult = Pick<ImageVerification, 'verified' | 'format' | 'signatures' | 'reason' | 'code'>;

async function verifyDigest(
  client: RegistryClient,
  check: { ref: ImageReference; key: KeyObject; expected: ExpectedSubject },
): Promise<DigestResult> {
  const { ref, key, expected } = check;
  const failures: string[] = [];
  let found = 0;
  const sigTag = signatureTag(expected.digest);
  const sig = await getManifest(client, { repo: ref, reference: sigTag });
  const layers = (sig?.json.layers ?? []).filter((l) => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE);
  let legacyValid = 0;
  for (const layer of layers) {
    found++;
    const payload = await getBlob(client, { repo: ref, digest: layer.digest });
    const why = checkLegacyLayer(layer, { payload, key, expected });
    if (why) failures.push(`${sigTag} layer ${shortDigest(layer.digest)}: ${why}`);
    else legacyValid++;
  }
  if (legacyValid > 0) return { verified: true, format: 'legacy', signatures: legacyValid };

  // Unfiltered: some registries report a referrer's artifactType as its config's media type
  // (the OCI empty type) and would drop bundles from a filtered list; the layers tell.
  const referrers = await listReferrers(client, { repo: ref, digest: expected.digest });
  const candidates = referrers.descriptors.filter(
    (d) => d.artifactType === undefined || d.artifactType === BUNDLE_MEDIA_TYPE || d.artifactType === OCI_EMPTY,
  );
  let bundleValid = 0;
  for (const referrer of candidates) {
    const manifest = await getManifest(client, { repo: ref, reference: referrer.digest });
    for (const layer of (manifest?.json.layers ?? []).filter((l) => l.mediaType === BUNDLE_MEDIA_TYPE)) {
      found++;
      const bytes = await getBlob(client, { repo: ref, digest: layer.digest });
      const why =
        sha256Digest(bytes) === layer.digest
          ? checkBundle(bytes, { key, expected })
          : `the blob does not hash to ${layer.digest}`;
      if (why) failures.push(`bundle referrer ${shortDigest(referrer.digest)}: ${why}`);
      else bundleValid++;
    }
  }
  if (bundleValid > 0) return { verified: true, format: 'bundle', signatures: bundleValid };
  if (found === 0) {
    return {
      verified: false,
      signatures: 0,
      code: 'NO_SIGNATURES',
      reason: `no signatures: neither a ${sigTag} tag with signature layers nor a Sigstore bundle referrer`,
    };
  }
  return {
    verified: false,
    signatures: 0,
    code: 'SIGNATURE_INVALID',
    reason: `none of ${found} signature${found === 1 ? '' : 's'} verifies: ${failures.join('; ')}`,
  };
}

function shortDigest(digest: string): string {
  return digest.slice(0, 19);
}
