// TransitSigner against the REAL Vault server of the local stack (scripts/stack/up.sh; OpenBao or
// HashiCorp Vault as STACK_VAULT chooses): batches,
// signatures checked by node:crypto, real cosign and @sigstore/verify, least privilege with real
// login tokens, key types, rotation on a private key, and a revoked token being replaced.
// Besides the signer, it pins each server's facts the signer relies on (the request limits
// behind the batch size), so an upgrade that changes them fails here.
import assert from 'node:assert/strict';
import { createHash, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeRun, loadStackEnv, run, type StackEnv } from '../helpers/stack-env.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { transitPublicKeyPem, vaultFetch } from '../helpers/vault-admin.ts';
import { BundleBuilder, bundleJson } from '../../src/core/signing/bundle-builder.ts';
import { WorkloadApiClient } from '../../src/core/spiffe/client.ts';
import { VaultClient } from '../../src/core/vault/client.ts';
import { loginWithJwt, revokeSelf } from '../../src/core/vault/token.ts';
import {
  DEFAULT_TRANSIT_BATCH_SIZE,
  TransitError,
  TransitSigner,
  type TokenProvider,
  type TransitSignerOptions,
} from '../../src/core/vault/transit.ts';
import { rejection } from '../helpers/rejection.ts';

let stack: StackEnv;
let client: VaultClient;
let workDir: string;
const privateKeys: string[] = [];
const suffix = randomBytes(4).toString('hex');

