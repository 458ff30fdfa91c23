/**
 * What the Workload API hands over: a JWT-SVID's claims (decoded, not verified) and JWT bundles.
 * Any token gives a SPIFFE subject, audiences and a real expiry date, or JWT_SVID_INVALID; any
 * bundle map gives JWKS keyed by trust domain ID, or JWT_BUNDLE_INVALID; never the token in a
 * message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeJwtSvidClaims } from '../../../src/core/spiffe/jwt-claims.ts';
import { parseJwtBundlesResponse } from '../../../src/core/spiffe/wire.ts';
import {
  edgeNumber,
  hostileJson,
  hostileText,
  jsonText,
  mutated,
  nearValid,
  objectOf,
  prototypeKey,
} from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('JWT-SVID claims and JWT bundles', 0x1a77);
const b64url = (text: string) => Buffer.from(text).toString('base64url');

const spiffeId = fc.constantFrom(
  'spiffe://example.org/ci',
  'spiffe://example.org',
  'spiffe://Example.org/x',
  'https://x',
  '',
);
const claims = mutated({
  sub: fc.oneof({ weight: 4, arbitrary: spiffeId }, { weight: 1, arbitrary: hostileText(['spiffe://', 'a', '/']) }),
  aud: fc.oneof(fc.constant('vault'), fc.array(fc.oneof(fc.constant('vault'), hostileJson), { maxLength: 3 })),
  exp: fc.oneof(fc.integer({ min: 0, max: 4_000_000_000 }), edgeNumber),
  iat: edgeNumber,
});
const header = mutated({ alg: fc.constantFrom('ES256', 'RS256', 'none'), kid: fc.string(), typ: fc.constant('JWT') });
const token = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(jsonText(header), jsonText(claims), fc.string({ maxLength: 20 }))
      .map(([h, c, s]) => `${b64url(h)}.${b64url(c)}.${b64url(s)}`),
  },
  { weight: 1, arbitrary: hostileText(['eyJ', '.', 'e30', 'eyJzdWIiOiJ4In0', '=', '-', '_']) },
);

test('any token: a SPIFFE subject, audiences and a valid expiry, or JWT_SVID_INVALID', () => {
  fuzz.check(
    'JWT-SVID claims',
    fc.oneof({ weight: 4, arbitrary: token }, { weight: 1, arbitrary: nearValid(token) }),
    (jwt) =>
      expectParsedOrCoded(() => decodeJwtSvidClaims(jwt), {
        codes: ['JWT_SVID_INVALID'],
        valid: (svid) => {
          assert.match(svid.subject.id, /^spiffe:\/\/[a-z0-9._-]+/);
          assert.ok(svid.audiences.length > 0 && svid.audiences.every((a) => typeof a === 'string'));
          assert.ok(Number.isFinite(svid.expiresAt.getTime()), `expiry ${svid.expiresAt}`);
          assert.ok(Object.isFrozen(svid.claims));
        },
      }),
    2500,
  );
});

const jwks = mutated({
  keys: fc.array(objectOf(fc.oneof(prototypeKey, fc.constantFrom('kty', 'use', 'kid')), hostileJson), { maxLength: 3 }),
});
const bundles = objectOf(
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('spiffe://example.org', 'spiffe://other.org') },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('example.org', 'spiffe://a/b', 'SPIFFE://x'), prototypeKey) },
  ),
  fc.oneof(
    { weight: 6, arbitrary: jsonText(jwks) },
    { weight: 1, arbitrary: jsonText(hostileJson).map((t) => Buffer.from(t)) },
  ),
);

test('any bundle map: JWKS keyed by trust domain ID, or JWT_BUNDLE_INVALID', () => {
  fuzz.check(
    'JWT bundles',
    bundles,
    (map) =>
      expectParsedOrCoded(() => parseJwtBundlesResponse({ bundles: map as Record<string, string> }), {
        codes: ['JWT_BUNDLE_INVALID'],
        valid: (parsed) => {
          for (const [id, set] of parsed) {
            assert.match(id, /^spiffe:\/\/[a-z0-9._-]+$/);
            assert.ok(Array.isArray(set.keys) && set.keys.every((k) => typeof k === 'object' && k !== null));
          }
        },
      }),
    1000,
  );
});

// Counterexamples the properties found, kept as examples.
test('an exp too large for a date is refused, not an Invalid Date', () => {
  const jwt = `${b64url('{"alg":"ES256"}')}.${b64url('{"sub":"spiffe://example.org/ci","aud":"vault","exp":1e300}')}.c2ln`;
  assert.throws(() => decodeJwtSvidClaims(jwt), { code: 'JWT_SVID_INVALID' });
});
