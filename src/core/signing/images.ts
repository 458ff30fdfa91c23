import { createHash } from 'node:crypto';
import { InputError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import {
  cosignRepositoryName,
  getManifest,
  OCI_EMPTY,
  OCI_IMAGE_CONFIG,
  pushReferrer,
  putManifest,
  RegistryClient,
  repositoryName,
  sha256Digest,
  uploadBlob,
  type FetchedManifest,
  type RegistryClientOptions,
} from '../oci/index.ts';
import {
  BUNDLE_MEDIA_TYPE,
  bundleReferrerManifest,
  cosignSignStatement,
  dssePreAuthEncoding,
  EMPTY_CONFIG,
  imageBundleJson,
  IN_TOTO_PAYLOAD_TYPE,
} from './image-bundle.ts';
import { appendSignatureLayers, hasValidSignature, signatureTag, SIMPLE_SIGNING_MEDIA_TYPE } from './image-legacy.ts';
import { simpleSigningPayload } from './image-payload.ts';
import { resolveTargets, type ImageTarget } from './image-targets.ts';
import { mapConcurrent } from './concurrency.ts';
import { SigningError } from './errors.ts';
import { IMAGE_SIGNATURE_FORMATS, type ImageSignatureFormat } from './image-format.ts';

export { DEFAULT_IMAGE_SIGNATURE_FORMAT, IMAGE_SIGNATURE_FORMATS, type ImageSignatureFormat } from './image-format.ts';
/** Registry requests in flight at once (resolving, reading `.sig` tags, pushing). */
export const DEFAULT_REGISTRY_CONCURRENCY = 8;

/** What signs image payloads: TransitSigner satisfies this. */
export interface ImageSigner {
  readonly keyVersion: number;
  readonly publicKeyPem: string;
  readonly keyHint: string;
  signDigests(digests: readonly Buffer[]): Promise<Buffer[]>;
}

export interface SignImagesOptions {
  /** Tag or digest references. */
  readonly references: readonly string[];
  readonly signer: ImageSigner;
  readonly format: ImageSignatureFormat;
  /** Signed into the legacy payload's `optional` and the Statement subject's annotations. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** For an index: also sign each platform manifest. */
  readonly recursive?: boolean;
  readonly registry: RegistryClientOptions;
  readonly concurrency?: number;
  readonly logger?: Logger;
  /** The referrer's creation time (tests); default now. */
  readonly now?: () => Date;
}

export interface SignedImage {
  readonly reference: string;
  /** registry/repository. */
  readonly repository: string;
  /** `sha256:<hex>` that was signed: resolved once, so a tag that moves meanwhile does not matter. */
  readonly digest: string;
  readonly format: ImageSignatureFormat;
  /** legacy/both: the `sha256-<hex>.sig` tag. */
  readonly signatureTag?: string;
  /** bundle/both: the digest of the bundle referrer manifest. */
  readonly referrerDigest?: string;
  readonly keyVersion: number;
  /** `os/arch[/variant]` of a platform manifest signed through `recursive`. */
  readonly platform?: string;
}

interface LegacyPlan {
  readonly existing: FetchedManifest | undefined;
  readonly payload: Buffer;
  readonly payloadDigest: string;
  /** The `.sig` tag already has a signature of this payload by this key: nothing to add. */
  readonly alreadySigned: boolean;
}

/**
 * Signs images in their registries: resolve every reference once, read the existing `.sig`
 * manifests, sign every payload (legacy) and DSSE PAE (bundle) digest in one `signDigests`
 * batch, then write the signatures. See the module docs of image-legacy.ts and image-bundle.ts.
 */
export async function signImages(options: SignImagesOptions): Promise<SignedImage[]> {
  const { signer, format } = options;
  if (!IMAGE_SIGNATURE_FORMATS.includes(format)) {
    throw new InputError(
      `image signature format '${String(format)}' is not one of ${IMAGE_SIGNATURE_FORMATS.join(', ')}`,
    );
  }
  const annotations = checkAnnotations(options.annotations ?? {});
  const logger = options.logger ?? NOOP_LOGGER;
  const concurrency = options.concurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const client = new RegistryClient({ logger, ...options.registry });
  const targets = await resolveTargets(client, options.references, {
    recursive: options.recursive ?? false,
    concurrency,
  });
  if (targets.length === 0) return [];
  const wantLegacy = format !== 'bundle';
  const wantBundle = format !== 'legacy';

  const legacy: (LegacyPlan | undefined)[] = wantLegacy
    ? await mapConcurrent(targets, concurrency, (t) => planLegacy(client, t, annotations, signer.publicKeyPem))
    : [];
  const statements = wantBundle ? targets.map((t) => cosignSignStatement(t.descriptor.digest, annotations)) : [];

  const toSign: Buffer[] = [];
  legacy.forEach((plan) => {
    if (plan && !plan.alreadySigned) toSign.push(plan.payload);
  });
  statements.forEach((statement) => toSign.push(dssePreAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement)));
  const signatures = toSign.length ? await signer.signDigests(toSign.map(sha256)) : [];
  if (signatures.length !== toSign.length) {
    throw new SigningError(
      'SIGNER_RESPONSE_INVALID',
      `the signer returned ${signatures.length} signatures for ${toSign.length} digests`,
    );
  }
  let next = 0;
  const legacySignatures = legacy.map((plan) => (plan && !plan.alreadySigned ? signatures[next++] : undefined));
  const bundleSignatures = statements.map(() => signatures[next++] as Buffer);

  const now = options.now ?? (() => new Date());
  return mapConcurrent(targets, concurrency, async (target, i): Promise<SignedImage> => {
    const repo = target.ref;
    const digest = target.descriptor.digest;
    const plan = legacy[i];
    const legacySignature = legacySignatures[i];
    if (plan && legacySignature) {
      await writeLegacy(client, target, plan, legacySignature);
    } else if (plan) {
      logger.info(
        `${repositoryName(repo)}@${digest} already has this key's signature in ${signatureTag(digest)}; not added again`,
      );
    }
    let referrerDigest: string | undefined;
    if (wantBundle) {
      const bundle = imageBundleJson({
        statement: statements[i] as Buffer,
        signature: bundleSignatures[i] as Buffer,
        keyHint: signer.keyHint,
      });
      const [, bundleBlob] = await Promise.all([
        uploadBlob(client, repo, EMPTY_CONFIG.bytes, OCI_EMPTY),
        uploadBlob(client, repo, bundle, BUNDLE_MEDIA_TYPE),
      ]);
      const manifest = bundleReferrerManifest({ subject: target.descriptor, bundle: bundleBlob, created: now() });
      const pushed = await pushReferrer(client, repo, {
        bytes: manifest,
        subjectDigest: digest,
        artifactType: BUNDLE_MEDIA_TYPE,
      });
      referrerDigest = pushed.descriptor.digest;
      logger.debug(
        `pushed bundle referrer ${referrerDigest} for ${repositoryName(repo)}@${digest}${pushed.viaApi ? '' : ' (referrers tag)'}`,
      );
    }
    // Debug only: both adapters list what was signed once the run is done.
    logger.debug(`signed ${target.reference} (${digest}, key version ${signer.keyVersion})`);
    return {
      reference: target.reference,
      repository: repositoryName(repo),
      digest,
      format,
      ...(wantLegacy ? { signatureTag: signatureTag(digest) } : {}),
      ...(referrerDigest ? { referrerDigest } : {}),
      keyVersion: signer.keyVersion,
      ...(target.platform ? { platform: target.platform } : {}),
    };
  });
}

