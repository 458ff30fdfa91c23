/** Registry operations on manifests and blobs: get, check and put, with digests checked (uploads: blob-upload.ts). */
import type { RegistryClient } from './client.ts';
import { sha256Digest } from './client.ts';
import { OciError } from './errors.ts';
import { MAX_MANIFEST_BYTES, MAX_REDIRECTS } from './limits.ts';
import { parseManifestJson } from './manifest-json.ts';
import { MANIFEST_ACCEPT, SHA256_DIGEST, type Descriptor } from './media-types.ts';
import { formatReference, type ImageReference } from './reference.ts';
import { header } from './transport.ts';

/** Where a repository lives: registry (as named in references) and repository path. */
export interface RepositoryRef {
  readonly registry: string;
  readonly repository: string;
}

/** A manifest or index as served: the exact bytes, their digest, and the parsed JSON. */
export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly bytes: Buffer;
  readonly json: ManifestJson;
}

/** The fields of manifests and indexes we read. */
export interface ManifestJson {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config?: Descriptor;
  readonly layers?: readonly Descriptor[];
  readonly manifests?: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * GETs a manifest (by tag or digest) with the OCI and Docker Accept headers. Its digest is the
 * SHA-256 of the exact bytes served; a `Docker-Content-Digest` header, or the digest asked for,
 * must agree. Undefined when the registry has no such manifest (404).
 */
export async function getManifest(
  client: RegistryClient,
  manifest: { readonly repo: RepositoryRef; readonly reference: string },
): Promise<FetchedManifest | undefined> {
  const { repo, reference } = manifest;
  const what = `read manifest ${repo.registry}/${repo.repository}${SHA256_DIGEST.test(reference) ? '@' : ':'}${reference}`;
  const response = await client.request({
    ...repo,
    method: 'GET',
    path: `manifests/${reference}`,
    headers: { accept: MANIFEST_ACCEPT },
    accept: [200, 404],
    access: 'pull',
    what,
    maxResponseBytes: MAX_MANIFEST_BYTES,
  });
  if (response.status === 404) return undefined;
  const digest = sha256Digest(response.body);
  const served = header(response, 'docker-content-digest');
  const protocolError = (why: string) =>
    new OciError('REGISTRY_PROTOCOL_ERROR', `${what}: ${why}`, { host: repo.registry, status: response.status });
  if (served && served !== digest)
    throw protocolError(`Docker-Content-Digest ${served} is not the sha256 of the bytes served (${digest})`);
  if (SHA256_DIGEST.test(reference) && reference !== digest) throw protocolError(`the bytes served hash to ${digest}`);
  const json = parseManifestJson(response.body, { what, host: repo.registry });
  const mediaType = json.mediaType ?? header(response, 'content-type')?.split(';')[0]?.trim() ?? '';
  return { descriptor: { mediaType, digest, size: response.body.length }, bytes: response.body, json };
}

/** Resolves a reference to its manifest (by its digest when it names one, else its tag). */
export async function resolveImage(client: RegistryClient, ref: ImageReference): Promise<FetchedManifest> {
  const manifest = await getManifest(client, { repo: ref, reference: ref.digest ?? ref.tag ?? 'latest' });
  if (!manifest) {
    throw new OciError(
      'IMAGE_NOT_FOUND',
      `image ${formatReference(ref)} was not found (404) — check the name and ${ref.digest ? 'digest' : 'tag'}, and that it was pushed before this step`,
      { host: ref.registry, status: 404 },
    );
  }
  return manifest;
}

/** PUTs a manifest under a tag or its digest; returns its descriptor and the OCI-Subject header. */
export async function putManifest(
  client: RegistryClient,
  input: {
    readonly repo: RepositoryRef;
    readonly reference?: string;
    readonly mediaType: string;
    readonly bytes: Buffer;
  },
): Promise<{ descriptor: Descriptor; ociSubject: string | undefined }> {
  const { repo } = input;
  const digest = sha256Digest(input.bytes);
  const reference = input.reference ?? digest;
  const response = await client.request({
    ...repo,
    method: 'PUT',
    path: `manifests/${reference}`,
    headers: { 'content-type': input.mediaType },
    body: input.bytes,
    accept: [200, 201, 202],
    access: 'push',
    what: `write manifest ${repo.registry}/${repo.repository}${reference === digest ? '@' : ':'}${reference}`,
  });
  return {
    descriptor: { mediaType: input.mediaType, digest, size: input.bytes.length },
    ociSubject: header(response, 'oci-subject'),
  };
}

const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * GETs a blob, following up to MAX_REDIRECTS http(s) redirects (registries may send blob reads to
 * storage elsewhere, which gets no credentials). The caller checks the content against its digest.
 */
export async function getBlob(
  client: RegistryClient,
  blob: { readonly repo: RepositoryRef; readonly digest: string },
): Promise<Buffer> {
  const { repo, digest } = blob;
  const what = `read blob ${digest} of ${repo.registry}/${repo.repository}`;
  const protocolError = (why: string) =>
    new OciError('REGISTRY_PROTOCOL_ERROR', `${what}: ${why}`, { host: repo.registry });
  let url = new URL(`${client.baseUrl(repo.registry)}/v2/${repo.repository}/blobs/${digest}`);
  for (let redirects = 0; ; redirects++) {
    const response = await client.request({
      registry: repo.registry,
      repository: repo.repository,
      method: 'GET',
      path: url.toString(),
      accept: [200, ...REDIRECTS],
      access: 'pull',
      what,
    });
    if (response.status === 200) return response.body;
    if (redirects === MAX_REDIRECTS) {
      throw protocolError(
        `still redirected after ${MAX_REDIRECTS} redirects (a redirect loop?); last to ${url.origin}`,
      );
    }
    const next = header(response, 'location');
    if (!next) throw protocolError('a redirect without a Location');
    let target: URL | undefined;
    try {
      target = new URL(next, url);
    } catch {
      target = undefined;
    }
    if (target?.protocol !== 'http:' && target?.protocol !== 'https:') {
      throw protocolError(`a redirect to '${next.slice(0, 100)}', which is not an http(s) URL`);
    }
    url = target;
  }
}

/** HEAD of a blob: whether the repository has it. */
export async function blobExists(
  client: RegistryClient,
  blob: { readonly repo: RepositoryRef; readonly digest: string },
): Promise<boolean> {
  const { repo, digest } = blob;
  const response = await client.request({
    ...repo,
    method: 'HEAD',
    path: `blobs/${digest}`,
    accept: [200, 404],
    access: 'pull',
    what: `check blob ${digest} in ${repo.registry}/${repo.repository}`,
  });
  return response.status === 200;
}
