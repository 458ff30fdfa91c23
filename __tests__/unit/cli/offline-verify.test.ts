import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { bundleToJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import { parseP256PublicKey, verifyBundleFile, verifySignatureFile } from '../../../src/cli/offline-verify.ts';
import { cosignKeyHint } from '../../../src/core/ecdsa.ts';

function p256() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, pem, key: parseP256PublicKey('--key', pem) };
}

const dir = mkdtempSync(join(tmpdir(), 'cli-verify-'));
const file = join(dir, 'artifact.bin');
const content = Buffer.from('the artifact\n');
writeFileSync(file, content);
const tampered = join(dir, 'tampered.bin');
writeFileSync(tampered, Buffer.concat([content, Buffer.from('x')]));
const signer = p256();
const other = p256();
const signature = sign('sha256', content, { key: signer.privateKey, dsaEncoding: 'der' });
const sha256 = createHash('sha256').update(content).digest('hex');
const bundleText = JSON.stringify(
  bundleToJSON(
    toMessageSignatureBundle({
      digest: createHash('sha256').update(content).digest(),
      signature,
      keyHint: cosignKeyHint(signer.key),
    }),
  ),
);

describe('.sig', () => {
  test('valid', async () => {
    const result = await verifySignatureFile({
      file,
      signatureText: `${signature.toString('base64')}\n`,
      key: signer.key,
    });
    assert.equal(result.sha256, sha256);
  });

  test('a tampered file, another key, garbage: SIGNATURE_INVALID', async () => {
    const signatureText = signature.toString('base64');
    await assert.rejects(verifySignatureFile({ file: tampered, signatureText, key: signer.key }), {
      code: 'SIGNATURE_INVALID',
    });
    await assert.rejects(verifySignatureFile({ file, signatureText, key: other.key }), { code: 'SIGNATURE_INVALID' });
    await assert.rejects(verifySignatureFile({ file, signatureText: 'not base64!', key: signer.key }), {
      code: 'SIGNATURE_INVALID',
    });
    await assert.rejects(verifySignatureFile({ file, signatureText: 'AAAA', key: signer.key }), {
      code: 'SIGNATURE_INVALID',
    });
  });
});

describe('bundle', () => {
  test('valid', async () => {
    assert.equal((await verifyBundleFile({ file, bundleText, key: signer.key })).sha256, sha256);
  });

  test('a tampered file or another key: SIGNATURE_INVALID (naming the hint mismatch)', async () => {
    await assert.rejects(verifyBundleFile({ file: tampered, bundleText, key: signer.key }), {
      code: 'SIGNATURE_INVALID',
    });
    await assert.rejects(verifyBundleFile({ file, bundleText, key: other.key }), {
      code: 'SIGNATURE_INVALID',
      message: /key hint/,
    });
  });

  test('not JSON, not a bundle, a DSSE bundle: BUNDLE_INVALID', async () => {
    await assert.rejects(verifyBundleFile({ file, bundleText: '{', key: signer.key }), { code: 'BUNDLE_INVALID' });
    await assert.rejects(verifyBundleFile({ file, bundleText: '{"a":1}', key: signer.key }), {
      code: 'BUNDLE_INVALID',
    });
    const dsse = JSON.parse(bundleText) as Record<string, unknown>;
    delete dsse.messageSignature;
    dsse.dsseEnvelope = {
      payload: Buffer.from('{}').toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: signature.toString('base64'), keyid: '' }],
    };
    await assert.rejects(verifyBundleFile({ file, bundleText: JSON.stringify(dsse), key: signer.key }), {
      code: 'BUNDLE_INVALID',
      message: /DSSE/,
    });
  });
});

describe('the key', () => {
  test('private keys, non-keys and other curves are usage errors naming --key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => parseP256PublicKey('--key', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), {
      code: 'INVALID_INPUT',
      message: /^--key: this is a private key/,
    });
    assert.throws(() => parseP256PublicKey('--key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), {
      code: 'INVALID_INPUT',
      message: /^--key: not a public key/,
    });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' });
    assert.throws(() => parseP256PublicKey('--key', p384.toString()), { code: 'INVALID_INPUT', message: /secp384r1/ });
  });
});
