/**
 * Reading a write back: a registry (or a cache in front of it) that answers 201 and stores
 * nothing must not let a run report as signed what no verifier will find. Signatures and
 * attestations read their manifests back the same way; each caller words its own error.
 */
import { OciError } from './errors.ts';
import { getManifest, type RepositoryRef } from './manifests.ts';
import type { RegistryClient } from './client.ts';
import { MANIFEST_ACCEPT } from './media-types.ts';
import { header } from './transport.ts';

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

/** Answers to a HEAD that mean "ask with a GET" (a registry without HEAD on manifests). */
const HEAD_UNSUPPORTED = [400, 405, 501];

/**
 * The digest a HEAD of the manifest under `reference` names (`Docker-Content-Digest`): null when
 * there is none (404), undefined when the registry does not say (or does not take a HEAD).
 */
async function servedDigest(
  client: RegistryClient,
  manifest: { readonly repo: RepositoryRef; readonly reference: string },
): Promise<string | null | undefined> {
  const { repo, reference } = manifest;
  const response = await client.request({
    ...repo,
    method: 'HEAD',
    path: `manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    accept: [200, 404, ...HEAD_UNSUPPORTED],
    access: 'pull',
    what: `check manifest ${repo.registry}/${repo.repository}:${reference}`,
  });
  if (response.status === 404) return null;
  return response.status === 200 ? header(response, 'docker-content-digest') : undefined;
}

/**
 * Reads a signature's manifest back; throws SIGNATURE_NOT_STORED when it is not served, or when
 * it does not hold `layerDigest`. Given the digest of the manifest just written, a HEAD that
 * names that digest is enough (that manifest holds the layer); any other answer is looked at
 * in full.
 */
export async function confirmStored(
  client: RegistryClient,
  written: {
    readonly repo: RepositoryRef;
    readonly reference: string;
    /** A layer the manifest must hold. */
    readonly layerDigest?: string;
    /**
     * The digest of the manifest written under the tag `reference`: a HEAD naming it is enough.
     * (Not for a digest reference: a server could echo it; that manifest is read and hashed.)
     */
    readonly manifestDigest?: string;
    /** What was written, for the message: "the signature tag sha256-….sig of registry/repo". */
    readonly what: string;
  },
): Promise<void> {
  const { repo, reference, layerDigest, manifestDigest } = written;
  if (manifestDigest) {
    const served = await servedDigest(client, { repo, reference });
    if (served === manifestDigest) return;
    if (served === null) throw notStoredError(written, 'reading it back answers 404');
  }
  const back = await readBack(client, { repo, reference, ...(layerDigest ? { layerDigests: [layerDigest] } : {}) });
  const notStored = (why: string) => notStoredError(written, why);
  if (!back.served) throw notStored('reading it back answers 404');
  if (back.missingLayers.length > 0) {
    throw notStored(`the manifest read back (${back.manifestDigest}) does not hold the new layer ${layerDigest}`);
  }
}

function notStoredError(written: { readonly repo: RepositoryRef; readonly what: string }, why: string): OciError {
  return new OciError(
    'SIGNATURE_NOT_STORED',
    `${written.what}: the registry accepted the write, but ${why} — check the registry's storage (or a cache in front of it) and run again`,
    { host: written.repo.registry },
  );
}
