/**
 * Offline checks, with one public key, of an image's attestations: what `cosign
 * verify-attestation --key KEY.pub --insecure-ignore-tlog=true --type TYPE` accepts, plus an
 * optional builder-ID glob. Both places cosign keeps them are read: Sigstore bundle referrers
 * (v3) and the `sha256-<hex>.att` tag (v2). An attestation counts when its DSSE signature
 * verifies with the key, its statement has the image digest as a subject, its predicate type is
 * the one asked for and, with `builderId`, its provenance builder ID matches the glob.
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
import { checkEachImage } from '../signing/image-each.ts';
import { BUNDLE_MEDIA_TYPE } from '../signing/image-bundle.ts';
import { keySignatureProblem, readKeyedDsseBundle } from '../signing/keyed-bundle.ts';
import { attestationLayers, attestationTag, envelopeVerifies, parseEnvelope, type Envelope } from './image-att-tag.ts';
import { IN_TOTO_PAYLOAD_TYPE } from './statement.ts';

export const IMAGE_ATTESTATION_VERIFICATION_CODES = [
  /** Neither a bundle referrer nor a `.att` tag layer exists for the digest. */
  'NO_ATTESTATIONS',
  /** Attestations exist, but none passes every check (key, subject, type, builder). */
  'ATTESTATION_INVALID',
] as const;
export type ImageAttestationVerificationCode = (typeof IMAGE_ATTESTATION_VERIFICATION_CODES)[number];

export interface VerifyImageAttestationsOptions {
  /** Tag or digest references; a tag is resolved once to its digest. */
  readonly references: readonly string[];
  /** The ECDSA P-256 public key the envelopes must verify with. */
  readonly publicKey: KeyObject;
  /** The predicate type URI an accepted statement has (see parsePredicateType); undefined: any. */
  readonly predicateType?: string | undefined;
  /** A glob (`*` any run of characters) the provenance builder ID must match. */
  readonly builderId?: string;
  readonly registry: RegistryClientOptions;
  readonly concurrency?: number;
  readonly logger?: Logger;
}

/** One attestation that passed every check. */
export interface VerifiedImageAttestation {
  /** Where it was found: a bundle referrer (its manifest digest) or the `.att` tag (its layer digest). */
  readonly source: 'bundle' | 'legacy';
  readonly location: string;
  readonly predicateType: string;
  /** `runDetails.builder.id` (SLSA v1) or `builder.id` (v0.2), when the predicate has one. */
  readonly builderId?: string;
  /** The decoded in-toto Statement. */
  readonly statement: Readonly<Record<string, unknown>>;
}

export interface ImageAttestationVerification {
  readonly reference: string;
  /** registry/repository. */
  readonly repository: string;
  /** `sha256:<hex>` checked; undefined when the reference could not be resolved. */
  readonly digest?: string;
  readonly verified: boolean;
  readonly attestations: readonly VerifiedImageAttestation[];
  /** Why not, when not verified: one line naming each attestation's failure. */
  readonly reason?: string;
  /** NO_ATTESTATIONS, ATTESTATION_INVALID, or the registry error's code (e.g. IMAGE_NOT_FOUND). */
  readonly code?: string;
}

/**
 * Verifies every image's attestations; a failure of one (none found, none valid, a registry
 * error) is its result, not an exception. References that do not parse throw (OciError
 * IMAGE_REFERENCE_INVALID) before any request.
 */
export async function verifyImageAttestations(
  options: VerifyImageAttestationsOptions,
): Promise<ImageAttestationVerification[]> {
  return checkEachImage(
    options,
    (client, { ref, digest }) => verifyDigest(client, { ref, digest, options }),
    (reason, code) => ({ verified: false as const, attestations: [], reason, code }),
  );
}

type DigestResult = Pick<ImageAttestationVerification, 'verified' | 'attestations' | 'reason' | 'code'>;

