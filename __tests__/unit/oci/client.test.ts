import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import { RegistryClient } from '../../../src/core/oci/client.ts';
import { OciError } from '../../../src/core/oci/errors.ts';
import { SINGLE_POST_MAX_BYTES, uploadBlob } from '../../../src/core/oci/blob-upload.ts';
import { getManifest, resolveImage } from '../../../src/core/oci/manifests.ts';
import { listReferrers, pushReferrer } from '../../../src/core/oci/referrers.ts';
import { parseImageReference } from '../../../src/core/oci/reference.ts';
import { instantClock } from '../../helpers/instant-clock.ts';
import { FakeRegistry } from './fake-registry.ts';

let fake: FakeRegistry;
const dirs: string[] = [];
beforeEach(async () => {
  fake = await new FakeRegistry().start();
});
afterEach(() => fake.stop());
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function client(extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}): RegistryClient {
  return new RegistryClient({
    clock: instantClock(),
    retry: { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 1_000 },
    ...extra,
  });
}

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
const ok = { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest };
const ref = () => parseImageReference(`${fake.host}/team/app:v1`);
const code = (c: string) => (e: unknown) => e instanceof OciError && e.code === c;

test('resolves a tag to the sha256 of the bytes served, sending the manifest Accept headers', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ ...ok, headers: { ...ok.headers, 'docker-content-digest': digest } }]);
  const got = await resolveImage(client(), ref());
  assert.equal(got.descriptor.digest, digest);
  assert.equal(got.descriptor.size, manifest.length);
  assert.equal(got.descriptor.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  const accept = fake.seen[0]?.accept ?? '';
  for (const type of ['oci.image.index.v1', 'oci.image.manifest.v1', 'manifest.list.v2', 'distribution.manifest.v2'])
    assert.ok(accept.includes(type), `Accept has ${type}: ${accept}`);
});

test('a Docker-Content-Digest that is not the hash of the bytes is a protocol error', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [
    { ...ok, headers: { ...ok.headers, 'docker-content-digest': `sha256:${'0'.repeat(64)}` } },
  ]);
  await assert.rejects(resolveImage(client(), ref()), code('REGISTRY_PROTOCOL_ERROR'));
});

test('503, 429 and a reset connection are retried; then the answer is used', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ status: 503 }, { status: 429 }, { reset: true }, ok]);
  const clock = instantClock();
  const got = await resolveImage(client({ clock }), ref());
  assert.equal(got.descriptor.digest, digest);
  assert.equal(fake.seen.length, 4);
  // The reset came on a kept-alive connection before any answer: sent again at once, on a new one.
  assert.equal(clock.slept.length, 2);
});

test('Retry-After on a 429 or 503 (seconds or a date) is waited out before the next try', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [
    { status: 429, headers: { 'retry-after': '3' } },
    { status: 503, headers: { 'retry-after': new Date(5_000).toUTCString() } },
    ok,
  ]);
  const clock = instantClock();
  await resolveImage(client({ clock, retry: { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 10_000 } }), ref());
  assert.equal(fake.seen.length, 3);
  assert.deepEqual(clock.slept, [3_000, 2_000]);
});

test('a Retry-After longer than the time left fails at once and says what the registry asked', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ status: 429, headers: { 'retry-after': '120' } }]);
  const clock = instantClock();
  await assert.rejects(resolveImage(client({ clock }), ref()), (e: unknown) => {
    assert.ok(code('REGISTRY_UNAVAILABLE')(e));
    assert.match((e as Error).message, /429.*asked to wait 120 s more \(Retry-After\)/);
    return true;
  });
  assert.equal(fake.seen.length, 1);
  assert.deepEqual(clock.slept, []);
});

test('a registry that stays at 503 is REGISTRY_UNAVAILABLE after the deadline', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ status: 503, body: '{"errors":[{"code":"UNAVAILABLE"}]}' }]);
  await assert.rejects(resolveImage(client(), ref()), (e: unknown) => {
    assert.ok(code('REGISTRY_UNAVAILABLE')(e));
    assert.match((e as Error).message, /UNAVAILABLE/);
    return true;
  });
  assert.ok(fake.seen.length > 2);
});

