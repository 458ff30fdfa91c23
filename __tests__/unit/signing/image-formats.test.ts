import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import { bundleReferrerManifest, cosignSignStatement } from '../../../src/core/signing/image-bundle.ts';
import { appendSignatureLayers, hasValidSignature, signatureTag } from '../../../src/core/signing/image-legacy.ts';
import { simpleSigningPayload } from '../../../src/core/signing/image-payload.ts';

const D = 'sha256:5e49cc928cc85817927b8730f5bd921a4642c10601ebe669c5237dc43b9d8dc0';
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

test('the simple-signing payload is byte for byte what cosign v3.1.2 wrote for the same image', () => {
  // Captured from `cosign sign --key hashivault://cosign … 127.0.0.1:45123/test/app@D` and `-a foo=bar -a n=1`.
  assert.equal(
    simpleSigningPayload({ dockerReference: '127.0.0.1:45123/test/app', digest: D }).toString(),
    `{"critical":{"identity":{"docker-reference":"127.0.0.1:45123/test/app"},"image":{"docker-manifest-digest":"${D}"},"type":"cosign container image signature"},"optional":null}`,
  );
  assert.equal(
    sha(simpleSigningPayload({ dockerReference: '127.0.0.1:45123/test/app', digest: D })),
    'sha256:22a75fc54a531c7c6b80a534b384d28b40f7fbcff2cb1756a80c9c21a1165341',
  );
  const annotated = simpleSigningPayload({
    dockerReference: '127.0.0.1:45123/test/app',
    digest: D,
    annotations: { n: '1', foo: 'bar' },
  });
  assert.equal(sha(annotated), 'sha256:113a9ea29f33d7a1c0360c8bb9a46820e26e2ded0120d003fb74d3e5e1e153dc');
  assert.match(
    simpleSigningPayload({ dockerReference: 'r/x', digest: D, annotations: { a: '<&>' } }).toString(),
    /"optional":\{"a":"\\u003c\\u0026\\u003e"\}/,
  );
});

test('the .sig manifest and config are what cosign writes; layers are appended and never doubled', () => {
  assert.equal(signatureTag(D), `sha256-${D.slice(7)}.sig`);
  const payload = simpleSigningPayload({ dockerReference: '127.0.0.1:45123/test/app', digest: D });
  const signature = Buffer.from(
    'MEUCIGaJm7jXCkwF63uOCJE0tQjFxsryAidgcOrIIZrC8IwvAiEAtQaa7CCeUWge0PNcVA073IMFgQxpx8U43s/A7y0IMus=',
    'base64',
  );
  const first = appendSignatureLayers(undefined, [{ payload, payloadDigest: sha(payload), signature }]);
  assert.ok(first);
  // cosign v3.1.2's manifest for this signature, and its config (digest sha256:99411ebf…).
  assert.equal(
    sha(first.config),
    'sha256:99411ebf8f80e3cb347edf68958cc22dd574bf48b15a4bcfe0e128fed85e4b39',
    first.config.toString(),
  );
  assert.equal(
    first.manifest.toString(),
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":233,"digest":"sha256:99411ebf8f80e3cb347edf68958cc22dd574bf48b15a4bcfe0e128fed85e4b39"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":240,"digest":"sha256:22a75fc54a531c7c6b80a534b384d28b40f7fbcff2cb1756a80c9c21a1165341","annotations":{"dev.cosignproject.cosign/signature":"MEUCIGaJm7jXCkwF63uOCJE0tQjFxsryAidgcOrIIZrC8IwvAiEAtQaa7CCeUWge0PNcVA073IMFgQxpx8U43s/A7y0IMus="}}]}',
  );
  const existing = JSON.parse(first.manifest.toString());
  assert.equal(appendSignatureLayers(existing, [{ payload, payloadDigest: sha(payload), signature }]), undefined);
  const other = Buffer.from(sign('sha256', payload, privateKey));
  const second = appendSignatureLayers(existing, [{ payload, payloadDigest: sha(payload), signature: other }]);
  assert.equal(second?.added, 1);
  const json = JSON.parse(second?.manifest.toString() ?? '{}');
  assert.equal(json.layers.length, 2);
  assert.deepEqual(json.layers[0], existing.layers[0]);
  assert.equal(JSON.parse(second?.config.toString() ?? '{}').history.length, 2);
});

test('an existing layer with the same payload is a duplicate only when it verifies with our key', () => {
  const payload = simpleSigningPayload({ dockerReference: 'r/x', digest: D });
  const layer = (sig: Buffer) => ({
    layers: [
      {
        mediaType: 'm',
        size: payload.length,
        digest: sha(payload),
        annotations: { 'dev.cosignproject.cosign/signature': sig.toString('base64') },
      },
    ],
  });
  const ours = sign('sha256', payload, privateKey);
  const signed = { payload, payloadDigest: sha(payload), key: pem };
  assert.ok(hasValidSignature(layer(ours), signed));
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  assert.ok(!hasValidSignature(layer(sign('sha256', payload, stranger)), signed));
  assert.ok(!hasValidSignature(undefined, signed));
  assert.ok(!hasValidSignature(layer(ours), { ...signed, payloadDigest: D }), 'another payload digest is not ours');
});

test('the statement is an in-toto Statement v1 about the digest, with the annotations', () => {
  const statement = cosignSignStatement(D, { env: 'ci' });
  assert.deepEqual(JSON.parse(statement.toString()), {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ digest: { sha256: D.slice(7) }, annotations: { env: 'ci' } }],
    predicateType: 'https://sigstore.dev/cosign/sign/v1',
    predicate: {},
  });
});

test('the referrer manifest has the bundle artifact type, empty config, one layer and the subject', () => {
  const subject = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: D, size: 512 };
  const manifest = JSON.parse(
    bundleReferrerManifest({
      subject,
      bundle: { mediaType: 'x', digest: `sha256:${'e'.repeat(64)}`, size: 700 },
      created: new Date('2026-01-02T03:04:05.678Z'),
    }).toString(),
  );
  assert.deepEqual(manifest, {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.empty.v1+json',
      size: 2,
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    },
    layers: [
      { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', size: 700, digest: `sha256:${'e'.repeat(64)}` },
    ],
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
      'org.opencontainers.image.created': '2026-01-02T03:04:05Z',
    },
    subject,
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  });
});
