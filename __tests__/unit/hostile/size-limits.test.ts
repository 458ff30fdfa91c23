// Oversized registry answers: manifests, indexes, token answers and blobs are refused at their
// documented limit (src/core/oci/limits.ts), at once (no retry), and reading stops there.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import { RegistryClient } from '../../../src/core/oci/client.ts';
import { OciError } from '../../../src/core/oci/errors.ts';
import { MAX_MANIFEST_BYTES, MAX_RESPONSE_BYTES, MAX_TOKEN_RESPONSE_BYTES } from '../../../src/core/oci/limits.ts';
import { blobExists, getBlob, resolveImage } from '../../../src/core/oci/manifests.ts';
import { parseImageReference } from '../../../src/core/oci/reference.ts';
import { listReferrers } from '../../../src/core/oci/referrers.ts';
import { instantClock } from '../../helpers/instant-clock.ts';
import { TestServer, type Answer, type Exchange } from './test-server.ts';

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const DIGEST = `sha256:${'a'.repeat(64)}`;
/** Socket buffers on both sides hold a few MiB beyond what the client read. */
const SLACK = 8 * 1024 * 1024;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function registry(handler: (e: Exchange) => Answer): Promise<{ host: string; server: TestServer }> {
  server = await TestServer.start(handler);
  return { host: server.host, server };
}

function client(): RegistryClient {
  return new RegistryClient({ clock: instantClock(), retry: { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 5_000 } });
}

/** A valid manifest of exactly `size` bytes (an annotation pads it). */
function manifestOfSize(size: number): Buffer {
  const empty = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_TYPE, annotations: { pad: '' } });
  return Buffer.from(empty.replace('"pad":""', `"pad":"${'x'.repeat(size - empty.length)}"`));
}