/** A provider that always hands out the same token (the admin's, for set-up and most tests). */
const fixed = (token: string): TokenProvider => ({
  getToken: async () => token,
  renewToken: async () => assert.fail('renewToken should not be called'),
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

before(() => {
  stack = loadStackEnv();
  client = new VaultClient({ address: stack.VAULT_ADDR });
  workDir = mkdtempSync(join(tmpdir(), 'transit-it-'));
});

after(async () => {
  for (const name of privateKeys) {
    await vaultFetch(stack, `transit/keys/${name}/config`, { method: 'POST', body: { deletion_allowed: true } });
    await vaultFetch(stack, `transit/keys/${name}`, { method: 'DELETE' });
  }
  rmSync(workDir, { recursive: true, force: true });
});

async function admin(path: string, body?: unknown, method = 'POST'): Promise<Record<string, unknown>> {
  const r = await vaultFetch(stack, path, { method, ...(body !== undefined ? { body } : {}) });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body.errors)}`);
  return r.body;
}

async function privateKey(prefix: string, type: string): Promise<string> {
  const name = `${prefix}-${suffix}`;
  await admin(`transit/keys/${name}`, { type });
  privateKeys.push(name);
  return name;
}

/** A child token of the admin with the given policies. */
async function childToken(policies: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const body = await admin('auth/token/create', { policies, ttl: '5m', ...extra });
  return (body.auth as { client_token: string }).client_token;
}

/** A real login: JWT-SVID from the SPIRE agent, exchanged at auth/jwt for `role`. */
async function roleToken(role: string): Promise<string> {
  const workload = new WorkloadApiClient({ address: stack.SPIFFE_ENDPOINT_SOCKET, timeoutMs: 20_000 });
  try {
    const svid = await workload.fetchJwtSvid({ audiences: [stack.STACK_AUDIENCE] });
    const token = await loginWithJwt(client, {
      authPath: 'jwt',
      role,
      jwt: svid.token,
      audience: stack.STACK_AUDIENCE,
    });
    return token.token;
  } finally {
    workload.close();
  }
}

function open(options: Partial<TransitSignerOptions> & { tokens?: TokenProvider } = {}): Promise<TransitSigner> {
  return TransitSigner.open({
    client,
    tokens: fixed(stack.STACK_ADMIN_TOKEN),
    transitKey: stack.STACK_TRANSIT_KEY,
    ...options,
  });
}

const rejectionOf = (promise: Promise<unknown>, code: string) => rejection(promise, TransitError, code);

/** `cosign verify-blob --key pub.pem --signature sig --insecure-ignore-tlog=true blob`. */
function cosignVerifyBlob(name: string, blob: Buffer, publicKeyPem: string, signature: Buffer) {
  const dir = mkdtempSync(join(workDir, `${name}-`));
  writeFileSync(join(dir, 'blob'), blob);
  writeFileSync(join(dir, 'pub.pem'), publicKeyPem);
  writeFileSync(join(dir, 'sig.b64'), signature.toString('base64'));
  return run(
    `${stack.STACK_BIN}/cosign`,
    ['verify-blob', '--key', 'pub.pem', '--signature', 'sig.b64', '--insecure-ignore-tlog=true', 'blob'],
    { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } },
  );
}

describe('TransitSigner against the real OpenBao', () => {
  test('600 digests in batches: every signature verifies (node:crypto), samples with real cosign', async () => {
    const requests: string[] = [];
    const logger = { debug: (m: string) => requests.push(m), info() {}, warning() {} };
    const signer = await open({ logger });
    assert.equal(signer.keyVersion, 1);
    assert.equal(signer.publicKeyPem, await transitPublicKeyPem(stack, 1));
    const blobs = Array.from({ length: 600 }, (_, i) => Buffer.from(`artifact ${i} ${suffix}\n`));
    const signatures = await signer.signDigests(blobs.map(sha256));
    assert.equal(signatures.length, 600);
    blobs.forEach((blob, i) =>
      assert.ok(verify('sha256', blob, signer.publicKeyPem, signatures[i] as Buffer), `#${i}`),
    );
    assert.equal(
      requests.filter((m) => m.startsWith('signed digests')).length,
      Math.ceil(600 / DEFAULT_TRANSIT_BATCH_SIZE),
    );

    for (const i of [0, 299, 599]) {
      const ok = cosignVerifyBlob(`sample${i}`, blobs[i] as Buffer, signer.publicKeyPem, signatures[i] as Buffer);
      assert.equal(ok.status, 0, describeRun('cosign verify-blob', ok));
    }
    // A signature of another blob does not verify: cosign really checks.
    const wrong = cosignVerifyBlob('wrong', blobs[1] as Buffer, signer.publicKeyPem, signatures[0] as Buffer);
    assert.notEqual(wrong.status, 0, describeRun('cosign verify-blob (wrong blob)', wrong));
  });

  test('through the bundle stage: message and DSSE bundles that @sigstore/verify and cosign accept', async () => {
    const signer = await open();
    const builder = new BundleBuilder({ signer });
    const data = Buffer.from(`bundle me ${suffix}\n`);
    const statement = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', suffix }));
    const message = { kind: 'message-digest', digest: sha256(data) } as const;
    const dsse = { kind: 'dsse', payloadType: 'application/vnd.in-toto+json', payload: statement } as const;
    const [messageSignature, dsseSignature] = await builder.sign([message, dsse]);
    const messageBundle = await builder.assemble(message, messageSignature as Buffer);
    assert.equal(messageBundle.verificationMaterial.content.$case, 'publicKey');
    await verifyBundleWithKey(bundleJson(messageBundle), data, signer.publicKeyPem, signer.keyHint);
    const dsseBundle = await builder.assemble(dsse, dsseSignature as Buffer);
    await verifyBundleWithKey(bundleJson(dsseBundle), statement, signer.publicKeyPem, signer.keyHint);
    const ok = cosignVerifyBlob('signer', data, signer.publicKeyPem, messageSignature as Buffer);
    assert.equal(ok.status, 0, describeRun('cosign verify-blob', ok));
  });

  /** A sign request body of n referenced digests, as the signer builds it. */
  const batchBody = (n: number) => ({
    batch_input: Array.from({ length: n }, (_, i) => ({
      input: randomBytes(32).toString('base64'),
      reference: String(i),
    })),
    prehashed: true,
    marshaling_algorithm: 'asn1',
    key_version: 1,
  });
  const batchPath = () => `transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256`;

  test('OpenBao refuses more than 248 referenced digests per request; a larger batch size is halved', async (t) => {
    if (stack.STACK_VAULT !== 'openbao') return t.skip('an OpenBao limit');
    // max_request_json_strings (default 1000) counts keys and values: 5 + 4n strings per body.
    assert.equal((await vaultFetch(stack, batchPath(), { method: 'POST', body: batchBody(248) })).status, 200);
    const refused = await vaultFetch(stack, batchPath(), { method: 'POST', body: batchBody(249) });
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body.errors), /high complexity/);
    assert.ok(DEFAULT_TRANSIT_BATCH_SIZE <= 248);

    const warnings: string[] = [];
    const signer = await open({ batchSize: 1000, logger: { debug() {}, info() {}, warning: (m) => warnings.push(m) } });
    const blobs = Array.from({ length: 300 }, (_, i) => Buffer.from(`big batch ${i}`));
    const signatures = await signer.signDigests(blobs.map(sha256));
    blobs.forEach((blob, i) => assert.ok(verify('sha256', blob, signer.publicKeyPem, signatures[i] as Buffer)));
    assert.ok(signer.batchSize <= 248, `batch size now ${signer.batchSize}`);
    assert.ok(warnings.length >= 1);
  });

  test('HashiCorp Vault takes 1000 digests per request and caps a JSON array at 10,000 elements (HTTP 500)', async (t) => {
    if (stack.STACK_VAULT !== 'hashicorp') return t.skip('a HashiCorp Vault limit');
    // No JSON string count: only the listener's max_json_array_element_count (default 10,000).
    assert.equal((await vaultFetch(stack, batchPath(), { method: 'POST', body: batchBody(1000) })).status, 200);
    const refused = await vaultFetch(stack, batchPath(), { method: 'POST', body: batchBody(10_001) });
    assert.equal(refused.status, 500);
    assert.match(JSON.stringify(refused.body.errors), /exceeds allowed element count/);

    const warnings: string[] = [];
    const signer = await open({ batchSize: 1000, logger: { debug() {}, info() {}, warning: (m) => warnings.push(m) } });
    const blobs = Array.from({ length: 300 }, (_, i) => Buffer.from(`big batch ${i}`));
    const signatures = await signer.signDigests(blobs.map(sha256));
    blobs.forEach((blob, i) => assert.ok(verify('sha256', blob, signer.publicKeyPem, signatures[i] as Buffer)));
    assert.equal(signer.batchSize, 1000, 'no refusal, so no halving');
    assert.deepEqual(warnings, []);
  });

  test('a role `ci` login token (the least-privilege policy) can open and sign', async () => {
    const token = await roleToken(stack.STACK_ROLE);
    try {
      const signer = await open({ tokens: fixed(token) });
      const blobs = [Buffer.from('least'), Buffer.from('privilege')];
      const signatures = await signer.signDigests(blobs.map(sha256));
      blobs.forEach((blob, i) => assert.ok(verify('sha256', blob, signer.publicKeyPem, signatures[i] as Buffer)));
    } finally {
      await revokeSelf(client, token);
    }
  });

  test('the policy alone suffices: a token with only that policy, not even `default`, signs', async () => {
    const token = await childToken(['ci-sign'], { no_default_policy: true });
    const signer = await open({ tokens: fixed(token) });
    const [signature] = await signer.signDigests([sha256(Buffer.from('policy only'))]);
    assert.ok(verify('sha256', Buffer.from('policy only'), signer.publicKeyPem, signature as Buffer));
  });

  test('a role `ci-nosign` token: TRANSIT_PERMISSION_DENIED naming the sign path and the policy', async () => {
    const token = await roleToken(stack.STACK_ROLE_NOSIGN);
    try {
      const signer = await open({ tokens: fixed(token) }); // reading the key is allowed
      const error = await rejectionOf(signer.signDigests([sha256(Buffer.from('x'))]), 'TRANSIT_PERMISSION_DENIED');
      assert.ok(!error.message.includes(token), 'the token leaked into the message');
      const key = stack.STACK_TRANSIT_KEY;
      assert.ok(
        error.message.includes(`lack "update" on 'transit/sign/${key}/sha2-256' (it has ["deny"])`),
        error.message,
      );
      assert.ok(
        error.message.includes(`path "transit/sign/${key}/sha2-256" { capabilities = ["update"] }`),
        error.message,
      );
      assert.ok(error.message.includes(stack.VAULT_ADDR), error.message);
    } finally {
      await revokeSelf(client, token);
    }
  });

  test('a key of another type: TRANSIT_KEY_TYPE_UNSUPPORTED', async () => {
    const name = await privateKey('rsa', 'rsa-2048');
    const error = await rejectionOf(open({ transitKey: name }), 'TRANSIT_KEY_TYPE_UNSUPPORTED');
    assert.match(error.message, /type 'rsa-2048'/);
  });

  test('a missing key: TRANSIT_KEY_NOT_FOUND', async () => {
    const error = await rejectionOf(open({ transitKey: `missing-${suffix}` }), 'TRANSIT_KEY_NOT_FOUND');
    assert.ok(error.message.includes(`vault write -f transit/keys/missing-${suffix} type=ecdsa-p256`), error.message);
  });

  test('rotation (a private key): latest is version 2, a pinned 1 stays 1, each verifies only with its own key', async () => {
    const name = await privateKey('rot', 'ecdsa-p256');
    await admin(`transit/keys/${name}/rotate`);
    const latest = await open({ transitKey: name });
    const pinned = await open({ transitKey: name, keyVersion: 1 });
    assert.equal(latest.keyVersion, 2);
    assert.equal(pinned.keyVersion, 1);
    assert.notEqual(latest.publicKeyPem, pinned.publicKeyPem);
    assert.notEqual(latest.keyHint, pinned.keyHint);
    const blob = Buffer.from(`rotated ${suffix}`);
    const [v2] = await latest.signDigests([sha256(blob)]);
    const [v1] = await pinned.signDigests([sha256(blob)]);
    assert.ok(verify('sha256', blob, latest.publicKeyPem, v2 as Buffer));
    assert.ok(!verify('sha256', blob, pinned.publicKeyPem, v2 as Buffer));
    assert.ok(verify('sha256', blob, pinned.publicKeyPem, v1 as Buffer));
    assert.ok(!verify('sha256', blob, latest.publicKeyPem, v1 as Buffer));

    await admin(`transit/keys/${name}/config`, { min_decryption_version: 2 });
    await rejectionOf(open({ transitKey: name, keyVersion: 1 }), 'TRANSIT_KEY_VERSION_UNKNOWN');
    // The signer opened before pinned version 1; Vault now refuses it per item.
    const error = await rejectionOf(pinned.signDigests([sha256(blob)]), 'TRANSIT_SIGN_FAILED');
    assert.match(error.message, /no such key version/);
  });

  test('a revoked token: renewToken gets a fresh one and the same batch succeeds', async () => {
    let current = await childToken(['ci-sign']);
    const revoked = current;
    const renewed: boolean[] = [];
    const tokens: TokenProvider = {
      getToken: async () => current,
      renewToken: async (rejected) => {
        renewed.push(rejected === revoked);
        current = await childToken(['ci-sign']);
        return current;
      },
    };
    const signer = await open({ tokens });
    assert.equal((await vaultFetch(stack, 'auth/token/revoke-self', { method: 'POST', token: revoked })).status, 204);
    const blobs = Array.from({ length: 5 }, (_, i) => Buffer.from(`after revocation ${i}`));
    const signatures = await signer.signDigests(blobs.map(sha256));
    assert.deepEqual(renewed, [true]);
    blobs.forEach((blob, i) => assert.ok(verify('sha256', blob, signer.publicKeyPem, signatures[i] as Buffer)));
  });
});