async function verifyDigest(
  client: RegistryClient,
  input: { ref: ImageReference; digest: string; options: VerifyImageAttestationsOptions },
): Promise<DigestResult> {
  const { ref, digest, options } = input;
  const failures: string[] = [];
  const accepted: VerifiedImageAttestation[] = [];
  let found = 0;
  const judge = (source: 'bundle' | 'legacy', location: string, envelope: Envelope | string) => {
    found++;
    const checked = typeof envelope === 'string' ? envelope : checkEnvelope(envelope, { digest, options });
    if (typeof checked === 'string') failures.push(`${source} ${location.slice(0, 19)}: ${checked}`);
    else accepted.push({ source, location, ...checked });
  };

  const referrers = await listReferrers(client, { repo: ref, digest });
  for (const referrer of referrers.descriptors.filter(
    (d) => d.artifactType === undefined || d.artifactType === BUNDLE_MEDIA_TYPE || d.artifactType === OCI_EMPTY,
  )) {
    const manifest = await getManifest(client, { repo: ref, reference: referrer.digest });
    for (const layer of (manifest?.json.layers ?? []).filter((l) => l.mediaType === BUNDLE_MEDIA_TYPE)) {
      const bytes = await getBlob(client, { repo: ref, digest: layer.digest });
      const envelope =
        sha256Digest(bytes) === layer.digest
          ? bundleEnvelope(bytes, options.publicKey)
          : 'the blob does not hash to its digest';
      // Image signatures are bundles too: only statements that are not signatures count as found.
      if (typeof envelope !== 'string' && isSignatureStatement(envelope)) continue;
      judge('bundle', referrer.digest, envelope);
    }
  }
  const tag = attestationTag(digest);
  const att = await getManifest(client, { repo: ref, reference: tag });
  for (const layer of attestationLayers(att?.json)) {
    const bytes = await getBlob(client, { repo: ref, digest: layer.digest });
    const envelope =
      sha256Digest(bytes) !== layer.digest ? 'the blob does not hash to its digest' : parseEnvelope(bytes);
    judge('legacy', layer.digest, envelope ?? 'the layer is not a DSSE envelope');
  }

  if (accepted.length > 0) return { verified: true, attestations: accepted };
  if (found === 0) {
    return {
      verified: false,
      attestations: [],
      code: 'NO_ATTESTATIONS',
      reason: `no attestations: neither a Sigstore bundle referrer with a statement nor a ${tag} tag with envelopes`,
    };
  }
  return {
    verified: false,
    attestations: [],
    code: 'ATTESTATION_INVALID',
    reason: `none of ${found} attestation${found === 1 ? '' : 's'} passes: ${failures.join('; ')}`,
  };
}

/** The bundle's DSSE envelope once its signature verifies with the key, or why not. */
function bundleEnvelope(bytes: Buffer, key: KeyObject): Envelope | string {
  const bundle = readKeyedDsseBundle(bytes);
  if (typeof bundle === 'string') return bundle;
  const problem = keySignatureProblem(bundle, key);
  if (problem) return problem;
  const { payloadType, payload, signatures } = bundle.content.dsseEnvelope;
  return { payloadType, payload, signatures: signatures.map((s) => s.sig) };
}

function isSignatureStatement(envelope: Envelope): boolean {
  const statement = parseStatement(envelope);
  return statement !== undefined && statement.predicateType === 'https://sigstore.dev/cosign/sign/v1';
}

function parseStatement(envelope: Envelope): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(envelope.payload.toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The statement's facts once every check passes, or why not (the signature is checked here too). */
function checkEnvelope(
  envelope: Envelope,
  input: { digest: string; options: VerifyImageAttestationsOptions },
): Omit<VerifiedImageAttestation, 'source' | 'location'> | string {
  const { digest, options } = input;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return `the payload type is '${envelope.payloadType}', not in-toto`;
  if (!envelopeVerifies(envelope, options.publicKey)) return 'the signature does not verify with the key';
  const statement = parseStatement(envelope);
  if (!statement) return 'the payload is not a JSON in-toto Statement';
  if (!String(statement._type).startsWith('https://in-toto.io/Statement/'))
    return 'the payload is not an in-toto Statement';
  const hex = digest.slice('sha256:'.length);
  const subjects = Array.isArray(statement.subject) ? (statement.subject as unknown[]) : [];
  if (!subjects.some((s) => (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256 === hex)) {
    return `no subject of the statement is ${digest}`;
  }
  const predicateType = String(statement.predicateType);
  if (options.predicateType !== undefined && predicateType !== options.predicateType) {
    return `the predicate type is '${predicateType}', not '${options.predicateType}'`;
  }
  const builderId = builderOf(statement.predicate);
  if (options.builderId !== undefined) {
    if (builderId === undefined) return 'the predicate names no builder';
    if (!globMatches(options.builderId, builderId)) {
      return `the builder '${builderId}' does not match '${options.builderId}'`;
    }
  }
  return { predicateType, ...(builderId !== undefined ? { builderId } : {}), statement };
}

/** SLSA v1 `runDetails.builder.id`, or v0.2 `builder.id`. */
function builderOf(predicate: unknown): string | undefined {
  const p = predicate as { runDetails?: { builder?: { id?: unknown } }; builder?: { id?: unknown } } | null;
  const id = p?.runDetails?.builder?.id ?? p?.builder?.id;
  return typeof id === 'string' ? id : undefined;
}

/** `*` matches any run of characters (also `/`); everything else matches itself. */
export function globMatches(glob: string, value: string): boolean {
  const pattern = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(value);
}
