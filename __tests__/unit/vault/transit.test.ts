// TransitSigner: opening a key, batching and answer checks. Faults use the scripted fake
// (a fixed reply per request); signatures in the replies are real, and verified here.
import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { afterEach, describe, test } from 'node:test';
import { VaultClient } from '../../../src/core/vault/client.ts';
import {
  DEFAULT_TRANSIT_BATCH_SIZE,
  TransitSigner,
  type TransitSignerOptions,
} from '../../../src/core/vault/transit.ts';
import { FAST_RETRY, startFakeVault, type FakeVault, type Reply } from './fake-vault.ts';
import {
  batchReply,
  keyReply,
  newKey,
  RecordingTokens,
  rejectsWith,
  sha256,
  signedItems,
  TOKEN,
  type TestKey,
} from './transit-fixtures.ts';

let fake: FakeVault | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const KEY = newKey();
const blobs = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`artifact ${i}\n`));

async function openSigner(replies: readonly Reply[], options: Partial<TransitSignerOptions> = {}) {
  fake = await startFakeVault(replies);
  const tokens = new RecordingTokens();
  const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
  const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign', ...options });
  return { signer, tokens, fake };
}

function signBodies(f: FakeVault) {
  return f.requests
    .filter((r) => r.method === 'POST' && r.url.includes('/sign/'))
    .map((r) => JSON.parse(r.body) as { batch_input: { input: string; reference: string }[]; [k: string]: unknown });
}

function assertVerifies(data: readonly Buffer[], signatures: readonly Buffer[], key: TestKey = KEY) {
  assert.equal(signatures.length, data.length);
  data.forEach((d, i) => assert.ok(verify('sha256', d, key.pem, signatures[i] as Buffer), `signature ${i} verifies`));
}

describe('TransitSigner.open', () => {
  test('reads the key, pins the latest version, keeps its PEM and the cosign key hint', async () => {
    const older = newKey();
    const { signer, fake: f } = await openSigner([keyReply([older, KEY])]);
    assert.equal(signer.keyVersion, 2);
    assert.equal(signer.publicKeyPem, KEY.pem);
    const spki = KEY.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(signer.keyHint, createHash('sha256').update(spki).digest('base64'));
    assert.equal(signer.transitPath, 'transit');
    assert.equal(signer.transitKey, 'cosign');
    assert.equal(signer.batchSize, DEFAULT_TRANSIT_BATCH_SIZE);
    assert.equal(f.requests[0]?.url, '/v1/transit/keys/cosign');
    assert.equal(f.requests[0]?.headers['x-vault-token'], TOKEN);
  });

  test('a pinned version and a nested mount', async () => {
    const v1 = newKey();
    const { signer, fake: f } = await openSigner([keyReply([v1, KEY])], {
      keyVersion: 1,
      transitPath: '/team/transit/',
    });
    assert.equal(signer.keyVersion, 1);
    assert.equal(signer.publicKeyPem, v1.pem);
    assert.equal(f.requests[0]?.url, '/v1/team/transit/keys/cosign');
  });

  test('a key of another type: TRANSIT_KEY_TYPE_UNSUPPORTED naming the type', async () => {
    const rsa = { status: 200, body: { data: { type: 'rsa-2048', latest_version: 1, keys: { '1': {} } } } };
    fake = await startFakeVault([rsa]);
    const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
    const open = TransitSigner.open({ client, tokens: new RecordingTokens(), transitKey: 'cosign' });
    const error = await rejectsWith(open, 'TRANSIT_KEY_TYPE_UNSUPPORTED');
    assert.match(error.message, /'rsa-2048'/);
    assert.match(error.message, /type=ecdsa-p256/);
  });

  test('a missing key: TRANSIT_KEY_NOT_FOUND with the command that creates it', async () => {
    fake = await startFakeVault([{ status: 404, body: { errors: [] } }]);
    const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
    const error = await rejectsWith(
      TransitSigner.open({ client, tokens: new RecordingTokens(), transitKey: 'cosign' }),
      'TRANSIT_KEY_NOT_FOUND',
    );
    assert.ok(error.message.includes('vault write -f transit/keys/cosign type=ecdsa-p256'), error.message);
    assert.ok(error.message.includes(fake.address), error.message);
  });

  test('a missing mount: TRANSIT_KEY_NOT_FOUND that says how to enable transit', async () => {
    fake = await startFakeVault([
      { status: 404, body: { errors: ['no handler for route "x/keys/cosign". route entry not found.'] } },
    ]);
    const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
    const open = TransitSigner.open({ client, tokens: new RecordingTokens(), transitKey: 'cosign', transitPath: 'x' });
    const error = await rejectsWith(open, 'TRANSIT_KEY_NOT_FOUND');
    assert.match(error.message, /secrets enable -path=x transit/);
  });

  const versionCases: [string, number, Record<string, unknown>, RegExp][] = [
    ['above the latest', 3, {}, /the latest version is 2 — pin one of the versions 1, 2 /],
    ['below min_decryption_version (no longer listed)', 1, { min_decryption_version: 2 }, /versions 2 /],
    ['below min_encryption_version', 1, { min_encryption_version: 2 }, /versions 2 /],
  ];
  for (const [name, version, extra, expected] of versionCases) {
    test(`a pinned version ${name}: TRANSIT_KEY_VERSION_UNKNOWN`, async () => {
      const reply = keyReply([newKey(), KEY], extra) as { status: number; body: { data: { keys: object } } };
      if (extra.min_decryption_version) delete (reply.body.data.keys as Record<string, unknown>)['1'];
      fake = await startFakeVault([reply]);
      const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
      const open = TransitSigner.open({
        client,
        tokens: new RecordingTokens(),
        transitKey: 'cosign',
        keyVersion: version,
      });
      const error = await rejectsWith(open, 'TRANSIT_KEY_VERSION_UNKNOWN');
      assert.match(error.message, expected);
    });
  }

  test('bad options are input errors, before any request', async () => {
    fake = await startFakeVault([keyReply([KEY])]);
    const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
    const tokens = new RecordingTokens();
    for (const bad of [
      { batchSize: 0 },
      { batchSize: 1.5 },
      { keyVersion: 0 },
      { transitKey: 'transit/cosign' },
      { transitKey: '' },
      { transitPath: 'a b' },
      { transitPath: 'a//b' },
    ]) {
      await assert.rejects(TransitSigner.open({ client, tokens, transitKey: 'cosign', ...bad }), {
        code: 'INVALID_INPUT',
      });
    }
    assert.equal(fake.requests.length, 0);
  });
});

