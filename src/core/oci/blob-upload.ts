/**
 * Blob uploads: one POST with the digest for small blobs where the registry takes that form, else
 * the two-step upload; once per repository and blob however many signatures ask at once.
 */
import type { RegistryClient } from './client.ts';
import { sha256Digest } from './client.ts';
import { OciError } from './errors.ts';
import { blobExists, type RepositoryRef } from './manifests.ts';
import type { Descriptor } from './media-types.ts';
import { header, type HttpResponse } from './transport.ts';

/**
 * Blobs up to this size go up in one POST carrying the data and `?digest=` (the distribution
 * spec's single-POST upload), without asking first whether the repository has them: for the
 * small blobs of a signature one request instead of three. A registry may answer 202 and a
 * Location instead (distribution does): it gets the data again in a PUT. One that refuses the
 * form outright gets the two-step upload from then on.
 */
export const SINGLE_POST_MAX_BYTES = 64 * 1024;
/** Answers to a single-POST upload that mean "not this way" rather than "not at all". */
const SINGLE_POST_REFUSED = new Set([400, 405, 415, 501]);

/**
 * Uploads a blob unless this client already uploaded it to the repository; a larger blob is
 * first looked for (HEAD), then sent in a POST and a PUT.
 */
export async function uploadBlob(
  client: RegistryClient,
  blob: { readonly repo: RepositoryRef; readonly bytes: Buffer; readonly mediaType: string },
): Promise<Descriptor> {
  const { repo, bytes, mediaType } = blob;
  const descriptor: Descriptor = { mediaType, digest: sha256Digest(bytes), size: bytes.length };
  await client.uploadOnce(repo, {
    digest: descriptor.digest,
    upload: () => sendBlob(client, { repo, bytes, descriptor }),
  });
  return descriptor;
}

/** One upload of a blob the client does not know the repository has: found, or sent. */
async function sendBlob(
  client: RegistryClient,
  blob: { readonly repo: RepositoryRef; readonly bytes: Buffer; readonly descriptor: Descriptor },
): Promise<void> {
  const { repo, bytes, descriptor } = blob;
  const small = bytes.length <= SINGLE_POST_MAX_BYTES;
  if (!small && (await blobExists(client, { repo, digest: descriptor.digest }))) return;
  const what = `upload blob ${descriptor.digest} to ${repo.registry}/${repo.repository}`;
  const started =
    (small &&
      client.acceptsSinglePost(repo.registry) &&
      (await singlePost(client, { repo, bytes, digest: descriptor.digest, what }))) ||
    (await client.request({ ...repo, method: 'POST', path: 'blobs/uploads/', accept: [202], access: 'push', what }));
  if (started.status !== 202) return;
  const location = header(started, 'location');
  if (!location) {
    throw new OciError('REGISTRY_PROTOCOL_ERROR', `${what}: the upload answer has no Location header`, {
      host: repo.registry,
    });
  }
  const url = new URL(location, `${client.baseUrl(repo.registry)}/`);
  url.searchParams.set('digest', descriptor.digest);
  await client.request({
    ...repo,
    method: 'PUT',
    path: url.toString(),
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
    accept: [201, 204],
    access: 'push',
    what,
  });
}

/** The single-POST upload; undefined when the registry refuses that form (not tried there again). */
async function singlePost(
  client: RegistryClient,
  upload: { readonly repo: RepositoryRef; readonly bytes: Buffer; readonly digest: string; readonly what: string },
): Promise<HttpResponse | undefined> {
  const { repo, bytes, digest, what } = upload;
  try {
    return await client.request({
      ...repo,
      method: 'POST',
      path: `blobs/uploads/?digest=${encodeURIComponent(digest)}`,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      accept: [201, 202],
      access: 'push',
      what,
    });
  } catch (error: unknown) {
    if (!(error instanceof OciError) || !SINGLE_POST_REFUSED.has(error.status ?? 0)) throw error;
    client.logger.debug(`${repo.registry} refused a single-POST upload (${error.status}): uploading in two steps`);
    client.rememberSinglePostRefused(repo.registry);
    return undefined;
  }
}
