// sign-blobs: the action signs files with the transit key; real cosign and @sigstore/verify
// accept every signature and bundle, and reject tampered files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');

interface SignedBlobOutput {
  path: string;
  sha256: string;
  signature: string;
  bundle?: string;
  keyVersion: number;
}

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function inputsFor(extra: Record<string, string> = {}): Record<string, string> {
  return actionInputs(stack, { timeout: '30s', ...extra });
}

function workspace(files: number, prefix = 'artifact'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ws-'));
  mkdirSync(join(dir, 'out'));
  for (let i = 0; i < files; i++)
    writeFileSync(join(dir, 'out', `${prefix}-${i}.bin`), `artifact ${i} ${Math.random()}\n`);
  return dir;
}

function cosign(args: readonly string[], env: Record<string, string> = {}) {
  return run(`${stack.STACK_BIN}/cosign`, args, { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env } });
}

function signedBlobs(result: StepResult): SignedBlobOutput[] {
  return JSON.parse(result.outputs['signed-blobs'] ?? '[]') as SignedBlobOutput[];
}

describe('sign-blobs', () => {
  const runner = new ActionsRunner();
  let dir: string;
  let main: StepResult;

  before(async () => {
    dir = workspace(5);
    main = await runner.runStep(MAIN, inputsFor({ 'sign-blobs': 'out/*.bin\n!out/artifact-4.bin' }), {
      GITHUB_WORKSPACE: dir,
    });
  });

  test('signs the matched files and says what it signed', () => {
    assert.equal(main.status, 0, main.stdout);
    const blobs = signedBlobs(main);
    assert.deepEqual(
      blobs.map((b) => basename(b.path)),
      ['artifact-0.bin', 'artifact-1.bin', 'artifact-2.bin', 'artifact-3.bin'],
    );
    assert.equal(main.outputs['key-version'], '1');
    assert.match(main.outputs['public-key'] ?? '', /-----BEGIN PUBLIC KEY-----/);
    assert.equal(readFileSync(main.outputs['public-key-path'] ?? '', 'utf8'), main.outputs['public-key']);
    for (const blob of blobs) {
      assert.equal(blob.signature, `${blob.path}.sig`);
      assert.equal(blob.bundle, `${blob.path}.sigstore.json`);
      assert.equal(blob.keyVersion, 1);
    }
    assert.match(main.summary, /artifact-0\.bin/);
  });

  test('cosign verify-blob accepts every signature file and bundle, and rejects a tampered file', () => {
    const pub = main.outputs['public-key-path'] ?? '';
    for (const blob of signedBlobs(main)) {
      const sig = cosign([
        'verify-blob',
        '--key',
        pub,
        '--signature',
        blob.signature,
        '--insecure-ignore-tlog=true',
        blob.path,
      ]);
      assert.equal(sig.status, 0, sig.stderr);
      const bundle = cosign([
        'verify-blob',
        '--key',
        pub,
        '--bundle',
        blob.bundle ?? '',
        '--insecure-ignore-tlog=true',
        blob.path,
      ]);
      assert.equal(bundle.status, 0, bundle.stderr);
    }
    const victim = signedBlobs(main)[0] as SignedBlobOutput;
    const tampered = join(dir, 'tampered.bin');
    writeFileSync(tampered, `${readFileSync(victim.path, 'utf8')}x`);
    assert.notEqual(
      cosign(['verify-blob', '--key', pub, '--signature', victim.signature, '--insecure-ignore-tlog=true', tampered])
        .status,
      0,
    );
    assert.notEqual(
      cosign(['verify-blob', '--key', pub, '--bundle', victim.bundle ?? '', '--insecure-ignore-tlog=true', tampered])
        .status,
      0,
    );
  });

  test('cosign verify-blob --key hashivault:// accepts them with the exported token', () => {
    const env = { VAULT_ADDR: main.env.VAULT_ADDR ?? '', VAULT_TOKEN: main.env.VAULT_TOKEN ?? '' };
    for (const blob of signedBlobs(main)) {
      const r = cosign(
        [
          'verify-blob',
          '--key',
          `hashivault://${stack.STACK_TRANSIT_KEY}`,
          '--signature',
          blob.signature,
          '--insecure-ignore-tlog=true',
          blob.path,
        ],
        env,
      );
      assert.equal(r.status, 0, r.stderr);
    }
  });

  test('@sigstore/verify accepts every bundle and rejects a tampered artifact', async () => {
    const pem = main.outputs['public-key'] ?? '';
    for (const blob of signedBlobs(main)) {
      const bundle: unknown = JSON.parse(readFileSync(blob.bundle ?? '', 'utf8'));
      await verifyBundleWithKey(bundle, readFileSync(blob.path), pem);
      await assert.rejects(
        verifyBundleWithKey(bundle, Buffer.concat([readFileSync(blob.path), Buffer.from('x')]), pem),
      );
    }
  });

  test('the post step revokes the token', async () => {
    const post = await runner.runStep(POST, inputsFor({}));
    assert.equal(post.status, 0);
    assert.equal((await lookupSelfStatus(stack, main.env.VAULT_TOKEN ?? '')).status, 403);
  });
});