describe('TransitSigner.signDigests', () => {
  test('7 digests in batches of 3: 3 requests, order kept, out-of-order answers matched by reference', async () => {
    const data = blobs(7);
    const items = signedItems(data, 0, KEY);
    const replies = [
      keyReply([KEY]),
      batchReply(items.slice(0, 3).reverse()),
      batchReply([items[4], items[3], items[5]] as object[]),
      batchReply(items.slice(6)),
    ];
    const { signer, fake: f } = await openSigner(replies, { batchSize: 3 });
    const signatures = await signer.signDigests(data.map(sha256));
    assertVerifies(data, signatures);

    const bodies = signBodies(f);
    assert.equal(bodies.length, 3);
    assert.deepEqual(
      bodies.map((b) => b.batch_input.map((i) => i.reference)),
      [['0', '1', '2'], ['3', '4', '5'], ['6']],
    );
    for (const body of bodies) {
      assert.equal(body.prehashed, true);
      assert.equal(body.marshaling_algorithm, 'asn1');
      assert.equal(body.key_version, 1);
    }
    assert.equal(bodies[0]?.batch_input[1]?.input, sha256(data[1] as Buffer).toString('base64'));
    assert.ok(f.requests.slice(1).every((r) => r.url === '/v1/transit/sign/cosign/sha2-256'));
  });

  test('no digests: no request', async () => {
    const { signer, fake: f } = await openSigner([keyReply([KEY])]);
    assert.deepEqual(await signer.signDigests([]), []);
    assert.equal(f.requests.length, 1);
  });

  test('a digest that is not 32 bytes: TRANSIT_INVALID_DIGEST, nothing sent', async () => {
    const { signer, fake: f } = await openSigner([keyReply([KEY])]);
    const error = await rejectsWith(
      signer.signDigests([sha256(Buffer.from('a')), Buffer.alloc(31)]),
      'TRANSIT_INVALID_DIGEST',
    );
    assert.match(error.message, /digest 1 of 2 is 31 bytes/);
    assert.equal(f.requests.length, 1);
  });

  test('a per-item error (HTTP 200) fails the call with TRANSIT_SIGN_FAILED and the signed count', async () => {
    const data = blobs(5);
    const items: object[] = signedItems(data, 0, KEY);
    items[3] = { key_version: 0, error: 'unable to decode input as base64', reference: '3' };
    const replies = [keyReply([KEY]), batchReply(items.slice(0, 2)), batchReply(items.slice(2, 4))];
    const { signer } = await openSigner(replies, { batchSize: 2 });
    const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_SIGN_FAILED');
    assert.match(error.message, /refused 1 of 2 digests; the first, digest 3: unable to decode input as base64/);
    assert.equal(error.signedCount, 2);
  });

  test('a signature of version 2 while version 1 is pinned: TRANSIT_SIGN_FAILED', async () => {
    const data = blobs(2);
    const replies = [keyReply([KEY, newKey()]), batchReply(signedItems(data, 0, KEY, 2))];
    const { signer } = await openSigner(replies, { keyVersion: 1 });
    const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_SIGN_FAILED');
    assert.match(error.message, /signed with key version 2, but version 1 is pinned/);
  });

  const malformed: [string, (items: object[]) => object[], RegExp][] = [
    ['a missing result', (items) => items.slice(1), /2 results for 3 digests/],
    ['a duplicated reference', (items) => [items[0], items[0], items[2]] as object[], /unexpected reference "0"/],
    [
      'a foreign reference',
      (items) => [...items.slice(0, 2), { ...items[2], reference: '9' }],
      /unexpected reference "9"/,
    ],
    [
      'a signature without the vault: prefix',
      (items) => [...items.slice(0, 2), { ...items[2], signature: 'MEUC' }],
      /vault:v<N>/,
    ],
    [
      'a signature that is not DER',
      (items) => [...items.slice(0, 2), { ...items[2], signature: 'vault:v1:AAAA' }],
      /not an ASN\.1 DER/,
    ],
  ];
  for (const [name, mangle, expected] of malformed) {
    test(`${name}: TRANSIT_SIGN_FAILED`, async () => {
      const data = blobs(3);
      const { signer } = await openSigner([keyReply([KEY]), batchReply(mangle(signedItems(data, 0, KEY)))]);
      const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_SIGN_FAILED');
      assert.match(error.message, expected);
    });
  }

  test('5xx is retried by the client; when retries run out, TRANSIT_SIGN_FAILED says what was signed', async () => {
    const data = blobs(7);
    const items = signedItems(data, 0, KEY);
    const replies: Reply[] = [
      keyReply([KEY]),
      batchReply(items.slice(0, 3)),
      { status: 503, body: { errors: ['standby'] } },
      batchReply(items.slice(3, 6)),
      { status: 500, body: { errors: ['internal error'] } },
    ];
    fake = await startFakeVault(replies);
    const client = new VaultClient({
      address: fake.address,
      retryPolicy: { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 40 },
    });
    const signer = await TransitSigner.open({
      client,
      tokens: new RecordingTokens(),
      transitKey: 'cosign',
      batchSize: 3,
    });
    const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_SIGN_FAILED');
    assert.equal(error.signedCount, 6);
    assert.equal(error.status, 500);
    assert.match(error.message, /500 internal error/);
    assert.match(error.message, /6 of the 7 digests were signed/);
    assert.ok(error.message.includes(fake.address) && error.message.includes("'cosign'"), error.message);
  });

  test('a batch Vault refuses as too complex is halved, and stays halved', async () => {
    const data = blobs(6);
    const items = signedItems(data, 0, KEY);
    const tooComplex = {
      status: 400,
      body: { errors: ['refused JSON input due to high complexity: exceeded maximum number of strings'] },
    };
    const replies = [
      keyReply([KEY]),
      tooComplex,
      batchReply(items.slice(0, 2)),
      batchReply(items.slice(2, 4)),
      batchReply(items.slice(4)),
    ];
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warning: (m: string) => warnings.push(m) };
    const { signer, fake: f } = await openSigner(replies, { batchSize: 4, logger });
    assertVerifies(data, await signer.signDigests(data.map(sha256)));
    assert.deepEqual(
      signBodies(f).map((b) => b.batch_input.length),
      [4, 2, 2, 2],
    );
    assert.equal(signer.batchSize, 2);
    assert.equal(warnings.length, 1);
  });

  test("HashiCorp Vault's 500 for a JSON array over its limit is not retried: the batch is halved", async () => {
    const data = blobs(4);
    const items = signedItems(data, 0, KEY);
    const overLimit = { status: 500, body: { errors: ['JSON array exceeds allowed element count'] } };
    const replies = [keyReply([KEY]), overLimit, batchReply(items.slice(0, 2)), batchReply(items.slice(2))];
    const { signer, fake: f } = await openSigner(replies, { batchSize: 4 });
    assertVerifies(data, await signer.signDigests(data.map(sha256)));
    assert.deepEqual(
      signBodies(f).map((b) => b.batch_input.length),
      [4, 2, 2],
    );
  });

  test('the key deleted while signing: TRANSIT_KEY_NOT_FOUND with the signed count', async () => {
    const data = blobs(4);
    const replies = [
      keyReply([KEY]),
      batchReply(signedItems(data.slice(0, 2), 0, KEY)),
      { status: 400, body: { errors: ['signing key not found'] } },
    ];
    const { signer } = await openSigner(replies, { batchSize: 2 });
    const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_KEY_NOT_FOUND');
    assert.equal(error.signedCount, 2);
  });
});
