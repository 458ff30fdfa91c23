import assert from 'node:assert/strict';
// The shared ECDSA helpers: cosign's key hint, reading public key PEMs, the P-256 and DER checks.
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  cosignKeyHint,
  describeKeyType,
  isDerEcdsaSignature,
  isP256Key,
  readPublicKeyPem,
  spkiDer,
  verifiesSha256,
} from '../../../src/core/ecdsa.ts';

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

const hintOf = (pem: string) => cosignKeyHint(createPublicKey(pem));

describe('cosignKeyHint', () => {
  test('the hint cosign itself wrote for its key', () => {
    assert.equal(hintOf(COSIGN_PUB), COSIGN_HINT);
  });

  test('standard base64 (padded) of SHA-256 over the SPKI DER', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const hint = cosignKeyHint(publicKey);
    assert.equal(hint, independentHint(pem));
    assert.match(hint, /^[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(spkiDer(publicKey), publicKey.export({ type: 'spki', format: 'der' }));
  });

  test('a PEM without a trailing newline or with CRLF gives the same hint', () => {
    assert.equal(hintOf(COSIGN_PUB.trimEnd()), COSIGN_HINT);
    assert.equal(hintOf(COSIGN_PUB.replace(/\n/g, '\r\n')), COSIGN_HINT);
  });
});

describe('readPublicKeyPem / isP256Key', () => {
  test('a P-256 public key is read and is P-256; other types are read and are not', () => {
    const read = readPublicKeyPem(COSIGN_PUB);
    assert.ok(read.ok && isP256Key(read.key));
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    for (const key of [p384, rsa, ed]) {
      const other = readPublicKeyPem(key.export({ type: 'spki', format: 'pem' }).toString());
      assert.ok(other.ok && !isP256Key(other.key));
    }
    assert.equal(describeKeyType(p384), 'ec (secp384r1)');
    assert.equal(describeKeyType(rsa), 'rsa');
  });

  test('a private key is refused without being parsed; garbage is not a public key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.deepEqual(readPublicKeyPem(privatePem), { ok: false, problem: 'private-key' });
    for (const bad of ['not a pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
      const read = readPublicKeyPem(bad);
      assert.ok(!read.ok && read.problem === 'not-a-public-key' && read.cause instanceof Error);
    }
  });
});

describe('isDerEcdsaSignature / verifiesSha256', () => {
  test('real DER signatures pass; raw r||s, truncated, overlong and non-buffers do not', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('data');
    for (let i = 0; i < 20; i++) {
      const der = sign('sha256', data, privateKey);
      assert.ok(isDerEcdsaSignature(der));
      assert.ok(verifiesSha256({ key: publicKey, data, signature: der }));
      assert.ok(!verifiesSha256({ key: publicKey, data: Buffer.from('other'), signature: der }));
      assert.ok(!isDerEcdsaSignature(der.subarray(0, der.length - 1)));
    }
    const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.ok(!isDerEcdsaSignature(raw));
    assert.ok(!isDerEcdsaSignature(Buffer.from([0x30, 73, 0x02, ...Buffer.alloc(73)])));
    assert.ok(!isDerEcdsaSignature('MEUC'));
    assert.ok(
      !verifiesSha256({ key: publicKey, data, signature: Buffer.from('garbage') }),
      'malformed: false, no throw',
    );
  });
});
