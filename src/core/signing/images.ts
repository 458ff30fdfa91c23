/** Signing images in their registries: the legacy `.sig` tag and/or a Sigstore bundle referrer. */
import { createHash } from 'node:crypto';
import {
  assignSignatures,
  attestationArtifacts,
  planImageAttestations,
  writeImageAttestations,
  type ImageAttestation,
  type ImageAttestationOptions,
} from '../attest/image-attestations.ts';
import { ImageAttestationError } from '../attest/image-errors.ts';
import { InputError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import {
  confirmStored,
  cosignRepositoryName,
  OCI_EMPTY,
  OCI_IMAGE_CONFIG,
  pushReferrer,
  putManifest,
  RegistryClient,
  repositoryName,
  uploadBlob,
  type FetchedManifest,
  type RegistryClientOptions,
} from '../oci/index.ts';
import { BundleBuilder, bundleJson, type BundleArtifact } from './bundle-builder.ts';
import {
  BUNDLE_MEDIA_TYPE,
  bundleReferrerManifest,
  cosignSignStatement,
  EMPTY_CONFIG,
  IN_TOTO_PAYLOAD_TYPE,
} from './image-bundle.ts';
import { appendSignatureLayers, hasValidSignature, signatureTag, SIMPLE_SIGNING_MEDIA_TYPE } from './image-legacy.ts';
import { simpleSigningPayload } from './image-payload.ts';
import type { ImageTarget } from './image-targets.ts';
import { DEFAULT_REGISTRY_CONCURRENCY, startImageReads, type ImageRead, type ImageReads } from './image-reads.ts';
import { mapConcurrent } from './concurrency.ts';
import { IMAGE_SIGNATURE_FORMATS, type ImageSignatureFormat } from './image-format.ts';
import type { DigestSigner } from './types.ts';

export { DEFAULT_IMAGE_SIGNATURE_FORMAT, IMAGE_SIGNATURE_FORMATS, type ImageSignatureFormat } from './image-format.ts';
export { DEFAULT_REGISTRY_CONCURRENCY, startImageReads, type ImageReads } from './image-reads.ts';

export interface SignImagesOptions {
  /** Tag or digest references. */
  readonly references: readonly string[];
  readonly signer: DigestSigner;
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
  /** Also attest each image (provenance, predicates): signed in the same batch, written in `format`. */
  readonly attestations?: ImageAttestationOptions;
  /** false: attestations only, no image signature (default true). */
  readonly signatures?: boolean;
  /**
   * The reads `startImageReads` began with these same references, `recursive`, `registry` and
   * legacy choice (typically before the login): the run continues from them, on their client.
   */
  readonly reads?: ImageReads;
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
  /** With `attestations`: one per request, in request order. */
  readonly attestations?: readonly ImageAttestation[];
}

interface LegacyPlan {
  readonly existing: FetchedManifest | undefined;
  readonly payload: Buffer;
  /** `sha256:<hex>` of the payload: its layer digest. */
  readonly payloadDigest: string;
  /** The same SHA-256 as bytes: what is signed. */
  readonly payloadSha256: Buffer;
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
  const attest = options.attestations?.requests.length ? options.attestations : undefined;
  const sign = options.signatures ?? true;
  if (!sign && !attest) {
    throw new ImageAttestationError(
      'NO_ATTESTATIONS_REQUESTED',
      'nothing to attest: ask for provenance or give a predicate',
    );
  }
  const logger = options.logger ?? NOOP_LOGGER;
  const concurrency = options.concurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const formats = { legacy: format !== 'bundle', bundle: format !== 'legacy' };
  const wantLegacy = sign && formats.legacy;
  const wantBundle = sign && formats.bundle;
  const reads =
    checkReads(options, wantLegacy) ??
    startImageReads({
      references: options.references,
      recursive: options.recursive ?? false,
      legacy: wantLegacy,
      registry: options.registry,
      concurrency,
      logger,
    });
  const { client } = reads;
  const read = await reads.done;
  const targets = read.map((r) => r.target);
  if (targets.length === 0) return [];

  const legacy: (LegacyPlan | undefined)[] = wantLegacy
    ? read.map((r) => planLegacy({ read: r, annotations, publicKeyPem: signer.publicKeyPem }))
    : [];
  const attestPlans = attest
    ? await planImageAttestations(client, {
        targets,
        attest,
        legacy: formats.legacy,
        publicKeyPem: signer.publicKeyPem,
        concurrency,
      })
    : [];
  const statements: BundleArtifact[] = wantBundle
    ? targets.map((t) => ({
        kind: 'dsse',
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        payload: cosignSignStatement(t.descriptor.digest, annotations),
      }))
    : [];

  // Every legacy payload, every statement and every attestation in one signer call: one Vault batch.
  const builder = new BundleBuilder({ signer });
  const toSign: BundleArtifact[] = [];
  legacy.forEach((plan) => {
    if (plan && !plan.alreadySigned) toSign.push({ kind: 'message-digest', digest: plan.payloadSha256 });
  });
  toSign.push(...statements);
  toSign.push(...attestationArtifacts(attestPlans, formats));
  const signatures = await builder.sign(toSign);
  let next = 0;
  const legacySignatures = legacy.map((plan) => (plan && !plan.alreadySigned ? signatures[next++] : undefined));
  const bundleSignatures = statements.map(() => signatures[next++] as Buffer);
  const attestSignatures = assignSignatures(attestPlans, formats, signatures.slice(next));

  const now = options.now ?? (() => new Date());
  return mapConcurrent(targets, {
    limit: concurrency,
    each: async (target, i): Promise<SignedImage> => {
      const repo = target.ref;
      const digest = target.descriptor.digest;
      const plan = legacy[i];
      const legacySignature = legacySignatures[i];
      if (plan && legacySignature) {
        await writeLegacy(client, { target, plan, signature: legacySignature });
      } else if (plan) {
        logger.info(
          `${repositoryName(repo)}@${digest} already has this key's signature in ${signatureTag(digest)}; not added again`,
        );
      }
      let referrerDigest: string | undefined;
      if (wantBundle) {
        const statement = statements[i] as BundleArtifact;
        const bundle = Buffer.from(
          bundleJson(await builder.assemble(statement, bundleSignatures[i] as Buffer)),
          'utf8',
        );
        const [, bundleBlob] = await Promise.all([
          uploadBlob(client, { repo, bytes: EMPTY_CONFIG.bytes, mediaType: OCI_EMPTY }),
          uploadBlob(client, { repo, bytes: bundle, mediaType: BUNDLE_MEDIA_TYPE }),
        ]);
        const manifest = bundleReferrerManifest({ subject: target.descriptor, bundle: bundleBlob, created: now() });
        const pushed = await pushReferrer(client, {
          repo,
          bytes: manifest,
          subjectDigest: digest,
          artifactType: BUNDLE_MEDIA_TYPE,
        });
        referrerDigest = pushed.descriptor.digest;
        await confirmStored(client, {
          repo,
          reference: referrerDigest,
          what: `the bundle referrer ${referrerDigest} of ${repositoryName(repo)}@${digest}`,
        });
        logger.debug(
          `pushed bundle referrer ${referrerDigest} for ${repositoryName(repo)}@${digest}${pushed.viaApi ? '' : ' (referrers tag)'}`,
        );
      }
      const attestPlan = attestPlans[i];
      const attestations = attestPlan
        ? await writeImageAttestations(client, {
            plan: attestPlan,
            signatures: attestSignatures[i] ?? [],
            builder,
            formats,
            now,
            logger,
          })
        : undefined;
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
        ...(attestations ? { attestations } : {}),
      };
    },
  });
}