test('404 is IMAGE_NOT_FOUND and 403 is REGISTRY_PUSH_DENIED, neither retried', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' }]);
  await assert.rejects(resolveImage(client(), ref()), code('IMAGE_NOT_FOUND'));
  assert.equal(fake.seen.length, 1);
  fake.on('POST /v2/team/app/blobs/uploads/', [{ status: 403, body: '{"errors":[{"code":"DENIED"}]}' }]);
  await assert.rejects(
    uploadBlob(client(), { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' }),
    code('REGISTRY_PUSH_DENIED'),
  );
  assert.equal(fake.seen.length, 2);
});

const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

test('a small blob goes up in one POST with its digest, once per client and repository', async () => {
  fake.on('POST /v2/team/app/blobs/uploads/', [{ status: 201 }]);
  const registry = client();
  const descriptor = await uploadBlob(registry, { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' });
  assert.deepEqual(descriptor, { mediaType: 'x', digest: EMPTY_JSON_DIGEST, size: 2 });
  await uploadBlob(registry, { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' });
  assert.deepEqual(
    fake.seen.map((r) => [r.method, r.url, r.body]),
    [['POST', `/v2/team/app/blobs/uploads/?digest=${encodeURIComponent(EMPTY_JSON_DIGEST)}`, '{}']],
  );
});

test('concurrent uploads of one blob (the shared empty config) go up once: the others wait for it', async () => {
  fake.on('POST /v2/team/app/blobs/uploads/', [
    { status: 202, headers: { location: '/v2/team/app/blobs/uploads/u1?_state=s' } },
  ]);
  fake.on('PUT /v2/team/app/blobs/uploads/u1', [{ status: 201 }]);
  const registry = client();
  const upload = () => uploadBlob(registry, { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' });
  await Promise.all([upload(), upload(), upload()]);
  assert.deepEqual(
    fake.seen.map((r) => r.method),
    ['POST', 'PUT'],
  );
});

test('a registry without single-POST uploads (202) gets the data in a PUT to its Location', async () => {
  fake.on('POST /v2/team/app/blobs/uploads/', [
    { status: 202, headers: { location: '/v2/team/app/blobs/uploads/u1?_state=s' } },
  ]);
  fake.on('PUT /v2/team/app/blobs/uploads/u1', [{ status: 201 }]);
  await uploadBlob(client(), { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' });
  assert.deepEqual(
    fake.seen.map((r) => [r.method, r.url, r.body]),
    [
      ['POST', `/v2/team/app/blobs/uploads/?digest=${encodeURIComponent(EMPTY_JSON_DIGEST)}`, '{}'],
      ['PUT', `/v2/team/app/blobs/uploads/u1?_state=s&digest=${encodeURIComponent(EMPTY_JSON_DIGEST)}`, '{}'],
    ],
  );
});

test('a registry refusing single-POST uploads (400, 405, 415, 501) gets two-step uploads from then on', async () => {
  for (const status of [400, 405, 415, 501]) {
    fake.seen.length = 0;
    fake.on('POST /v2/team/app/blobs/uploads/', (seen) =>
      seen.url.includes('digest=')
        ? { status, body: '{"errors":[{"code":"UNSUPPORTED"}]}' }
        : { status: 202, headers: { location: '/v2/team/app/blobs/uploads/u2' } },
    );
    fake.on('PUT /v2/team/app/blobs/uploads/u2', [{ status: 201 }]);
    const registry = client();
    await uploadBlob(registry, { repo: ref(), bytes: Buffer.from('{}'), mediaType: 'x' });
    await uploadBlob(registry, { repo: ref(), bytes: Buffer.from('[]'), mediaType: 'x' });
    assert.deepEqual(
      fake.seen.map(
        (r) =>
          `${r.method} ${r.url.split('?')[0]}${r.url.includes('digest=') && r.method === 'POST' ? ' +digest' : ''}`,
      ),
      [
        'POST /v2/team/app/blobs/uploads/ +digest',
        'POST /v2/team/app/blobs/uploads/',
        'PUT /v2/team/app/blobs/uploads/u2',
        'POST /v2/team/app/blobs/uploads/',
        'PUT /v2/team/app/blobs/uploads/u2',
      ],
      `status ${status}`,
    );
  }
});

test('a large blob is looked for first, and not sent when the repository has it', async () => {
  const big = Buffer.alloc(SINGLE_POST_MAX_BYTES + 1, 7);
  const digest = `sha256:${createHash('sha256').update(big).digest('hex')}`;
  fake.on(`HEAD /v2/team/app/blobs/${digest}`, [{ status: 200 }]);
  await uploadBlob(client(), { repo: ref(), bytes: big, mediaType: 'x' });
  assert.deepEqual(
    fake.seen.map((r) => [r.method, r.url]),
    [['HEAD', `/v2/team/app/blobs/${digest}`]],
  );
});

test('401 without credentials is REGISTRY_AUTH_REQUIRED naming the host and docker login', async () => {
  fake.on('GET /v2/team/app/manifests/v1', [{ status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } }]);
  await assert.rejects(resolveImage(client(), ref()), (e: unknown) => {
    assert.ok(code('REGISTRY_AUTH_REQUIRED')(e));
    assert.match((e as Error).message, new RegExp(`docker login ${fake.host}`));
    return true;
  });
});

test('Bearer flow: a token per scope from the realm with the Docker config credentials, cached', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oci-client-'));
  dirs.push(dir);
  const auth = Buffer.from('user:s3cret').toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [fake.host]: { auth } } }));
  const challenge = () => ({
    status: 401,
    headers: {
      'www-authenticate': `Bearer realm="http://${fake.host}/token",service="fake",scope="repository:team/app:pull"`,
    },
  });
  fake.on('GET /token', (req) => {
    assert.equal(req.authorization, `Basic ${auth}`);
    assert.match(req.url, /service=fake&scope=repository%3Ateam%2Fapp%3Apull/);
    return { status: 200, body: JSON.stringify({ token: 'tok-1', expires_in: 300 }) };
  });
  fake.on('GET /v2/team/app/manifests/v1', (req) => (req.authorization === 'Bearer tok-1' ? ok : challenge()));
  const c = client({ dockerConfigDir: dir });
  await resolveImage(c, ref());
  await getManifest(c, { repo: ref(), reference: 'v1' });
  const tokenRequests = fake.seen.filter((s) => s.url.startsWith('/token'));
  assert.equal(tokenRequests.length, 1, 'the token is cached for the scope');
  assert.equal(fake.seen.length, 4); // 401, token, ok, ok
});

test('identitytoken is traded with a refresh_token grant; a refused token is REGISTRY_AUTH_REQUIRED', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oci-client-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: { [fake.host]: { auth: Buffer.from('<token>:').toString('base64'), identitytoken: 'rt' } },
    }),
  );
  fake.on('GET /v2/team/app/manifests/v1', [
    { status: 401, headers: { 'www-authenticate': `Bearer realm="http://${fake.host}/oauth2/token",service="fake"` } },
  ]);
  fake.on('POST /oauth2/token', [{ status: 401 }]);
  await assert.rejects(resolveImage(client({ dockerConfigDir: dir }), ref()), code('REGISTRY_AUTH_REQUIRED'));
  const post = fake.seen.find((s) => s.method === 'POST');
  assert.match(post?.body ?? '', /grant_type=refresh_token&refresh_token=rt&service=fake/);
});

