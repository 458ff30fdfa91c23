// `spiffe-vault sign-blob` and `verify-blob` on the real stack: what it signs, real cosign and
// @sigstore/verify accept; tampered files are rejected; its tokens never outlive the run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CLI,
  cli,
  cliEnv,
  copyRole,
  deleteRole,
  leaks,
  liveTokensOfRole,
  spawnCli,
  waitFor,
} from '../helpers/cli-run.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { describeRun, loadStackEnv, run, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus, transitPublicKeyPem } from '../helpers/vault-admin.ts';

interface SignResult {
  transitPath: string;
  transitKey: string;
  keyVersion: number;
  publicKeyPath: string;
  complete: boolean;
  files: { path: string; sha256: string; size: number; signature: string; bundle?: string; keyVersion: number }[];
}

let stack: StackEnv;
// Copies of the stack's roles: the tokens they mint are this file's alone.
let role: string;
let noSignRole: string;
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE);
  noSignRole = await copyRole(stack, stack.STACK_ROLE_NOSIGN);
});
after(async () => {
  await deleteRole(stack, role);
  await deleteRole(stack, noSignRole);
});

function workspace(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-sign-'));
  mkdirSync(join(dir, 'out'));
  for (let i = 0; i < files; i++)
    writeFileSync(join(dir, 'out', `artifact-${i}.bin`), `artifact ${i} ${Math.random()}\n`);
  return dir;
}

function cosign(args: readonly string[]) {
  return run(`${stack.STACK_BIN}/cosign`, args, { env: { PATH: '/usr/bin:/bin', HOME: tmpdir() } });
}

function tamper(dir: string, path: string): string {
  const copy = join(dir, `tampered-${basename(path)}`);
  writeFileSync(copy, `${readFileSync(path, 'utf8')}x`);
  return copy;
}