/** Reads started for other references, or without the `.sig` tags this run needs, are a bug of the caller. */
function checkReads(options: SignImagesOptions, legacy: boolean): ImageReads | undefined {
  const { reads } = options;
  if (!reads) return undefined;
  const same =
    reads.options.recursive === (options.recursive ?? false) &&
    reads.options.legacy === legacy &&
    reads.options.references.length === options.references.length &&
    reads.options.references.every((reference, i) => reference === options.references[i]);
  if (!same) throw new Error('signImages: the reads given were started for other references or options');
  return reads;
}

function planLegacy(input: {
  read: ImageRead;
  annotations: Readonly<Record<string, string>>;
  publicKeyPem: string;
}): LegacyPlan {
  const { read, annotations, publicKeyPem } = input;
  const { target } = read;
  const existing = read.signatures;
  const digest = target.descriptor.digest;
  const payload = simpleSigningPayload({ dockerReference: cosignRepositoryName(target.ref), digest, annotations });
  const payloadSha256 = createHash('sha256').update(payload).digest();
  const payloadDigest = `sha256:${payloadSha256.toString('hex')}`;
  return {
    existing,
    payload,
    payloadDigest,
    payloadSha256,
    alreadySigned: hasValidSignature(existing?.json, { payload, payloadDigest, key: publicKeyPem }),
  };
}

/** Uploads the payload and config blobs, then writes the `.sig` manifest with the new layer appended. */
async function writeLegacy(
  client: RegistryClient,
  input: { target: ImageTarget; plan: LegacyPlan; signature: Buffer },
): Promise<void> {
  const { target, plan, signature } = input;
  const repo = target.ref;
  const next = appendSignatureLayers(plan.existing?.json, [
    { payload: plan.payload, payloadDigest: plan.payloadDigest, signature },
  ]);
  if (!next) return;
  await Promise.all([
    uploadBlob(client, { repo, bytes: plan.payload, mediaType: SIMPLE_SIGNING_MEDIA_TYPE }),
    uploadBlob(client, { repo, bytes: next.config, mediaType: OCI_IMAGE_CONFIG }),
  ]);
  const tag = signatureTag(target.descriptor.digest);
  const put = await putManifest(client, { repo, reference: tag, mediaType: next.mediaType, bytes: next.manifest });
  await confirmStored(client, {
    repo,
    reference: tag,
    layerDigest: plan.payloadDigest,
    manifestDigest: put.descriptor.digest,
    what: `the signature tag ${tag} of ${repositoryName(repo)}`,
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
