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
import { mapConcurrent } from './concurrency.ts';

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

/**
 * Parses every reference first (so a typo fails before any request), then resolves each one
 * once to the digest of the exact manifest bytes served. With `recursive`, an index is followed
 * by each of its platform manifests. The same repository@digest is signed once.
 */
export async function resolveTargets(
  client: RegistryClient,
  options: { readonly references: readonly string[]; readonly recursive: boolean; readonly concurrency: number },
): Promise<ImageTarget[]> {
  const parsed = options.references.map((reference) => ({ reference, ref: parseImageReference(reference) }));
  const resolved = await mapConcurrent(parsed, {
    limit: options.concurrency,
    each: async ({ reference, ref }) => {
      const manifest = await resolveImage(client, ref);
      const own: ImageTarget = { reference, ref, descriptor: manifest.descriptor };
      if (!options.recursive || !INDEX_MEDIA_TYPES.has(manifest.descriptor.mediaType)) return [own];
      const children = (manifest.json.manifests ?? [])
        .filter((child) => child.annotations?.[REFERENCE_TYPE_ANNOTATION] !== ATTESTATION_MANIFEST)
        .map((child): ImageTarget => ({
          reference: `${repositoryName(ref)}@${child.digest}`,
          ref: { registry: ref.registry, repository: ref.repository, digest: child.digest },
          descriptor: { mediaType: child.mediaType, digest: child.digest, size: child.size },
          ...(child.platform ? { platform: formatPlatform(child.platform) } : {}),
        }));
      return [own, ...children];
    },
  });
  const seen = new Set<string>();
  return resolved.flat().filter((target) => {
    const key = `${repositoryName(target.ref)}@${target.descriptor.digest}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