describe('sign-blob with the SPIFFE identity (--role)', () => {
  let dir: string;
  let r: ReturnType<typeof cli>;
  let result: SignResult;

  test('signs the matched files and prints a JSON result', async () => {
    dir = workspace(4);
    r = cli(['sign-blob', '-role', role, '--json', 'out/*.bin', '!out/artifact-3.bin'], {
      env: cliEnv(stack),
      cwd: dir,
    });
    assert.equal(r.status, 0, describeRun('sign-blob', r));
    result = JSON.parse(r.stdout) as SignResult;
    assert.deepEqual(
      result.files.map((f) => basename(f.path)),
      ['artifact-0.bin', 'artifact-1.bin', 'artifact-2.bin'],
    );
    assert.equal(result.keyVersion, 1);
    assert.equal(result.complete, true);
    assert.equal(result.publicKeyPath, join(dir, `${stack.STACK_TRANSIT_KEY}.pub`));
    assert.equal(readFileSync(result.publicKeyPath, 'utf8').trim(), (await transitPublicKeyPem(stack)).trim());
    for (const file of result.files) {
      assert.equal(file.signature, `${file.path}.sig`);
      assert.equal(file.bundle, `${file.path}.sigstore.json`);
      assert.match(file.sha256, /^[0-9a-f]{64}$/);
    }
    assert.match(r.stderr, /Signed 3 file\(s\)/);
    assert.deepEqual(leaks(r.stderr + r.stdout), []);
  });

  test('revokes the token it minted', async () => {
    assert.match(r.stderr, /Revoked the Vault token/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });

  test('cosign verify-blob accepts every .sig and bundle, rejects a tampered file', () => {
    for (const file of result.files) {
      for (const evidence of [
        ['--signature', file.signature],
        ['--bundle', file.bundle ?? ''],
      ]) {
        const ok = cosign([
          'verify-blob',
          '--key',
          result.publicKeyPath,
          ...evidence,
          '--insecure-ignore-tlog=true',
          file.path,
        ]);
        assert.equal(ok.status, 0, ok.stderr);
        const bad = cosign([
          'verify-blob',
          '--key',
          result.publicKeyPath,
          ...evidence,
          '--insecure-ignore-tlog=true',
          tamper(dir, file.path),
        ]);
        assert.notEqual(bad.status, 0);
      }
    }
  });

  test('@sigstore/verify accepts every bundle', async () => {
    const pem = readFileSync(result.publicKeyPath, 'utf8');
    for (const file of result.files) {
      await verifyBundleWithKey(readFileSync(file.bundle ?? '', 'utf8'), readFileSync(file.path), pem);
    }
  });

  test('verify-blob: exit 0 for good files, 1 for tampered ones; --json', () => {
    for (const file of result.files) {
      for (const flag of ['--signature', '--bundle']) {
        const evidence = flag === '--signature' ? file.signature : (file.bundle ?? '');
        const ok = cli(['verify-blob', '--key', result.publicKeyPath, flag, evidence, file.path], { env: {} });
        assert.equal(ok.status, 0, describeRun('verify-blob', ok));
        assert.equal(ok.stdout, '');
        assert.match(ok.stderr, /Verified OK/);
        const bad = cli(['verify-blob', '--key', result.publicKeyPath, flag, evidence, tamper(dir, file.path)], {
          env: {},
        });
        assert.equal(bad.status, 1, describeRun('verify-blob tampered', bad));
        assert.match(bad.stderr, /^spiffe-vault: error \[SIGNATURE_INVALID\]: /m);
      }
    }
    const first = result.files[0]!;
    const json = cli(
      ['verify-blob', '--json', '-key', result.publicKeyPath, '-bundle', first.bundle ?? '', first.path],
      {
        env: {},
      },
    );
    assert.equal(json.status, 0);
    assert.deepEqual(JSON.parse(json.stdout), {
      verified: true,
      file: first.path,
      sha256: first.sha256,
      bundle: first.bundle,
    });
    const other = cli(
      ['verify-blob', '--json', '--key', result.publicKeyPath, '--signature', first.signature, result.files[1]!.path],
      {
        env: {},
      },
    );
    assert.equal(other.status, 1);
    assert.deepEqual(JSON.parse(other.stdout), {
      verified: false,
      file: result.files[1]!.path,
      code: 'SIGNATURE_INVALID',
    });
  });
});

describe('sign-blob with $VAULT_TOKEN', () => {
  test('inside exec: uses the token, leaves it alone, writes only .sig into --signature-dir', () => {
    const dir = workspace(2);
    const script = [
      `node "${CLI}" sign-blob --json --signature-dir sigs --bundle=false 'out/*.bin' > result.json`,
      'bao token lookup > /dev/null && echo token-still-valid',
    ].join(' && ');
    const r = cli(['exec', '-role', role, '--', 'sh', '-c', script], { env: cliEnv(stack), cwd: dir });
    assert.equal(r.status, 0, describeRun('exec sign-blob', r));
    assert.equal(r.stdout, 'token-still-valid\n');
    assert.match(r.stderr, /Using the Vault token in \$VAULT_TOKEN/);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as SignResult;
    assert.equal(result.files.length, 2);
    assert.equal(result.publicKeyPath, join(dir, 'sigs', `${stack.STACK_TRANSIT_KEY}.pub`));
    for (const file of result.files) {
      assert.equal(file.signature, join(dir, 'sigs', `${basename(file.path)}.sig`));
      assert.equal(file.bundle, undefined);
      const ok = cosign([
        'verify-blob',
        '--key',
        result.publicKeyPath,
        '--signature',
        file.signature,
        '--insecure-ignore-tlog=true',
        file.path,
      ]);
      assert.equal(ok.status, 0, ok.stderr);
    }
  });

  test('from eval "$(spiffe-vault auth)": the token stays valid after signing', async () => {
    const auth = cli(['auth', '-role', role, '--json', '-q'], { env: cliEnv(stack) });
    const token = (JSON.parse(auth.stdout) as { token: string }).token;
    const dir = workspace(1);
    const r = cli(['sign-blob', 'out/artifact-0.bin'], { env: cliEnv(stack, { VAULT_TOKEN: token }), cwd: dir });
    assert.equal(r.status, 0, describeRun('sign-blob', r));
    assert.equal(r.stdout, '');
    assert.deepEqual(leaks(r.stderr, [token]), []);
    assert.equal((await lookupSelfStatus(stack, token)).status, 200);
    cli(['revoke'], { env: cliEnv(stack, { VAULT_TOKEN: token }) });
  });

  test('a revoked token: exit 1 with TRANSIT_TOKEN_EXPIRED', async () => {
    const auth = cli(['auth', '-role', role, '--json', '-q'], { env: cliEnv(stack) });
    const token = (JSON.parse(auth.stdout) as { token: string }).token;
    cli(['revoke'], { env: cliEnv(stack, { VAULT_TOKEN: token }) });
    const r = cli(['sign-blob', 'out/artifact-0.bin'], {
      env: cliEnv(stack, { VAULT_TOKEN: token }),
      cwd: workspace(1),
    });
    assert.equal(r.status, 1, describeRun('sign-blob', r));
    assert.match(r.stderr, /^spiffe-vault: error \[TRANSIT_TOKEN_EXPIRED\]: /m);
    assert.deepEqual(leaks(r.stderr, [token]), []);
  });
});

describe('sign-blob errors', () => {
  test('no file matched: exit 1 before logging in; warn: exit 0 with an empty result', async () => {
    const dir = workspace(0);
    const r = cli(['sign-blob', '-role', role, 'out/*.none'], { env: cliEnv(stack), cwd: dir });
    assert.equal(r.status, 1, describeRun('sign-blob', r));
    assert.match(r.stderr, /^spiffe-vault: error \[NO_FILES_MATCHED\]: .*out\/\*\.none/m);
    assert.doesNotMatch(r.stderr, /Logged in/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
    const warned = cli(['sign-blob', '-role', role, '--if-no-files-found=warn', '--json', 'out/*.none'], {
      env: cliEnv(stack),
      cwd: dir,
    });
    assert.equal(warned.status, 0, describeRun('sign-blob warn', warned));
    assert.deepEqual(JSON.parse(warned.stdout), { files: [] });
    assert.match(warned.stderr, /warning: no file matched/);
  });

  test('a role without sign rights: exit 1, TRANSIT_PERMISSION_DENIED, token revoked', async () => {
    const r = cli(['sign-blob', '-role', noSignRole, 'out/*.bin'], {
      env: cliEnv(stack),
      cwd: workspace(1),
    });
    assert.equal(r.status, 1, describeRun('sign-blob', r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^spiffe-vault: error \[TRANSIT_PERMISSION_DENIED\]: .*transit\/sign\/cosign/m);
    assert.deepEqual(await liveTokensOfRole(stack, noSignRole), []);
  });

  test('SIGTERM while signing: its tokens are revoked, exit 143', async () => {
    const relay = await startLatencyRelay(stack.VAULT_ADDR, 700);
    try {
      const running = spawnCli(['sign-blob', '-role', role, '--vault-addr', relay.address, 'out/*.bin'], {
        env: cliEnv(stack),
        cwd: workspace(2),
      });
      await waitFor('the login', () => /Logged in to Vault/.test(running.stderr()));
      running.child.kill('SIGTERM');
      const r = await running.done;
      assert.equal(r.status, 143, describeRun('sign-blob', r));
      assert.match(r.stderr, /stopped by SIGTERM: revoking/);
      assert.deepEqual(await liveTokensOfRole(stack, role), []);
    } finally {
      await relay.close();
    }
  });
});
