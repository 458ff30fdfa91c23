/**
 * Vault's JSON answers: a transit key read, a batch sign answer, a login answer and a token
 * lookup. Any answer gives a value of the documented shape, or the area's coded error, quickly,
 * never a token in the message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { VaultClient } from '../../../src/core/vault/client.ts';
import { VaultError } from '../../../src/core/vault/errors.ts';
import { parseBatchResults } from '../../../src/core/vault/transit-batch.ts';
import { transitKeyFromResponse } from '../../../src/core/vault/transit-key.ts';
import { lookupSelf, tokenFromLogin } from '../../../src/core/vault/token.ts';
import { edgeNumber, hostileJson, mutated, objectOf, plantedSecret, prototypeKey } from './arbitraries.ts';
import { expectParsedOrCoded, expectParsedOrCodedAsync, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('Vault answers', 0x7a01);
const TARGET = { address: 'https://vault:8200', transitPath: 'transit', key: 'cosign' };
const TRANSIT = ['TRANSIT_SIGN_FAILED'];
const VAULT = ['VAULT_REQUEST_FAILED'];
const version = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: edgeNumber },
);
const oneOf = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: hostileJson });
const answer = (data: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 8, arbitrary: mutated({ data }) }, { weight: 1, arbitrary: hostileJson });

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n';
const keyAnswer = answer(
  mutated({
    type: fc.oneof(fc.constantFrom('ecdsa-p256', 'ed25519', 'aes256-gcm96'), hostileJson),
    latest_version: version,
    min_encryption_version: version,
    min_decryption_version: version,
    keys: objectOf(
      fc.oneof(fc.constantFrom('1', '2', '3', '01', '0', '-1', '1e3'), prototypeKey),
      oneOf(mutated({ public_key: oneOf(fc.constant(PEM)) })),
    ),
  }),
);

test('transit key reads: versions as whole numbers and PEMs by version, or TRANSIT_SIGN_FAILED', () => {
  fuzz.check(
    'transit keys',
    keyAnswer,
    (response) =>
      expectParsedOrCoded(() => transitKeyFromResponse(response, TARGET), {
        codes: TRANSIT,
        valid: (info) => {
          assert.equal(typeof info.type, 'string');
          for (const n of [info.latestVersion, info.minEncryptionVersion, info.minDecryptionVersion]) {
            assert.ok(Number.isSafeInteger(n) && n >= 0, `version ${n}`);
          }
          for (const [v, pem] of info.publicKeys)
            assert.ok(Number.isSafeInteger(v) && v >= 1 && pem.includes('PUBLIC KEY'));
        },
      }),
    1500,
  );
});

const DER = Buffer.from('3006020101020101', 'hex').toString('base64');
const batchItem = (index: number) =>
  mutated({
    reference: oneOf(fc.constantFrom(String(index), String(index + 1), '0', '-1', ' 1')),
    signature: oneOf(fc.constantFrom(`vault:v1:${DER}`, `vault:v2:${DER}`, 'vault:v1:!!', `vault:v1:${DER}=`)),
    key_version: oneOf(fc.constantFrom(1, 2)),
    error: fc.oneof(
      fc.constant(''),
      plantedSecret.map((s) => `permission denied for ${s}`),
      hostileJson,
    ),
  });
const batchAnswer = fc
  .integer({ min: 1, max: 4 })
  .chain((count) =>
    fc.tuple(
      fc.constant(count),
      answer(mutated({ batch_results: fc.tuple(...Array.from({ length: count }, (_, i) => batchItem(i))) })),
    ),
  );

test('batch sign answers: one DER signature per digest in request order, or TRANSIT_SIGN_FAILED', () => {
  fuzz.check(
    'batch sign answers',
    batchAnswer,
    ([count, response]) =>
      expectParsedOrCoded(() => parseBatchResults(response, { target: TARGET, offset: 0, count, keyVersion: 1 }), {
        codes: TRANSIT,
        valid: (signatures) => {
          assert.equal(signatures.length, count);
          for (const der of signatures) assert.ok(Buffer.isBuffer(der) && der[0] === 0x30);
        },
      }),
    1500,
  );
});

const NOW = Date.UTC(2030, 0, 1);
const strings = fc.array(oneOf(fc.constantFrom('default', 'sign')), { maxLength: 3 });
const loginAnswer = fc.oneof(
  {
    weight: 8,
    arbitrary: mutated({
      auth: mutated({
        client_token: oneOf(plantedSecret),
        accessor: oneOf(fc.string({ maxLength: 8 })),
        policies: oneOf(strings),
        token_policies: oneOf(strings),
        lease_duration: fc.oneof(
          { weight: 6, arbitrary: fc.nat({ max: 86_400 }) },
          { weight: 1, arbitrary: edgeNumber },
        ),
        renewable: oneOf(fc.boolean()),
      }),
    }),
  },
  { weight: 1, arbitrary: hostileJson },
);

test('login answers: a token with a whole-second TTL and a real expiry, or the caller error', () => {
  const withoutToken = () => new VaultError('VAULT_REQUEST_FAILED', 'the answer held no token');
  fuzz.check(
    'login answers',
    loginAnswer,
    (response) =>
      expectParsedOrCoded(() => tokenFromLogin(response as never, { now: () => NOW, withoutToken }), {
        codes: VAULT,
        valid: (token) => {
          assert.ok(typeof token.token === 'string' && token.token !== '');
          assert.equal(typeof token.accessor, 'string');
          assert.ok(Array.isArray(token.policies) && token.policies.every((p) => typeof p === 'string'));
          assert.ok(Number.isFinite(token.ttlSeconds) && token.ttlSeconds >= 0, `ttl ${token.ttlSeconds}`);
          assert.equal(typeof token.renewable, 'boolean');
          assert.ok(Number.isFinite(token.expiresAt.getTime()));
        },
      }),
    1500,
  );
});

const lookupAnswer = answer(
  mutated({
    ttl: fc.oneof(fc.nat(), edgeNumber),
    expire_time: oneOf(fc.constant('2030-01-01T00:00:00Z')),
    policies: oneOf(strings),
    accessor: oneOf(fc.string({ maxLength: 8 })),
  }),
);

test('token lookups: a TTL, policies and an accessor of their types, or a coded Vault error', async () => {
  await fuzz.checkAsync(
    'token lookups',
    lookupAnswer,
    (response) => {
      const client = {
        address: TARGET.address,
        namespace: '',
        request: async () => response,
      } as unknown as VaultClient;
      return expectParsedOrCodedAsync(() => lookupSelf(client, 'hvs.x'), {
        codes: VAULT,
        valid: (lookup) => {
          assert.ok(Number.isFinite(lookup.ttlSeconds) && lookup.ttlSeconds >= 0, `ttl ${lookup.ttlSeconds}`);
          assert.ok(lookup.expireTime === null || typeof lookup.expireTime === 'string');
          assert.ok(Array.isArray(lookup.policies) && lookup.policies.every((p) => typeof p === 'string'));
          assert.equal(typeof lookup.accessor, 'string');
        },
      });
    },
    800,
  );
});

// Counterexamples the properties found, kept as examples.
test('a batch reference nested too deep to print is TRANSIT_SIGN_FAILED, not a RangeError', () => {
  let reference: unknown = 'x';
  for (let i = 0; i < 12_000; i++) reference = [reference];
  const response = { data: { batch_results: [{ reference, signature: `vault:v1:${DER}` }] } };
  assert.throws(() => parseBatchResults(response, { target: TARGET, offset: 0, count: 1, keyVersion: 1 }), {
    code: 'TRANSIT_SIGN_FAILED',
  });
});

test('a transit key whose latest_version is not a whole number is a malformed answer', () => {
  for (const latest of [1e308, 1.5, -1]) {
    const response = { data: { type: 'ecdsa-p256', latest_version: latest, keys: { 1: { public_key: PEM } } } };
    assert.throws(() => transitKeyFromResponse(response, TARGET), { code: 'TRANSIT_SIGN_FAILED' }, String(latest));
  }
});

test('a login lease that is not whole seconds gives no token; other fields of the wrong type read as absent', () => {
  const withoutToken = () => new VaultError('VAULT_REQUEST_FAILED', 'no token');
  for (const lease of [9007199254740992, '60', { toString: null }]) {
    const response = { auth: { client_token: 't', lease_duration: lease } } as never;
    assert.throws(() => tokenFromLogin(response, { now: () => NOW, withoutToken }), { code: 'VAULT_REQUEST_FAILED' });
  }
  const token = tokenFromLogin(
    { auth: { client_token: 't', policies: 'root', renewable: 'yes', accessor: 1 } } as never,
    {
      now: () => NOW,
      withoutToken,
    },
  );
  assert.deepEqual([token.policies, token.renewable, token.accessor], [[], false, '']);
});

test('a token lookup whose ttl is not whole seconds is VAULT_REQUEST_FAILED', async () => {
  const client = { address: TARGET.address, namespace: '', request: async () => ({ data: { ttl: Infinity } }) };
  await assert.rejects(lookupSelf(client as unknown as VaultClient, 't'), { code: 'VAULT_REQUEST_FAILED' });
});
