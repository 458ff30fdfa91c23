/**
 * An image's referrers: the OCI 1.1 referrers API, or the referrers tag schema where the registry
 * has no API.
 */
import type { RegistryClient } from './client.ts';
import { MAX_MANIFEST_BYTES } from './limits.ts';
import { parseManifestJson } from './manifest-json.ts';
import { getManifest, putManifest, type RepositoryRef } from './manifests.ts';
import { OCI_INDEX, OCI_MANIFEST, type Descriptor } from './media-types.ts';

/** The referrers of a manifest, and whether the registry's referrers API answered. */
export interface Referrers {
  readonly descriptors: readonly Descriptor[];
  /** false: the registry has no referrers API and the `sha256-<hex>` tag was read instead. */
  readonly viaApi: boolean;
}

/** The tag of the referrers tag schema (OCI distribution 1.1): `sha256-<hex>`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/**
 * `GET /v2/<repo>/referrers/<digest>` (filtered to `artifactType` here, since registries may
 * ignore the filter); a registry without the API (404, or 400/405 for an unknown route) is read
 * through the referrers tag: an index at `sha256-<hex>`, empty when the tag does not exist.
 */
export async function listReferrers(
  client: RegistryClient,
  subject: { readonly repo: RepositoryRef; readonly digest: string; readonly artifactType?: string },
): Promise<Referrers> {
  const { repo, digest, artifactType } = subject;
  const response = await client.request({
    ...repo,
    method: 'GET',
    path: `referrers/${digest}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`,
    headers: { accept: OCI_INDEX },
    accept: [200, 400, 404, 405],
    access: 'pull',
    maxResponseBytes: MAX_MANIFEST_BYTES,
    what: `list referrers of ${repo.registry}/${repo.repository}@${digest}`,
  });
  let descriptors: readonly Descriptor[];
  let viaApi = false;
  if (response.status === 200) {
    descriptors = parseIndex(response.body, { registry: repo.registry, what: `the referrers of ${digest}` });
    viaApi = true;
  } else {
    const index = await getManifest(client, { repo, reference: referrersTag(digest) });
    descriptors = index ? (index.json.manifests ?? []) : [];
  }
  const filtered = artifactType ? descriptors.filter((d) => d.artifactType === artifactType) : descriptors;
  return { descriptors: filtered, viaApi };
}

/**
 * PUTs a manifest that has a `subject` (by its digest). A registry that answers with an
 * `OCI-Subject` header indexes it itself; otherwise the `sha256-<subject hex>` tag's index gets
 * the manifest's descriptor (read, appended unless present, written back).
 */
export async function pushReferrer(
  client: RegistryClient,
  input: {
    readonly repo: RepositoryRef;
    readonly bytes: Buffer;
    readonly subjectDigest: string;
    readonly artifactType: string;
    readonly annotations?: Readonly<Record<string, string>>;
  },
): Promise<{ descriptor: Descriptor; viaApi: boolean }> {
  const { repo } = input;
  const { descriptor, ociSubject } = await putManifest(client, { repo, mediaType: OCI_MANIFEST, bytes: input.bytes });
  if (ociSubject === input.subjectDigest) return { descriptor, viaApi: true };
  const tag = referrersTag(input.subjectDigest);
  const existing = await getManifest(client, { repo, reference: tag });
  const manifests = existing?.json.manifests ?? [];
  if (manifests.some((d) => d.digest === descriptor.digest)) return { descriptor, viaApi: false };
  const entry: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest: descriptor.digest,
    size: descriptor.size,
    artifactType: input.artifactType,
    ...(input.annotations && Object.keys(input.annotations).length ? { annotations: input.annotations } : {}),
  };
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, entry] };
  await putManifest(client, { repo, reference: tag, mediaType: OCI_INDEX, bytes: Buffer.from(JSON.stringify(index)) });
  return { descriptor, viaApi: false };
}

function parseIndex(
  bytes: Buffer,
  answer: { readonly registry: string; readonly what: string },
): readonly Descriptor[] {
  const { registry, what } = answer;
  return parseManifestJson(bytes, { what: `${registry} answered ${what}`, host: registry }).manifests ?? [];
}
