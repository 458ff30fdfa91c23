/**
 * Image attestations, in three stages around the run's one signing batch (images.ts): plan
 * (one in-toto Statement per request about each image; the `.att` tag read, so a statement this
 * key already signed there is not signed or added again), the envelopes to sign, and write
 * (the Sigstore bundle as an OCI 1.1 referrer, and/or the envelope appended to the `.att` tag),
 * each push read back and checked.
 */
import { describeError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import {
  blobExists,
  cosignRepositoryName,
  getBlob,
  getManifest,
  listReferrers,
  OCI_EMPTY,
  OciError,
  pushReferrer,
  putManifest,
  readBack,
  OCI_IMAGE_CONFIG,
  repositoryName,
  sha256Digest,
  uploadBlob,
  type FetchedManifest,
  type RegistryClient,
} from '../oci/index.ts';
import type { AttestationRequest } from '../options/config.ts';
import { BundleBuilder, bundleJson, type BundleArtifact } from '../signing/bundle-builder.ts';
import { mapConcurrent } from '../signing/concurrency.ts';
import {
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_MEDIA_TYPE,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  bundleReferrerManifest,
  CREATED_ANNOTATION,
  EMPTY_CONFIG,
} from '../signing/image-bundle.ts';
import type { ImageTarget } from '../signing/image-targets.ts';
import {
  appendAttestationLayers,
  attestationLayer,
  attestationLayers,
  attestationTag,
  DSSE_ENVELOPE_MEDIA_TYPE,
  envelopeJson,
  envelopeVerifies,
  parseEnvelope,
} from './image-att-tag.ts';
import { ImageAttestationError } from './image-errors.ts';
import { statementsFor, type StatementContext } from './requests.ts';
import { IN_TOTO_PAYLOAD_TYPE, statementPayload } from './statement.ts';

/** What to attest about every image of a run. */
export interface ImageAttestationOptions {
  readonly requests: readonly AttestationRequest[];
  /** The builder (the SPIFFE ID of the signing token) and the CI variables. */
  readonly context: StatementContext;
}

/** One attestation written for an image. */
export interface ImageAttestation {
  readonly predicateType: string;
  /** `sha256:<hex>` of the statement (the DSSE payload). */
  readonly statementDigest: string;
  /** bundle/both: the digest of the bundle referrer manifest. */
  readonly referrerDigest?: string;
  /** legacy/both: the `sha256-<hex>.att` tag. */
  readonly attestationTag?: string;
  /** legacy/both: false when the tag already held this statement signed by this key. */
  readonly addedToTag?: boolean;
}

interface PlannedStatement {
  readonly predicateType: string;
  readonly artifact: BundleArtifact & { readonly kind: 'dsse' };
  readonly statementDigest: string;
  /** The `.att` tag already holds this statement with a signature by this key. */
  readonly inTag: boolean;
}

/** The attestations of one image, before signing. */
export interface ImageAttestationPlan {
  readonly target: ImageTarget;
  readonly statements: readonly PlannedStatement[];
  /** legacy/both: the `.att` manifest as it is (undefined: no tag yet). */
  readonly existingTag: FetchedManifest | undefined;
}

/**
 * One statement per request about each target (subject: the repository as cosign names it, the
 * manifest digest). With `legacy`, the `.att` tag is read and each statement looked for there.
 */
export async function planImageAttestations(
  client: RegistryClient,
  input: {
    readonly targets: readonly ImageTarget[];
    readonly attest: ImageAttestationOptions;
    readonly legacy: boolean;
    readonly publicKeyPem: string;
    readonly concurrency: number;
  },
): Promise<ImageAttestationPlan[]> {
  const { attest, legacy, publicKeyPem } = input;
  return mapConcurrent(input.targets, {
    limit: input.concurrency,
    each: async (target) => {
      const subject = {
        name: cosignRepositoryName(target.ref),
        sha256: target.descriptor.digest.slice('sha256:'.length),
      };
      const payloads = statementsFor(attest.requests, [subject], attest.context).map((statement) => ({
        predicateType: statement.predicateType,
        payload: statementPayload(statement),
      }));
      const existingTag = legacy
        ? await getManifest(client, { repo: target.ref, reference: attestationTag(target.descriptor.digest) })
        : undefined;
      const held = existingTag ? await envelopesOf(client, target, existingTag) : [];
      const statements = payloads.map(({ predicateType, payload }): PlannedStatement => ({
        predicateType,
        artifact: { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE, payload },
        statementDigest: sha256Digest(payload),
        inTag: held.some(
          (e) =>
            e.payloadType === IN_TOTO_PAYLOAD_TYPE && e.payload.equals(payload) && envelopeVerifies(e, publicKeyPem),
        ),
      }));
      return { target, statements, existingTag };
    },
  });
}

/** The DSSE envelopes in a `.att` tag (layers whose blob is not an envelope are left out). */
async function envelopesOf(client: RegistryClient, target: ImageTarget, manifest: FetchedManifest) {
  const blobs = await Promise.all(
    attestationLayers(manifest.json).map((layer) => getBlob(client, { repo: target.ref, digest: layer.digest })),
  );
  return blobs.map((bytes) => parseEnvelope(bytes)).filter((e) => e !== undefined);
}

/** Whether a statement needs a signature: for its bundle, or for a `.att` layer not there yet. */
function needsSignature(statement: PlannedStatement, formats: { bundle: boolean }): boolean {
  return formats.bundle || !statement.inTag;
}

/** The envelopes to sign, in plan order (handed back to `writeImageAttestations` in the same order). */
export function attestationArtifacts(plans: readonly ImageAttestationPlan[], formats: { bundle: boolean }) {
  return plans.flatMap((plan) => plan.statements.filter((s) => needsSignature(s, formats)).map((s) => s.artifact));
}

/** The signatures of `attestationArtifacts`, per plan and statement (undefined: not signed). */
export function assignSignatures(
  plans: readonly ImageAttestationPlan[],
  formats: { bundle: boolean },
  signatures: readonly Buffer[],
): (Buffer | undefined)[][] {
  let next = 0;
  return plans.map((plan) =>
    plan.statements.map((s) => (needsSignature(s, formats) ? (signatures[next++] as Buffer) : undefined)),
  );
}

/**
 * Writes one image's attestations: each statement's bundle as a referrer (bundle/both), the new
 * envelopes appended to the `.att` tag in one manifest (legacy/both); every push read back.
 */
export async function writeImageAttestations(
  client: RegistryClient,
  input: {
    readonly plan: ImageAttestationPlan;
    readonly signatures: readonly (Buffer | undefined)[];
    readonly builder: BundleBuilder;
    readonly formats: { readonly bundle: boolean; readonly legacy: boolean };
    readonly now: () => Date;
    readonly logger?: Logger;
  },
): Promise<ImageAttestation[]> {
  const { plan, signatures, builder, formats } = input;
  const logger = input.logger ?? NOOP_LOGGER;
  const { target } = plan;
  const image = `${repositoryName(target.ref)}@${target.descriptor.digest}`;
  const tag = attestationTag(target.descriptor.digest);

  const referrers: (string | undefined)[] = [];
  for (const [i, statement] of plan.statements.entries()) {
    const signature = signatures[i];
    referrers.push(
      formats.bundle && signature
        ? await pushBundle(client, { target, statement, signature, builder, created: input.now(), image })
        : undefined,
    );
  }
  let added: boolean[] = plan.statements.map(() => false);
  if (formats.legacy) {
    const layers = plan.statements.flatMap((statement, i) => {
      const signature = signatures[i];
      if (statement.inTag || !signature) return [];
      const envelope = envelopeJson({ ...statement.artifact, signature });
      return [{ envelope, layer: attestationLayer(envelope, statement.predicateType) }];
    });
    if (layers.length > 0) await pushTag(client, { plan, layers, image, tag });
    added = plan.statements.map((statement, i) => !statement.inTag && signatures[i] !== undefined);
    for (const s of plan.statements.filter((s) => s.inTag)) {
      logger.info(`${image} already has this key's ${s.predicateType} statement in ${tag}; not added again`);
    }
  }
  return plan.statements.map((statement, i) => ({
    predicateType: statement.predicateType,
    statementDigest: statement.statementDigest,
    ...(referrers[i] ? { referrerDigest: referrers[i] } : {}),
    ...(formats.legacy ? { attestationTag: tag, addedToTag: added[i] as boolean } : {}),
  }));
}

async function pushBundle(
  client: RegistryClient,
  input: {
    target: ImageTarget;
    statement: PlannedStatement;
    signature: Buffer;
    builder: BundleBuilder;
    created: Date;
    image: string;
  },
): Promise<string> {
  const { target, statement, image } = input;
  const repo = target.ref;
  const bundle = Buffer.from(bundleJson(await input.builder.assemble(statement.artifact, input.signature)), 'utf8');
  const manifest = bundleReferrerManifest({
    subject: target.descriptor,
    bundle: { mediaType: BUNDLE_MEDIA_TYPE, digest: sha256Digest(bundle), size: bundle.length },
    created: input.created,
    predicateType: statement.predicateType,
  });
  const annotations = (JSON.parse(manifest.toString('utf8')) as { annotations: Record<string, string> }).annotations;
  const pushed = await refused(`the ${statement.predicateType} bundle referrer of ${image}`, image, async () => {
    await Promise.all([
      uploadBlob(client, { repo, bytes: EMPTY_CONFIG.bytes, mediaType: OCI_EMPTY }),
      uploadBlob(client, { repo, bytes: bundle, mediaType: BUNDLE_MEDIA_TYPE }),
    ]);
    return pushReferrer(client, {
      repo,
      bytes: manifest,
      subjectDigest: target.descriptor.digest,
      artifactType: BUNDLE_MEDIA_TYPE,
      annotations: {
        [BUNDLE_CONTENT_ANNOTATION]: annotations[BUNDLE_CONTENT_ANNOTATION] as string,
        [BUNDLE_PREDICATE_TYPE_ANNOTATION]: statement.predicateType,
        [CREATED_ANNOTATION]: annotations[CREATED_ANNOTATION] as string,
      },
    });
  });
  const digest = pushed.descriptor.digest;
  await checkReferrer(client, { target, digest, bundle, image });
  return digest;
}

/** Reads the referrer back: the manifest by digest, its subject and bundle blob, and its listing. */
async function checkReferrer(
  client: RegistryClient,
  input: { target: ImageTarget; digest: string; bundle: Buffer; image: string },
): Promise<void> {
  const { target, digest, bundle, image } = input;
  const repo = target.ref;
  const notStored = (why: string) =>
    new ImageAttestationError('ATTESTATION_NOT_STORED', `the bundle referrer ${digest} of ${image}: ${why}`, {
      image,
    });
  const manifest = await getManifest(client, { repo, reference: digest });
  if (!manifest) throw notStored('the registry accepted it but does not serve it (404)');
  if (manifest.json.subject?.digest !== target.descriptor.digest) throw notStored('its subject is not the image');
  const layer = manifest.json.layers?.[0];
  if (layer?.digest !== sha256Digest(bundle)) throw notStored('its layer is not the bundle written');
  if (!(await getBlob(client, { repo, digest: layer.digest })).equals(bundle)) {
    throw notStored('the bundle blob served differs from the one written');
  }
  const listed = await listReferrers(client, { repo, digest: target.descriptor.digest });
  if (!listed.descriptors.some((d) => d.digest === digest)) {
    throw notStored(
      `it is not among the image's referrers (${listed.viaApi ? 'referrers API' : 'referrers tag'}), so cosign would not find it`,
    );
  }
}

async function pushTag(
  client: RegistryClient,
  input: {
    plan: ImageAttestationPlan;
    layers: readonly { envelope: Buffer; layer: ReturnType<typeof attestationLayer> }[];
    image: string;
    tag: string;
  },
): Promise<void> {
  const { plan, layers, image, tag } = input;
  const repo = plan.target.ref;
  const next = appendAttestationLayers(
    plan.existingTag?.json,
    layers.map((l) => l.layer),
  );
  if (!next) return;
  const put = await refused(`the attestation tag ${tag} of ${image}`, image, async () => {
    await Promise.all([
      ...layers.map((l) => uploadBlob(client, { repo, bytes: l.envelope, mediaType: DSSE_ENVELOPE_MEDIA_TYPE })),
      uploadBlob(client, { repo, bytes: next.config, mediaType: OCI_IMAGE_CONFIG }),
    ]);
    return putManifest(client, { repo, reference: tag, mediaType: next.mediaType, bytes: next.manifest });
  });
  // Read back: the tag must now be this manifest (or a later one still holding every new layer).
  const back = await readBack(client, { repo, reference: tag, layerDigests: layers.map((l) => l.layer.digest) });
  const notStored = (why: string) =>
    new ImageAttestationError('ATTESTATION_NOT_STORED', `the attestation tag ${tag} of ${image}: ${why}`, { image });
  if (!back.served) throw notStored('the registry accepted it but does not serve it (404)');
  if (back.missingLayers.length > 0) {
    throw notStored(
      `${back.missingLayers.length} of the ${layers.length} envelope(s) written are not in it (manifest ${back.manifestDigest}, written ${put.descriptor.digest})`,
    );
  }
  for (const l of layers) {
    if (!(await blobExists(client, { repo, digest: l.layer.digest }))) {
      throw notStored(`the envelope blob ${l.layer.digest} is not in the repository`);
    }
  }
}

/** Runs a push; a registry error becomes ATTESTATION_PUSH_REFUSED naming what was refused. */
async function refused<T>(what: string, image: string, push: () => Promise<T>): Promise<T> {
  try {
    return await push();
  } catch (error: unknown) {
    if (!(error instanceof OciError)) throw error;
    throw new ImageAttestationError(
      'ATTESTATION_PUSH_REFUSED',
      `the registry refused ${what} [${error.code}]: ${describeError(error)}`,
      { cause: error, image },
    );
  }
}
