import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { cosignKeyHint, publicKeySpkiDer } from '../../../src/core/signing/key-hint.ts';

// Made by `cosign generate-key-pair` (v3.1.2); the hint is what `cosign sign-blob --key
// cosign.key --bundle b.sigstore.json --use-signing-config=false` wrote into the bundle.
const COSIGN_PUB = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEKxXZ+hIVVdgvY8XohCrTTlo1Xs+q
uVSfGtfUquu1Z49T3/G9eBl0+ttCAlOTPT8IbJxi8xO12dvuLL39bZwoGw==
-----END PUBLIC KEY-----
`;
const COSIGN_HINT = '5Oe4Qs1ZlL/zcE2mho5Nh9ruqmYGvYlQMlBVZwEpZu8=';

/** The PEM body is the SPKI DER: hash it directly, without node's key parser. */
function independentHint(pem: string): string {
  const body = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(body, 'base64')).digest('base64');
}

describe('cosignKeyHint', () => {
  test('the hint cosign itself wrote for its key', () => {
    assert.equal(cosignKeyHint(COSIGN_PUB), COSIGN_HINT);
  });

  test('standard base64 (padded) of SHA-256 over the SPKI DER', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const hint = cosignKeyHint(pem);
    assert.equal(hint, independentHint(pem));
    assert.match(hint, /^[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(publicKeySpkiDer(pem), publicKey.export({ type: 'spki', format: 'der' }));
  });

  test('a PEM without a trailing newline or with CRLF gives the same hint', () => {
    assert.equal(cosignKeyHint(COSIGN_PUB.trimEnd()), COSIGN_HINT);
    assert.equal(cosignKeyHint(COSIGN_PUB.replace(/\n/g, '\r\n')), COSIGN_HINT);
  });

  test('a private key or garbage: PUBLIC_KEY_INVALID', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const bad of [privatePem, 'not a pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
      assert.throws(
        () => cosignKeyHint(bad),
        (e: unknown) => e instanceof SigningError && e.code === 'PUBLIC_KEY_INVALID',
      );
    }
  });
});