async function planLegacy(
  client: RegistryClient,
  target: ImageTarget,
  annotations: Readonly<Record<string, string>>,
  publicKeyPem: string,
): Promise<LegacyPlan> {
  const digest = target.descriptor.digest;
  const existing = await getManifest(client, target.ref, signatureTag(digest));
  const payload = simpleSigningPayload({ dockerReference: cosignRepositoryName(target.ref), digest, annotations });
  const payloadDigest = sha256Digest(payload);
  return {
    existing,
    payload,
    payloadDigest,
    alreadySigned: hasValidSignature(existing?.json, payload, payloadDigest, publicKeyPem),
  };
}

/** Uploads the payload and config blobs, then writes the `.sig` manifest with the new layer appended. */
async function writeLegacy(
  client: RegistryClient,
  target: ImageTarget,
  plan: LegacyPlan,
  signature: Buffer,
): Promise<void> {
  const repo = target.ref;
  const next = appendSignatureLayers(plan.existing?.json, [
    { payload: plan.payload, payloadDigest: plan.payloadDigest, signature },
  ]);
  if (!next) return;
  await Promise.all([
    uploadBlob(client, repo, plan.payload, SIMPLE_SIGNING_MEDIA_TYPE),
    uploadBlob(client, repo, next.config, OCI_IMAGE_CONFIG),
  ]);
  await putManifest(client, repo, {
    reference: signatureTag(target.descriptor.digest),
    mediaType: next.mediaType,
    bytes: next.manifest,
  });
}

function checkAnnotations(annotations: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const [key, value] of Object.entries(annotations)) {
    if (key.trim() === '' || typeof value !== 'string') {
      throw new InputError(`annotation '${key}' is not a non-empty key with a string value (key=value)`);
    }
  }
  return annotations;
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
