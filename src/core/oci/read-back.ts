/**
 * Reading a write back: a registry (or a cache in front of it) that answers 201 and stores
 * nothing must not let a run report as signed what no verifier will find. Signatures and
 * attestations read their manifests back the same way; each caller words its own error.
 */
import { OciError } from './errors.ts';
import { getManifest, type RepositoryRef } from './manifests.ts';
import type { RegistryClient } from './client.ts';

/** What reading a manifest back found. */
export type ReadBack =
  | { readonly served: false }
  | {
      readonly served: true;
      /** The digest of the manifest served under the reference. */
      readonly manifestDigest: string;
      /** The layers asked for that it does not hold (a tag others may have rewritten since still holds ours). */
      readonly missingLayers: readonly string[];
    };

/** GETs the manifest just written under `reference` (a tag or a digest) and looks for `layerDigests`. */
export async function readBack(
  client: RegistryClient,
  written: { readonly repo: RepositoryRef; readonly reference: string; readonly layerDigests?: readonly string[] },
): Promise<ReadBack> {
  const back = await getManifest(client, { repo: written.repo, reference: written.reference });
  if (!back) return { served: false };
  const held = new Set((back.json.layers ?? []).map((layer) => layer.digest));
  return {
    served: true,
    manifestDigest: back.descriptor.digest,
    missingLayers: (written.layerDigests ?? []).filter((digest) => !held.has(digest)),
  };
}

/**
 * Reads a signature's manifest back; throws SIGNATURE_NOT_STORED when it is not served, or when
 * it does not hold `layerDigest`.
 */
export async function confirmStored(
  client: RegistryClient,
  written: {
    readonly repo: RepositoryRef;
    readonly reference: string;
    /** A layer the manifest must hold. */
    readonly layerDigest?: string;
    /** What was written, for the message: "the signature tag sha256-….sig of registry/repo". */
    readonly what: string;
  },
): Promise<void> {
  const { repo, reference, layerDigest, what } = written;
  const back = await readBack(client, { repo, reference, ...(layerDigest ? { layerDigests: [layerDigest] } : {}) });
  const notStored = (why: string) =>
    new OciError(
      'SIGNATURE_NOT_STORED',
      `${what}: the registry accepted the write, but ${why} — check the registry's storage (or a cache in front of it) and run again`,
      { host: repo.registry },
    );
  if (!back.served) throw notStored('reading it back answers 404');
  if (back.missingLayers.length > 0) {
    throw notStored(`the manifest read back (${back.manifestDigest}) does not hold the new layer ${layerDigest}`);
  }
}
