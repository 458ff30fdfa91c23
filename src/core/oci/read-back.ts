/**
 * Reading a write back: a registry (or a cache in front of it) that answers 201 and stores
 * nothing must not let a run report as signed what no verifier will find.
 */
import { OciError } from './errors.ts';
import { getManifest, type RepositoryRef } from './manifests.ts';
import type { RegistryClient } from './client.ts';

/**
 * GETs the manifest just written under `reference` (a tag or a digest); throws
 * SIGNATURE_NOT_STORED when it is not served, or when it does not hold `layerDigest`.
 */
export async function confirmStored(
  client: RegistryClient,
  written: {
    readonly repo: RepositoryRef;
    readonly reference: string;
    /** A layer the manifest must hold (a tag others may have rewritten since still holds ours). */
    readonly layerDigest?: string;
    /** What was written, for the message: "the signature tag sha256-….sig of registry/repo". */
    readonly what: string;
  },
): Promise<void> {
  const { repo, reference, layerDigest, what } = written;
  const back = await getManifest(client, { repo, reference });
  const notStored = (why: string) =>
    new OciError(
      'SIGNATURE_NOT_STORED',
      `${what}: the registry accepted the write, but ${why} — check the registry's storage (or a cache in front of it) and run again`,
      { host: repo.registry },
    );
  if (!back) throw notStored('reading it back answers 404');
  if (layerDigest && !(back.json.layers ?? []).some((layer) => layer.digest === layerDigest)) {
    throw notStored(`the manifest read back (${back.descriptor.digest}) does not hold the new layer ${layerDigest}`);
  }
}
