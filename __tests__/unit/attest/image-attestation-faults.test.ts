// Registries that refuse an attestation, or accept it and store nothing: a scripted registry
// (no real one does this on demand). Each failure is a coded error; nothing is reported done.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeRegistry } from '../oci/fake-registry.ts';
import { ImageAttestationError } from '../../../src/core/attest/image-errors.ts';
import { SLSA_PROVENANCE_V1 } from '../../../src/core/attest/predicate-type.ts';
import { OciError } from '../../../src/core/oci/errors.ts';
import { signImages, type SignImagesOptions } from '../../../src/core/signing/images.ts';
import type { DigestSigner } from '../../../src/core/signing/types.ts';

let fake: FakeRegistry;
beforeEach(async () => {
  fake = await new FakeRegistry().start();
});
afterEach(() => fake.stop());

const image = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');
const digest = `sha256:${createHash('sha256').update(image).digest('hex')}`;
const attTag = `${digest.replace(':', '-')}.att`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
/** Signatures are not checked on the way out: a fixed DER signature keeps every byte written the same. */
const fixed = sign('sha256', Buffer.from('x'), privateKey);
const signer: DigestSigner = {
  keyVersion: 1,
  publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  keyHint: 'hint',
  signDigests: async (digests) => digests.map(() => fixed),
};

function serveImage(): void {
  fake.on('GET /v2/team/app/manifests/v1', [
    { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: image },
  ]);
  fake.on('POST /v2/team/app/blobs/uploads/', [{ status: 201 }]);
}

const attest = (more: Partial<SignImagesOptions> = {}) =>
  signImages({
    references: [`${fake.host}/team/app:v1`],
    signer,
    format: 'legacy',
    registry: {},
    signatures: false,
    attestations: {
      requests: [{ predicateType: SLSA_PROVENANCE_V1, predicate: { kind: 'provenance' } }],
      context: { builderId: 'spiffe://example.test/ci', env: {} },
    },
    now: () => new Date('2026-01-02T03:04:05Z'),
    ...more,
  });

const coded = (code: string, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ImageAttestationError, String(e));
  assert.equal(e.code, code);
  assert.match(e.message, pattern);
  return true;
};

test('a registry that refuses the .att tag: ATTESTATION_PUSH_REFUSED naming the tag and the registry code', async () => {
  serveImage();
  fake.on(`PUT /v2/team/app/manifests/${attTag}`, [{ status: 403, body: '{"errors":[{"code":"DENIED"}]}' }]);
  await assert.rejects(attest(), (e: unknown) => {
    coded('ATTESTATION_PUSH_REFUSED', new RegExp(`attestation tag ${attTag}.*REGISTRY_PUSH_DENIED`))(e);
    assert.ok((e as Error).cause instanceof OciError);
    return true;
  });
});

test('a registry that accepts the .att tag and serves nothing: ATTESTATION_NOT_STORED', async () => {
  serveImage();
  fake.on(`PUT /v2/team/app/manifests/${attTag}`, [{ status: 201 }]);
  await assert.rejects(attest(), coded('ATTESTATION_NOT_STORED', /does not serve it \(404\)/));
  assert.equal(fake.seen.filter((s) => s.url === `/v2/team/app/manifests/${attTag}` && s.method === 'GET').length, 2);
});

test('a registry that refuses the bundle referrer (400 MANIFEST_INVALID): ATTESTATION_PUSH_REFUSED', async () => {
  serveImage();
  // Every byte is fixed (signature, time, context): the first run shows where the referrer goes.
  await assert.rejects(attest({ format: 'bundle' }), coded('ATTESTATION_PUSH_REFUSED', /bundle referrer/));
  const put = fake.seen.find((s) => s.method === 'PUT' && /\/manifests\/sha256:/.test(s.url));
  assert.ok(put, 'the referrer was pushed by digest');
  fake.on(`PUT ${put.url}`, [{ status: 400, body: '{"errors":[{"code":"MANIFEST_INVALID"}]}' }]);
  await assert.rejects(
    attest({ format: 'bundle' }),
    coded('ATTESTATION_PUSH_REFUSED', /https:\/\/slsa\.dev\/provenance\/v1 bundle referrer/),
  );
});

test('a referrer stored but missing from the referrers tag the registry said it wrote: ATTESTATION_NOT_STORED', async () => {
  serveImage();
  await assert.rejects(attest({ format: 'bundle' }));
  const put = fake.seen.find((s) => s.method === 'PUT' && /\/manifests\/sha256:/.test(s.url));
  assert.ok(put);
  const referrer = Buffer.from(put.body);
  const referrerDigest = put.url.split('/').pop() as string;
  const bundleDigest = (JSON.parse(put.body) as { layers: { digest: string }[] }).layers[0]?.digest as string;
  const bundle = fake.seen.find((s) => s.method === 'POST' && s.url.includes(encodeURIComponent(bundleDigest)));
  assert.ok(bundle);
  fake.on(`PUT ${put.url}`, [{ status: 201 }]);
  fake.on(`PUT /v2/team/app/manifests/${digest.replace(':', '-')}`, [{ status: 201 }]);
  fake.on(`GET /v2/team/app/manifests/${referrerDigest}`, [
    { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: referrer },
  ]);
  fake.on(`GET /v2/team/app/blobs/${bundleDigest}`, [{ status: 200, body: bundle.body }]);
  await assert.rejects(
    attest({ format: 'bundle' }),
    coded('ATTESTATION_NOT_STORED', /not among the image's referrers/),
  );
});

test('attestations only, with nothing requested: NO_ATTESTATIONS_REQUESTED before any request', async () => {
  await assert.rejects(
    attest({ attestations: { requests: [], context: { builderId: '', env: {} } } }),
    coded('NO_ATTESTATIONS_REQUESTED', /nothing to attest/),
  );
  assert.equal(fake.seen.length, 0);
});
