import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, generateSecret, type CryptoKey, type JSONWebKeySet } from 'jose';
import { decodeJwtSvidClaims, verifyJwtSvid } from '../../../src/core/spiffe/jwt-svid.ts';
import { WorkloadApiError } from '../../../src/core/spiffe/errors.ts';

const TD = 'spiffe://example.org';
const ID = 'spiffe://example.org/ci/runner';
const NOW = Date.UTC(2030, 0, 1) / 1000;

interface Key {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwks: JSONWebKeySet;
}

async function key(alg: string, kid: string, use?: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, ...(use ? { use } : {}) };
  return { alg, kid, privateKey, jwks: { keys: [jwk] } };
}

interface TokenOptions {
  sub?: string | undefined;
  aud?: string | string[] | undefined;
  exp?: number | undefined;
  kid?: string;
  typ?: string;
}

async function token(k: Key, o: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: k.alg, kid: o.kid ?? k.kid, typ: o.typ ?? 'JWT' })
    .setIssuedAt(NOW - 10);
  if (!('sub' in o) || o.sub !== undefined) jwt.setSubject(o.sub ?? ID);
  if (!('aud' in o) || o.aud !== undefined) jwt.setAudience(o.aud ?? ['vault']);
  if (!('exp' in o) || o.exp !== undefined) jwt.setExpirationTime(o.exp ?? NOW + 300);
  return jwt.sign(k.privateKey);
}

async function expectCode(promise: Promise<unknown>, code: string, secret: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WorkloadApiError, String(error));
    assert.equal(error.code, code, error.message);
    assert.ok(!error.message.includes(secret), 'the message must not contain the token');
    const signature = secret.split('.')[2] ?? '';
    if (signature.length > 16) assert.ok(!error.message.includes(signature), 'nor its signature');
    return true;
  });
}

