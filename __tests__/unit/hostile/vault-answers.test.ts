// A broken Vault, through a real `spiffe-vault sign-blob` run: malformed JSON, a transit batch of
// the wrong length or out of order. Each is caught, named by its code, and no signature is written.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'node:crypto';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { runCli } from '../../../src/cli/cli.ts';
import { createStderrLogger } from '../../../src/cli/logger.ts';
import { errorCode } from '../../../src/core/errors.ts';
import { signBlobs } from '../../../src/core/signing/blob-signing.ts';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { FixedTokenProvider } from '../../../src/core/vault/session.ts';
import { TransitSigner } from '../../../src/core/vault/transit.ts';
import { MAX_VAULT_RESPONSE_BYTES } from '../../../src/core/vault/transport.ts';
import { FakeAgent, Signer, SPIFFE_ID } from '../spiffe/fake-agent.ts';
import { KEY_NAME, ScriptedVault, type SignItem } from './scripted-vault.ts';

const ENV_TOKEN = 's.env-token-0123456789abcdef';
const MINTED = 'hvs.CAESIMinted-token-that-must-never-be-printed';
const FILES = ['a.txt', 'b.txt', 'c.txt'];

let vault: ScriptedVault;
let dir: string;
const dirs: string[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-vault-'));
  dirs.push(dir);
  const contents = FILES.map((name, i) => Buffer.from(`artifact ${i}\n`));
  FILES.forEach((name, i) => writeFileSync(join(dir, name), contents[i] as Buffer));
  vault = await new ScriptedVault().knows(contents).start();
});
afterEach(() => vault.stop());
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function signBlob(
  extra: { args?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number; err: string }> {
  let err = '';
  const env = { VAULT_ADDR: vault.address, VAULT_TOKEN: ENV_TOKEN, ...extra.env };
  const logger = createStderrLogger(env, (text) => {
    err += text;
    return true;
  });
  const argv = ['sign-blob', '--transit-key', KEY_NAME, '--timeout', '5s', ...(extra.args ?? []), ...FILES];
  const status = await runCli(argv, { env, cwd: dir, logger, out: () => undefined });
  return { status, err };
}

/** Only the inputs are in the directory: no .sig, no bundle, no public key, no temp file. */
function assertNothingWritten(): void {
  assert.deepEqual(readdirSync(dir).sort(), [...FILES].sort());
}

function assertFailedWith(result: { status: number; err: string }, code: string): void {
  assert.equal(result.status, 1, result.err);
  assert.match(result.err, new RegExp(`\\[${code}\\]`), result.err);
}

describe('malformed JSON', () => {
  test('a sign answer that is an HTML page (200): TRANSIT_SIGN_FAILED, not retried, nothing written', async () => {
    vault.route = (e) => (e.path.includes('/sign/') ? { raw: '<html><body>Proxy login</body></html>' } : undefined);
    const result = await signBlob();
    assertFailedWith(result, 'TRANSIT_SIGN_FAILED');
    assert.match(result.err, /not JSON/);
    assert.equal(vault.signRequests().length, 1);
    assertNothingWritten();
  });

  test('a truncated key read: VAULT_ANSWER_INVALID, nothing signed', async () => {
    vault.route = (e) => (e.path.includes('/keys/') ? { raw: '{"data":{"type":"ecdsa-p256","keys":{"1":' } : undefined);
    assertFailedWith(await signBlob(), 'VAULT_ANSWER_INVALID');
    assert.equal(vault.signRequests().length, 0);
    assertNothingWritten();
  });

  test('a sign answer larger than MAX_VAULT_RESPONSE_BYTES: refused, nothing written', async () => {
    const huge = `{"data":{"batch_results":[],"pad":"${'x'.repeat(MAX_VAULT_RESPONSE_BYTES)}"}}`;
    vault.route = (e) => (e.path.includes('/sign/') ? { raw: huge } : undefined);
    const result = await signBlob();
    assertFailedWith(result, 'TRANSIT_SIGN_FAILED');
    assert.match(result.err, /larger than/);
    assertNothingWritten();
  });

  describe('a login answer cut off after the token', () => {
    let agent: FakeAgent;
    beforeEach(async () => {
      agent = await FakeAgent.create();
      const signer = await Signer.create();
      agent.onFetchJwtSvid = async () => [{ spiffe_id: SPIFFE_ID, svid: await signer.token(), hint: '' }];
      await agent.start();
    });
    afterEach(() => agent.stop());

    test('VAULT_ANSWER_INVALID, the token fragment never printed, the login not repeated', async () => {
      vault.route = (e) =>
        e.path === '/v1/auth/jwt/login' ? { raw: `{"auth":{"client_token":"${MINTED}","accessor":"a` } : undefined;
      const result = await signBlob({
        args: ['--role', 'ci'],
        env: { VAULT_TOKEN: undefined, SPIFFE_ENDPOINT_SOCKET: agent.address },
      });
      assertFailedWith(result, 'VAULT_ANSWER_INVALID');
      assert.ok(!result.err.includes(MINTED.slice(0, 12)), result.err);
      assert.equal(vault.seen.filter((e) => e.path === '/v1/auth/jwt/login').length, 1);
      assertNothingWritten();
    });
  });
});

describe('a transit batch answer', () => {
  const cases: [string, (items: SignItem[]) => unknown[], RegExp][] = [
    ['one result short', (items) => items.slice(1), /2 results for 3 digests/],
    ['one result too many', (items) => [...items, { ...items[0], reference: '3' }], /unexpected reference "3"/],
    ['a result twice, another missing', (items) => [items[0], items[1], items[1]], /unexpected reference "1"/],
    ['no results at all', () => [], /0 results for 3 digests/],
    [
      'results without references, in another order',
      (items) => items.reverse().map((item) => ({ signature: item.signature, key_version: item.key_version })),
      /unexpected reference of type undefined/,
    ],
    ['not an array', () => ({ 0: 'x' }) as unknown as unknown[], /no data\.batch_results/],
  ];
  for (const [name, mangle, message] of cases) {
    test(`${name}: TRANSIT_SIGN_FAILED, nothing written`, async () => {
      vault.mangle = mangle;
      const result = await signBlob();
      assertFailedWith(result, 'TRANSIT_SIGN_FAILED');
      assert.match(result.err, message);
      assertNothingWritten();
    });
  }

  test('results in another order, each with its reference: put back in order, every .sig verifies', async () => {
    vault.mangle = (items) => [items[2], items[0], items[1]];
    const result = await signBlob();
    assert.equal(result.status, 0, result.err);
    for (const name of FILES) {
      const signature = Buffer.from(readFileSync(join(dir, `${name}.sig`), 'utf8'), 'base64');
      assert.ok(verify('sha256', readFileSync(join(dir, name)), vault.publicKey, signature), `${name}.sig verifies`);
    }
  });

  test('the second of two batches broken: the first batch written and listed, the second not', async () => {
    let call = 0;
    vault.mangle = (items) => (++call === 2 ? items.slice(1) : items);
    const signer = await TransitSigner.open({
      client: new VaultClient({
        address: vault.address,
        retryPolicy: { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 500 },
      }),
      tokens: new FixedTokenProvider(ENV_TOKEN),
      transitKey: KEY_NAME,
      batchSize: 2,
    });
    const files = FILES.map((name) => join(dir, name));
    const error = await signBlobs({ files, signer, groupSize: 2 }).then(
      () => assert.fail('a short batch answer was accepted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof SigningError && error.code === 'SIGNING_INTERRUPTED', String(error));
    assert.deepEqual(
      error.signed.map((s) => s.path),
      files.slice(0, 2),
    );
    assert.equal(errorCode(error), ' [TRANSIT_SIGN_FAILED]');
    assert.deepEqual(
      readdirSync(dir).sort(),
      [...FILES, 'a.txt.sig', 'a.txt.sigstore.json', 'b.txt.sig', 'b.txt.sigstore.json'].sort(),
    );
  });
});