async function tooLarge(promise: Promise<unknown>, limit: number): Promise<OciError> {
  const error = await promise.then(
    () => assert.fail('an oversized answer was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OciError && error.code === 'REGISTRY_ANSWER_TOO_LARGE', String(error));
  assert.match(error.message, new RegExp(`more than ${limit / (1024 * 1024)} MiB`));
  return error;
}

describe('manifests and indexes', () => {
  test(`a manifest of exactly MAX_MANIFEST_BYTES (${MAX_MANIFEST_BYTES}) is read`, async () => {
    const body = manifestOfSize(MAX_MANIFEST_BYTES);
    assert.equal(body.length, MAX_MANIFEST_BYTES);
    const { host } = await registry(() => ({ headers: { 'content-type': MANIFEST_TYPE }, body }));
    const got = await resolveImage(client(), parseImageReference(`${host}/team/app:v1`));
    assert.equal(got.descriptor.size, MAX_MANIFEST_BYTES);
  });

  test('one byte more is refused at once: REGISTRY_ANSWER_TOO_LARGE, no retry', async () => {
    const body = manifestOfSize(MAX_MANIFEST_BYTES + 1);
    const { host, server: s } = await registry(() => ({ headers: { 'content-type': MANIFEST_TYPE }, body }));
    await tooLarge(resolveImage(client(), parseImageReference(`${host}/team/app:v1`)), MAX_MANIFEST_BYTES);
    assert.equal(s.seen.length, 1);
  });

  test('an endless manifest (chunked, no length): reading stops at the limit', async () => {
    const total = 512 * 1024 * 1024;
    const { host, server: s } = await registry(() => ({ streamBytes: total }));
    const started = Date.now();
    await tooLarge(resolveImage(client(), parseImageReference(`${host}/team/app:v1`)), MAX_MANIFEST_BYTES);
    assert.ok(s.streamedBytes < MAX_MANIFEST_BYTES + SLACK, `the client took ${s.streamedBytes} bytes`);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(s.seen.length, 1);
  });

  test('a Content-Length over the limit is refused before the body is read', async () => {
    const { host, server: s } = await registry(() => ({
      headers: { 'content-length': String(64 * 1024 * 1024) },
      streamBytes: 64 * 1024 * 1024,
    }));
    await tooLarge(resolveImage(client(), parseImageReference(`${host}/team/app:v1`)), MAX_MANIFEST_BYTES);
    assert.ok(s.streamedBytes < SLACK, `the client took ${s.streamedBytes} bytes`);
  });

  test("the referrers API's index over the limit: REGISTRY_ANSWER_TOO_LARGE", async () => {
    const { host } = await registry(() => ({ streamBytes: MAX_MANIFEST_BYTES + 1 }));
    await tooLarge(
      listReferrers(client(), { repo: { registry: host, repository: 'team/app' }, digest: DIGEST }),
      MAX_MANIFEST_BYTES,
    );
  });
});

describe('token answers', () => {
  test(`a token service answering more than MAX_TOKEN_RESPONSE_BYTES (${MAX_TOKEN_RESPONSE_BYTES}): refused`, async () => {
    const { host, server: s } = await registry((e) =>
      e.path.startsWith('/token')
        ? { headers: { 'content-type': 'application/json' }, streamBytes: MAX_TOKEN_RESPONSE_BYTES + 1 }
        : { status: 401, headers: { 'www-authenticate': `Bearer realm="http://${e.host}/token",service="r"` } },
    );
    const error = await tooLarge(
      resolveImage(client(), parseImageReference(`${host}/team/app:v1`)),
      MAX_TOKEN_RESPONSE_BYTES,
    );
    assert.match(error.message, /\/token/);
    assert.deepEqual(
      s.seen.map((e) => e.path.split('?')[0]),
      ['/v2/team/app/manifests/v1', '/token'],
    );
  });

  test('a token answer within the limit is used', async () => {
    const token = 't'.repeat(8 * 1024); // as large as a request header can carry
    const { host } = await registry((e) => {
      if (e.path.startsWith('/token')) return { body: JSON.stringify({ token }) };
      if (e.authorization === `Bearer ${token}`)
        return { headers: { 'content-type': MANIFEST_TYPE }, body: manifestOfSize(200) };
      return { status: 401, headers: { 'www-authenticate': `Bearer realm="http://${e.host}/token"` } };
    });
    const got = await resolveImage(client(), parseImageReference(`${host}/team/app:v1`));
    assert.equal(got.descriptor.size, 200);
  });
});

describe('blobs and other answers', () => {
  test(`a blob over MAX_RESPONSE_BYTES (${MAX_RESPONSE_BYTES}): refused, reading stopped`, async () => {
    const { host, server: s } = await registry(() => ({ streamBytes: 256 * 1024 * 1024 }));
    await tooLarge(
      getBlob(client(), { repo: { registry: host, repository: 'team/app' }, digest: DIGEST }),
      MAX_RESPONSE_BYTES,
    );
    assert.ok(s.streamedBytes < MAX_RESPONSE_BYTES + SLACK, `the client took ${s.streamedBytes} bytes`);
  });

  test('an error answer with an endless body: refused, not retried as a failure to connect', async () => {
    const { host, server: s } = await registry(() => ({ status: 503, streamBytes: 256 * 1024 * 1024 }));
    await tooLarge(resolveImage(client(), parseImageReference(`${host}/team/app:v1`)), MAX_MANIFEST_BYTES);
    assert.equal(s.seen.length, 1);
  });

  test('HEAD of a 1 GiB blob: its Content-Length is no answer to refuse', async () => {
    const { host } = await registry(() => ({ headers: { 'content-length': String(1024 ** 3) } }));
    assert.equal(
      await blobExists(client(), { repo: { registry: host, repository: 'team/app' }, digest: DIGEST }),
      true,
    );
  });

  test('a blob of 1 MiB is read whole', async () => {
    const blob = Buffer.alloc(1024 * 1024, 7);
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const { host } = await registry(() => ({ body: blob }));
    const got = await getBlob(client(), { repo: { registry: host, repository: 'team/app' }, digest });
    assert.equal(got.length, blob.length);
  });
});
