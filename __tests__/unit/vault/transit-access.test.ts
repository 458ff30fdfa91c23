// TransitSigner on a 403: a dead token (lookup-self denied too) is renewed and the same batch is
// sent once more; missing rights become TRANSIT_PERMISSION_DENIED naming path and policy.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { TransitSigner } from '../../../src/core/vault/transit.ts';
import { FAST_RETRY, startFakeVault, type FakeVault, type Reply } from './fake-vault.ts';
import {
  batchReply,
  DENIED,
  FRESH_TOKEN,
  keyReply,
  LOOKUP_OK,
  newKey,
  POLICY_DENIED,
  RecordingTokens,
  rejectsWith,
  sha256,
  signedItems,
  TOKEN,
} from './transit-fixtures.ts';

let fake: FakeVault | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const KEY = newKey();
const POLICY = [
  'path "transit/keys/cosign" { capabilities = ["read"] }',
  'path "transit/sign/cosign/sha2-256" { capabilities = ["update"] }',
].join('\n');

async function setUp(replies: readonly Reply[], tokens = new RecordingTokens()) {
  fake = await startFakeVault(replies);
  const client = new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY });
  return { client, tokens, f: fake };
}

const calls = (f: FakeVault) =>
  f.requests.map((r) => `${r.method} ${r.url} ${r.headers['x-vault-token'] === TOKEN ? 'old' : 'new'}`);