describe('sign-blobs options and errors', () => {
  test('signature-dir and bundle: false', async () => {
    const dir = workspace(2);
    const sigs = join(dir, 'signatures');
    const result = await new ActionsRunner().runStep(
      MAIN,
      inputsFor({ 'sign-blobs': 'out/*.bin', 'signature-dir': sigs, bundle: 'false', revoke: 'false' }),
      { GITHUB_WORKSPACE: dir },
    );
    assert.equal(result.status, 0, result.stdout);
    for (const blob of signedBlobs(result)) {
      assert.equal(blob.signature, join(sigs, `${basename(blob.path)}.sig`));
      assert.equal(blob.bundle, undefined);
    }
    assert.equal(result.outputs['public-key-path'], join(sigs, `${stack.STACK_TRANSIT_KEY}.pub`));
  });

  test('no file matched: error by default, warning or nothing on request', async () => {
    const dir = workspace(0);
    const failed = await new ActionsRunner().runStep(MAIN, inputsFor({ 'sign-blobs': 'out/*.none', revoke: 'false' }), {
      GITHUB_WORKSPACE: dir,
    });
    assert.equal(failed.status, 1);
    assert.match(failed.stdout, /::error::.*\[NO_FILES_MATCHED\].*out\/\*\.none/);
    const warned = await new ActionsRunner().runStep(
      MAIN,
      inputsFor({ 'sign-blobs': 'out/*.none', 'if-no-files-found': 'warn', revoke: 'false' }),
      { GITHUB_WORKSPACE: dir },
    );
    assert.equal(warned.status, 0, warned.stdout);
    assert.match(warned.stdout, /::warning::.*out\/\*\.none/);
  });

  test('a token without sign rights: 403 names the path and shows the policy', async () => {
    const dir = workspace(1);
    const result = await new ActionsRunner().runStep(
      MAIN,
      inputsFor({ role: stack.STACK_ROLE_NOSIGN, 'sign-blobs': 'out/*.bin', revoke: 'false' }),
      { GITHUB_WORKSPACE: dir },
    );
    assert.equal(result.status, 1);
    const error = result.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '';
    assert.match(error, /\[TRANSIT_PERMISSION_DENIED\]/);
    assert.match(error, /transit\/sign\/cosign/);
    assert.match(error, /capabilities = \["update"\]/);
  });

  test('a missing key and a bad key-version are clear errors', async () => {
    const dir = workspace(1);
    const missing = await new ActionsRunner().runStep(
      MAIN,
      inputsFor({ 'sign-blobs': 'out/*.bin', 'transit-key': 'nope', revoke: 'false' }),
      { GITHUB_WORKSPACE: dir },
    );
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /::error::.*\[TRANSIT_(KEY_NOT_FOUND|PERMISSION_DENIED)\]/);
    const badVersion = await new ActionsRunner().runStep(
      MAIN,
      inputsFor({ 'sign-blobs': 'out/*.bin', 'key-version': 'two' }),
      { GITHUB_WORKSPACE: dir },
    );
    assert.match(badVersion.stdout, /::error::.*\[INVALID_INPUT\]: key-version/);
  });
});

describe('a run that outlives a short-lived token', () => {
  test('logs in again and signs every file once; every token is revoked at the end', async () => {
    // ci-short tokens live 5 s; a slow link to Vault stretches the run well past that (ten sign
    // requests, two at a time, each delayed both ways).
    const relay = await startLatencyRelay(stack.VAULT_ADDR, 450);
    try {
      const dir = workspace(2000);
      const runner = new ActionsRunner();
      const main = await runner.runStep(
        MAIN,
        inputsFor({
          'vault-addr': relay.address,
          role: stack.STACK_ROLE_SHORT,
          'sign-blobs': 'out/*.bin',
          bundle: 'false',
        }),
        { GITHUB_WORKSPACE: dir },
      );
      assert.equal(main.status, 0, main.stdout.slice(-2000));
      assert.ok(main.durationMs > 5000, `the run took ${main.durationMs} ms, not longer than the 5 s token TTL`);
      const tokens = main.masks.filter((m) => !m.startsWith('eyJ'));
      assert.ok(tokens.length >= 2, `logged in ${tokens.length} time(s)`);
      assert.match(main.stdout, /Logging in to Vault again/);

      const blobs = signedBlobs(main);
      assert.equal(blobs.length, 2000);
      assert.equal(new Set(blobs.map((b) => b.path)).size, 2000, 'nothing signed twice, nothing skipped');
      const pub = main.outputs['public-key'] ?? '';
      const { verify } = await import('node:crypto');
      for (const blob of blobs) {
        const sig = Buffer.from(readFileSync(blob.signature, 'utf8'), 'base64');
        assert.ok(verify('sha256', readFileSync(blob.path), pub, sig), `signature of ${blob.path}`);
      }
      const sample = blobs[1999] as SignedBlobOutput;
      assert.equal(
        cosign([
          'verify-blob',
          '--key',
          main.outputs['public-key-path'] ?? '',
          '--signature',
          sample.signature,
          '--insecure-ignore-tlog=true',
          sample.path,
        ]).status,
        0,
      );

      const post = await runner.runStep(POST, inputsFor({ 'vault-addr': relay.address }));
      assert.equal(post.status, 0);
      for (const token of tokens) assert.equal((await lookupSelfStatus(stack, token)).status, 403);
    } finally {
      await relay.close();
    }
  });
});