describe('verifyJwtSvid', () => {
  let es256: Key;
  let bundles: Map<string, JSONWebKeySet>;
  const now = new Date(NOW * 1000);

  before(async () => {
    es256 = await key('ES256', 'k1', 'jwt-svid');
    bundles = new Map([[TD, es256.jwks]]);
  });

  it('accepts a good token and returns the verified claims', async () => {
    const t = await token(es256, { aud: ['vault', 'other'] });
    const verified = await verifyJwtSvid(t, {
      audience: 'vault',
      bundles,
      now,
      expectedSpiffeId: ID,
      expectedTrustDomain: 'example.org',
    });
    assert.equal(verified.spiffeId.id, ID);
    assert.equal(verified.spiffeId.trustDomainId, TD);
    assert.deepEqual(verified.audiences, ['vault', 'other']);
    assert.equal(verified.expiresAt.getTime(), (NOW + 300) * 1000);
    assert.equal(verified.claims.sub, ID);
  });

  for (const alg of ['ES384', 'RS256', 'PS256']) {
    it(`accepts ${alg} keys`, async () => {
      const k = await key(alg, `k-${alg}`);
      const t = await token(k);
      const verified = await verifyJwtSvid(t, { audience: 'vault', bundles: new Map([[TD, k.jwks]]), now });
      assert.equal(verified.spiffeId.id, ID);
    });
  }

  it('rejects a wrong audience', async () => {
    const t = await token(es256, { aud: 'someone-else' });
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_AUDIENCE_MISMATCH', t);
  });

  it('rejects an expired token, but tolerates small clock skew', async () => {
    const t = await token(es256, { exp: NOW - 120 });
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_EXPIRED', t);
    const recent = await token(es256, { exp: NOW - 10 });
    assert.equal((await verifyJwtSvid(recent, { audience: 'vault', bundles, now })).spiffeId.id, ID);
    await expectCode(
      verifyJwtSvid(recent, { audience: 'vault', bundles, now, clockToleranceSec: 0 }),
      'JWT_SVID_EXPIRED',
      recent,
    );
  });

  it('rejects a bad signature (another key with the same kid)', async () => {
    const impostor = await key('ES256', 'k1');
    const t = await token(impostor);
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', t);
  });

  it('rejects a tampered payload', async () => {
    const t = await token(es256);
    const [h, , s] = t.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'spiffe://example.org/admin', aud: ['vault'], exp: NOW + 300 }),
    ).toString('base64url');
    const forged = `${h}.${payload}.${s}`;
    await expectCode(verifyJwtSvid(forged, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', forged);
  });

  it('rejects a kid that is not in the bundle', async () => {
    const t = await token(es256, { kid: 'unknown' });
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', t);
  });

  it('rejects a sub that is not a SPIFFE ID', async () => {
    for (const sub of [
      'ci-runner',
      'https://example.org/ci',
      'spiffe://Example.org/ci',
      'spiffe://example.org/ci/../x',
    ]) {
      const t = await token(es256, { sub });
      await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', t);
    }
    const none = await token(es256, { sub: undefined });
    await expectCode(verifyJwtSvid(none, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', none);
  });

  it('rejects a token missing exp or aud', async () => {
    const noExp = await token(es256, { exp: undefined });
    await expectCode(verifyJwtSvid(noExp, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', noExp);
    const noAud = await token(es256, { aud: undefined });
    await expectCode(verifyJwtSvid(noAud, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', noAud);
  });

  it('rejects the wrong trust domain or SPIFFE ID when one is expected', async () => {
    const t = await token(es256);
    await expectCode(
      verifyJwtSvid(t, { audience: 'vault', bundles, now, expectedTrustDomain: 'other.org' }),
      'JWT_SVID_SUBJECT_MISMATCH',
      t,
    );
    await expectCode(
      verifyJwtSvid(t, { audience: 'vault', bundles, now, expectedTrustDomain: 'spiffe://other.org' }),
      'JWT_SVID_SUBJECT_MISMATCH',
      t,
    );
    await expectCode(
      verifyJwtSvid(t, { audience: 'vault', bundles, now, expectedSpiffeId: 'spiffe://example.org/ci/other' }),
      'JWT_SVID_SUBJECT_MISMATCH',
      t,
    );
  });

  it('does not trust a token from a trust domain it has no bundle for', async () => {
    const t = await token(es256, { sub: 'spiffe://evil.org/ci/runner' });
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_BUNDLE_NOT_FOUND', t);
  });

  it('does not use X.509 authorities of a SPIFFE bundle for JWTs', async () => {
    const k = await key('ES256', 'x1', 'x509-svid');
    const t = await token(k);
    await expectCode(
      verifyJwtSvid(t, { audience: 'vault', bundles: new Map([[TD, k.jwks]]), now }),
      'JWT_SVID_INVALID',
      t,
    );
  });

  it('rejects HMAC and unsigned tokens', async () => {
    const secret = await generateSecret('HS256');
    const hs = await new SignJWT({ sub: ID, aud: ['vault'], exp: NOW + 300 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(secret);
    await expectCode(verifyJwtSvid(hs, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', hs);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: ID, aud: 'vault', exp: NOW + 300 })).toString('base64url')}.`;
    await expectCode(verifyJwtSvid(unsigned, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', `${unsigned}x`);
  });

  it('rejects a wrong typ header and malformed tokens', async () => {
    const t = await token(es256, { typ: 'at+jwt' });
    await expectCode(verifyJwtSvid(t, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', t);
    for (const bad of ['', 'abc', 'a.b', 'eyJ.eyJ.sig', 'a.b.c.d']) {
      await expectCode(verifyJwtSvid(bad, { audience: 'vault', bundles, now }), 'JWT_SVID_INVALID', bad || 'x');
    }
  });
});

describe('decodeJwtSvidClaims', () => {
  it('decodes sub, aud and exp without verifying', async () => {
    const k = await key('ES256', 'k1');
    const decoded = decodeJwtSvidClaims(await token(k, { aud: 'vault' }));
    assert.equal(decoded.subject.id, ID);
    assert.deepEqual(decoded.audiences, ['vault']);
    assert.equal(decoded.expiresAt.getTime(), (NOW + 300) * 1000);
  });

  it('refuses tokens the domain type cannot describe', async () => {
    const k = await key('ES256', 'k1');
    for (const o of [
      { sub: 'not-spiffe' },
      { exp: undefined },
      { aud: undefined },
      { sub: undefined },
    ] as TokenOptions[]) {
      const t = await token(k, o);
      assert.throws(
        () => decodeJwtSvidClaims(t),
        (e: unknown) => {
          const error = e as WorkloadApiError;
          assert.equal(error.code, 'JWT_SVID_INVALID');
          assert.ok(!error.message.includes(t));
          return true;
        },
      );
    }
    assert.throws(() => decodeJwtSvidClaims('garbage'), { code: 'JWT_SVID_INVALID' });
  });
});