describe('a dead token', () => {
  test('403 on sign and on lookup-self: renewToken once, the same batch again, no other batch twice', async () => {
    const data = Array.from({ length: 7 }, (_, i) => Buffer.from(`file ${i}`));
    const items = signedItems(data, 0, KEY);
    const replies = [
      keyReply([KEY]),
      batchReply(items.slice(0, 3)),
      DENIED, // second batch: the token expired
      DENIED, // lookup-self: dead
      batchReply(items.slice(3, 6)), // second batch again, new token
      batchReply(items.slice(6)),
    ];
    const { client, tokens, f } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign', batchSize: 3 });
    const signatures = await signer.signDigests(data.map(sha256));
    assert.equal(signatures.length, 7);
    assert.deepEqual(tokens.renewed, [TOKEN]);
    assert.deepEqual(calls(f), [
      'GET /v1/transit/keys/cosign old',
      'POST /v1/transit/sign/cosign/sha2-256 old',
      'POST /v1/transit/sign/cosign/sha2-256 old',
      'GET /v1/auth/token/lookup-self old',
      'POST /v1/transit/sign/cosign/sha2-256 new',
      'POST /v1/transit/sign/cosign/sha2-256 new',
    ]);
    const refs = f.requests
      .filter((r) => r.url.includes('/sign/'))
      .map((r) =>
        (JSON.parse(r.body) as { batch_input: { reference: string }[] }).batch_input.map((i) => i.reference).join(','),
      );
    assert.deepEqual(refs, ['0,1,2', '3,4,5', '3,4,5', '6']);
  });

  test('a dead token at open: renewed, and the key is read with the new one', async () => {
    const replies = [DENIED, DENIED, keyReply([KEY])];
    const { client, tokens, f } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    assert.equal(signer.keyVersion, 1);
    assert.deepEqual(tokens.renewed, [TOKEN]);
    assert.equal(f.requests[2]?.headers['x-vault-token'], FRESH_TOKEN);
  });

  test("HashiCorp Vault's 403 names the invalid token: renewed without asking lookup-self", async () => {
    const vaultInvalidToken = {
      status: 403,
      body: { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] },
    };
    const { client, tokens, f } = await setUp([vaultInvalidToken, keyReply([KEY])]);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    assert.equal(signer.keyVersion, 1);
    assert.deepEqual(tokens.renewed, [TOKEN]);
    assert.deepEqual(calls(f), ['GET /v1/transit/keys/cosign old', 'GET /v1/transit/keys/cosign new']);
  });

  test('a denial carries its finding: the reason, the answer and the policy lines', async () => {
    const replies = [
      keyReply([KEY]),
      DENIED,
      LOOKUP_OK,
      { status: 200, body: { data: { 'transit/sign/cosign/sha2-256': ['deny'] } } },
    ];
    const { client, tokens } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    const error = await rejectsWith(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
    assert.equal(error.finding?.reason, 'capability-missing');
    assert.equal(error.finding?.answer, '403 permission denied');
    assert.deepEqual(error.finding?.policy, POLICY.split('\n'));
  });

  test('the provider cannot renew: TRANSIT_TOKEN_EXPIRED with the cause and the signed count', async () => {
    const data = Array.from({ length: 4 }, (_, i) => Buffer.from(`file ${i}`));
    const replies = [keyReply([KEY]), batchReply(signedItems(data.slice(0, 2), 0, KEY)), DENIED, DENIED];
    const tokens = new RecordingTokens();
    tokens.failRenewal = new Error('the JWT-SVID could not be fetched');
    const { client, f } = await setUp(replies, tokens);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign', batchSize: 2 });
    const error = await rejectsWith(signer.signDigests(data.map(sha256)), 'TRANSIT_TOKEN_EXPIRED');
    assert.equal(error.signedCount, 2);
    assert.equal(error.cause, tokens.failRenewal);
    assert.match(error.message, /JWT-SVID could not be fetched/);
    assert.equal(f.requests.length, 4);
  });

  test('the new token is denied too: TRANSIT_PERMISSION_DENIED after one renewal, no loop', async () => {
    const replies = [keyReply([KEY]), DENIED, DENIED, POLICY_DENIED, DENIED];
    const { client, tokens, f } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    const error = await rejectsWith(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
    assert.deepEqual(tokens.renewed, [TOKEN]);
    assert.match(error.message, /also with a new token/);
    assert.match(error.message, /may not ask for its own capabilities/);
    assert.ok(error.message.includes(POLICY), error.message);
    assert.equal(f.requests.length, 5); // keys, sign, lookup-self, sign (new), capabilities-self
  });
});

describe('missing rights', () => {
  test('403 on sign, lookup-self fine: capabilities-self names the path, the message holds the policy', async () => {
    const capabilities = {
      status: 200,
      body: {
        'transit/keys/cosign': ['read'],
        'transit/sign/cosign/sha2-256': ['deny'],
        data: { 'transit/keys/cosign': ['read'], 'transit/sign/cosign/sha2-256': ['deny'] },
      },
    };
    const replies = [keyReply([KEY]), POLICY_DENIED, LOOKUP_OK, capabilities];
    const { client, tokens, f } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    const error = await rejectsWith(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
    assert.deepEqual(tokens.renewed, []);
    assert.equal(error.status, 403);
    assert.match(error.message, /Vault denied signing with transit key 'cosign' \(mount 'transit'\)/);
    assert.match(error.message, /\(403 permission denied\)/);
    assert.match(error.message, /lack "update" on 'transit\/sign\/cosign\/sha2-256' \(it has \["deny"\]\)/);
    assert.doesNotMatch(error.message, /"read" on/);
    assert.ok(error.message.endsWith(POLICY), error.message);
    assert.deepEqual(JSON.parse(f.requests[3]?.body ?? ''), {
      paths: ['transit/keys/cosign', 'transit/sign/cosign/sha2-256'],
    });
    assert.equal(f.requests[3]?.url, '/v1/sys/capabilities-self');
  });

  test('403 reading the key: both missing capabilities are named', async () => {
    const capabilities = {
      status: 200,
      body: { data: { 'transit/keys/cosign': ['deny'], 'transit/sign/cosign/sha2-256': ['deny'] } },
    };
    const { client, tokens } = await setUp([POLICY_DENIED, LOOKUP_OK, capabilities]);
    const error = await rejectsWith(
      TransitSigner.open({ client, tokens, transitKey: 'cosign' }),
      'TRANSIT_PERMISSION_DENIED',
    );
    assert.match(error.message, /reading the public key of/);
    assert.match(
      error.message,
      /"read" on 'transit\/keys\/cosign'.* and "update" on 'transit\/sign\/cosign\/sha2-256'/,
    );
  });

  test('capabilities-self denied as well: the policy is still given', async () => {
    const replies = [keyReply([KEY]), POLICY_DENIED, LOOKUP_OK, POLICY_DENIED];
    const { client, tokens } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    const error = await rejectsWith(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
    assert.match(error.message, /may not ask for its own capabilities \(sys\/capabilities-self: 403 permission denied/);
    assert.ok(error.message.includes(POLICY), error.message);
  });

  test('capabilities granted yet denied: says so', async () => {
    const capabilities = {
      status: 200,
      body: { data: { 'transit/keys/cosign': ['read'], 'transit/sign/cosign/sha2-256': ['update'] } },
    };
    const replies = [keyReply([KEY]), POLICY_DENIED, LOOKUP_OK, capabilities];
    const { client, tokens } = await setUp(replies);
    const signer = await TransitSigner.open({ client, tokens, transitKey: 'cosign' });
    const error = await rejectsWith(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
    assert.match(error.message, /reports the needed capabilities yet refused/);
  });
});