test('referrers: the API when it answers, the sha256-<hex> tag when it 404s; a push without OCI-Subject updates the tag', async () => {
  const subject = `sha256:${'b'.repeat(64)}`;
  const tag = `sha256-${'b'.repeat(64)}`;
  const entry = { mediaType: 'x', digest: `sha256:${'c'.repeat(64)}`, size: 1, artifactType: 'a/b' };
  fake.on(`GET /v2/team/app/referrers/${subject}`, [
    { status: 200, body: JSON.stringify({ manifests: [entry, { ...entry, artifactType: 'other' }] }) },
    { status: 404 },
  ]);
  const viaApi = await listReferrers(client(), { repo: ref(), digest: subject, artifactType: 'a/b' });
  assert.deepEqual(viaApi, { descriptors: [entry], viaApi: true });
  fake.on(`GET /v2/team/app/manifests/${tag}`, [{ status: 404 }]);
  assert.deepEqual(await listReferrers(client(), { repo: ref(), digest: subject }), { descriptors: [], viaApi: false });

  const referrer = Buffer.from('{"subject":{}}');
  const referrerDigest = `sha256:${createHash('sha256').update(referrer).digest('hex')}`;
  let written = '';
  fake.on(`PUT /v2/team/app/manifests/${referrerDigest}`, [{ status: 201 }]);
  fake.on(`PUT /v2/team/app/manifests/${tag}`, (req) => ((written = req.body), { status: 201 }));
  await pushReferrer(client(), { repo: ref(), bytes: referrer, subjectDigest: subject, artifactType: 'a/b' });
  assert.deepEqual(JSON.parse(written), {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: referrerDigest,
        size: referrer.length,
        artifactType: 'a/b',
      },
    ],
  });
});
