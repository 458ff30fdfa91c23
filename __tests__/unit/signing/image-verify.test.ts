import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { sha256Digest } from '../../../src/core/oci/index.ts';
import { BundleBuilder, bundleJson, dssePreAuthEncoding } from '../../../src/core/signing/bundle-builder.ts';
import { cosignSignStatement, IN_TOTO_PAYLOAD_TYPE } from '../../../src/core/signing/image-bundle.ts';
import { COSIGN_SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE } from '../../../src/core/signing/image-legacy.ts';
import { simpleSigningPayload } from '../../../src/core/signing/image-payload.ts';
import {
  checkBundle,
  checkCosignStatement,
  checkLegacyLayer,
  checkSimpleSigningPayload,
} from '../../../src/core/signing/image-checks.ts';

const digest = `sha256:${createHash('sha256').update('image').digest('hex')}`;
const other = `sha256:${createHash('sha256').update('other').digest('hex')}`;
const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const payload = (annotations?: Record<string, string>, d = digest) =>
  simpleSigningPayload({ dockerReference: 'reg.example/app', digest: d, annotations });

function layerFor(bytes: Buffer, privateKey = keys.privateKey) {
  return {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    digest: sha256Digest(bytes),
    size: bytes.length,
    annotations: { [COSIGN_SIGNATURE_ANNOTATION]: sign('sha256', bytes, privateKey).toString('base64') },
  };
}

describe('checkSimpleSigningPayload', () => {
  test('the payload sign-image writes is accepted, with and without the annotations asked for', () => {
    assert.equal(checkSimpleSigningPayload(payload(), { digest, annotations: {} }), undefined);
    assert.equal(
      checkSimpleSigningPayload(payload({ a: '1', b: '2' }), { digest, annotations: { a: '1' } }),
      undefined,
    );
  });

  test('another digest, a missing or different annotation, another type, not JSON: each says why', () => {
    assert.match(checkSimpleSigningPayload(payload({}, other), { digest, annotations: {} }) ?? '', /signs sha256:/);
    assert.match(checkSimpleSigningPayload(payload(), { digest, annotations: { a: '1' } }) ?? '', /lack a=1/);
    assert.match(checkSimpleSigningPayload(payload({ a: '2' }), { digest, annotations: { a: '1' } }) ?? '', /lack a=1/);
    const wrongType = Buffer.from(payload().toString().replace('cosign container image signature', 'attestation'));
    assert.match(checkSimpleSigningPayload(wrongType, { digest, annotations: {} }) ?? '', /payload type/);
    assert.match(checkSimpleSigningPayload(Buffer.from('{'), { digest, annotations: {} }) ?? '', /not JSON/);
    assert.match(checkSimpleSigningPayload(Buffer.from('[]'), { digest, annotations: {} }) ?? '', /no critical/);
  });
});

describe('checkLegacyLayer', () => {
  test('a layer signed by the key verifies; another key, a wrong digest or a tampered payload does not', () => {
    const bytes = payload({ build: '7' });
    const expected = { digest, annotations: { build: '7' } };
    assert.equal(checkLegacyLayer(layerFor(bytes), { payload: bytes, key: keys.publicKey, expected }), undefined);
    assert.match(
      checkLegacyLayer(layerFor(bytes), { payload: bytes, key: otherKeys.publicKey, expected }) ?? '',
      /does not verify/,
    );
    assert.match(
      checkLegacyLayer({ ...layerFor(bytes), digest: other }, { payload: bytes, key: keys.publicKey, expected }) ?? '',
      /does not hash/,
    );
    const unsigned = { ...layerFor(bytes), annotations: {} };
    assert.match(
      checkLegacyLayer(unsigned, { payload: bytes, key: keys.publicKey, expected }) ?? '',
      /no dev.cosignproject/,
    );
    const garbage = { ...layerFor(bytes), annotations: { [COSIGN_SIGNATURE_ANNOTATION]: 'AAAA' } };
    assert.match(checkLegacyLayer(garbage, { payload: bytes, key: keys.publicKey, expected }) ?? '', /does not verify/);
  });
});

describe('checkCosignStatement / checkBundle', () => {
  const statement = cosignSignStatement(digest, { build: '7' });
  test('the statement sign-image writes is about the digest; another digest or predicate is not', () => {
    assert.equal(
      checkCosignStatement(
        { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement },
        { digest, annotations: { build: '7' } },
      ),
      undefined,
    );
    assert.match(
      checkCosignStatement(
        { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement },
        { digest: other, annotations: {} },
      ) ?? '',
      /no subject/,
    );
    assert.match(
      checkCosignStatement(
        { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement },
        { digest, annotations: { build: '8' } },
      ) ?? '',
      /lack build=8/,
    );
    const slsa = Buffer.from(statement.toString().replace('https://sigstore.dev/cosign/sign/v1', 'https://slsa.dev/x'));
    assert.match(
      checkCosignStatement({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: slsa }, { digest, annotations: {} }) ?? '',
      /predicate type/,
    );
    assert.match(
      checkCosignStatement({ payloadType: 'text/plain', payload: statement }, { digest, annotations: {} }) ?? '',
      /payload type/,
    );
  });

  test('a bundle signed by the key verifies with it, not with another key', async () => {
    const signature = sign('sha256', dssePreAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement), keys.privateKey);
    const keyOnly = { keyVersion: 1, keyHint: 'hint', publicKeyPem: '', signDigests: async () => [] };
    const artifact = { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement } as const;
    const bundle = Buffer.from(bundleJson(await new BundleBuilder({ signer: keyOnly }).assemble(artifact, signature)));
    assert.equal(checkBundle(bundle, { key: keys.publicKey, expected: { digest, annotations: {} } }), undefined);
    assert.match(
      checkBundle(bundle, { key: otherKeys.publicKey, expected: { digest, annotations: {} } }) ?? '',
      /does not verify/,
    );
    assert.match(
      checkBundle(bundle, { key: keys.publicKey, expected: { digest: other, annotations: {} } }) ?? '',
      /no subject/,
    );
    assert.match(
      checkBundle(Buffer.from('{}'), { key: keys.publicKey, expected: { digest, annotations: {} } }) ?? '',
      /not a Sigstore/,
    );
  });
});
