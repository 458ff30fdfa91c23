/**
 * The manifests an image signing run signs: each reference resolved once to a digest, and with
 * --recursive each platform of an index.
 */
import {
  INDEX_MEDIA_TYPES,
  parseImageReference,
  repositoryName,
  resolveImage,
  type Descriptor,
  type ImageReference,
  type Platform,
  type RegistryClient,
} from '../oci/index.ts';

/** One manifest (or index) to sign, resolved once to its digest. */
export interface ImageTarget {
  /** The reference as the user gave it; for a platform manifest, `registry/repo@digest`. */
  readonly reference: string;
  readonly ref: ImageReference;
  /** The signed manifest's media type, digest and size (the referrer subject). */
  readonly descriptor: Descriptor;
  /** `os/architecture[/variant]` of a platform manifest found through `recursive`. */
  readonly platform?: string;
}

/** BuildKit stores provenance as "platform" entries of an index; they are not images to sign. */
const ATTESTATION_MANIFEST = 'attestation-manifest';
const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';

/** A reference as given, parsed. */
export interface ParsedReference {
  readonly reference: string;
  readonly ref: ImageReference;
}

/** Parses every reference (so a typo fails before any request). */
export function parseReferences(references: readonly string[]): ParsedReference[] {
  return references.map((reference) => ({ reference, ref: parseImageReference(reference) }));
}

/**
 * Resolves one reference to the digest of the exact manifest bytes served. With `recursive`,
 * an index is followed by each of its platform manifests.
 */
export async function resolveReference(
  client: RegistryClient,
  { reference, ref }: ParsedReference,
  recursive: boolean,
): Promise<ImageTarget[]> {
  const manifest = await resolveImage(client, ref);
  const own: ImageTarget = { reference, ref, descriptor: manifest.descriptor };
  if (!recursive || !INDEX_MEDIA_TYPES.has(manifest.descriptor.mediaType)) return [own];
  const children = (manifest.json.manifests ?? [])
    .filter((child) => child.annotations?.[REFERENCE_TYPE_ANNOTATION] !== ATTESTATION_MANIFEST)
    .map((child): ImageTarget => ({
      reference: `${repositoryName(ref)}@${child.digest}`,
      ref: { registry: ref.registry, repository: ref.repository, digest: child.digest },
      descriptor: { mediaType: child.mediaType, digest: child.digest, size: child.size },
      ...(child.platform ? { platform: formatPlatform(child.platform) } : {}),
    }));
  return [own, ...children];
}

/** The key that makes two targets the same manifest: signed once. */
export function targetKey(target: ImageTarget): string {
  return `${repositoryName(target.ref)}@${target.descriptor.digest}`;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
