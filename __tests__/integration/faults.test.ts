// Faults, each a test, on the real stack: Vault cut off mid-batch and gone during revocation,
// signals to the action and to exec mid-signing, and a signature directory that is full or
// read-only (the registry's faults: faults-registry.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, cliEnv, copyRole, deleteRole, liveTokensOfRole, spawnCli, waitFor } from '../helpers/cli-run.ts';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner } from '../helpers/actions-runner.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import { blobWorkspace, checkOutputs } from '../helpers/signed-outputs.ts';
import { mountBlockedReason, mountTmpfs } from '../helpers/small-mount.ts';
import { describeRun, loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem, vaultFetch } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let role: string; // a copy of the stack's ci role: its tokens are this file's alone
let pubPem: string;
const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE);
  pubPem = await transitPublicKeyPem(stack);
});
after(() => deleteRole(stack, role));

describe('stopped in the middle of signing', () => {
  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal} to the action after the first batch: exit ${status}, no partial output, every token revoked or left to the post step`, async () => {
      const dir = blobWorkspace(600);
      const relay = await startLatencyRelay(stack.VAULT_ADDR, 300);
      const runner = new ActionsRunner({ GITHUB_WORKSPACE: dir });
      try {
        const inputs = actionInputs(stack, {
          role,
          'vault-addr': relay.address,
          'sign-blobs': 'out/*.bin',
          timeout: '20s',
        });
        const main = await runner.runStep(MAIN, inputs, {}, (child) => {
          let seen = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            if (/signed 200 of 600/.test(seen)) child.kill(signal);
          });
        });
        assert.equal(main.status, status, main.stdout + main.stderr);
        assert.match(main.stdout, new RegExp(`stopped by ${signal}`));
        const outputs = checkOutputs(join(dir, 'out'), {
          filesDir: join(dir, 'out'),
          publicKeyPem: pubPem,
          bundles: true,
        });
        assert.deepEqual(outputs.problems, []);
        assert.ok(outputs.signatures >= 200 && outputs.signatures < 600, `${outputs.signatures} signed`);
        // Whatever is still alive must be in the saved state: the post step revokes it.
        const post = await runner.runStep(POST, inputs);
        assert.equal(post.status, 0, post.stdout);
        assert.deepEqual(await liveTokensOfRole(stack, role), []);
      } finally {
        await relay.close();
      }
    });
  }
});

test('SIGTERM to `exec -- spiffe-vault sign-blob` after the first batch: forwarded, exit 143, no partial output, token revoked', async () => {
  const dir = blobWorkspace(600);
  const relay = await startLatencyRelay(stack.VAULT_ADDR, 300);
  try {
    const running = spawnCli(
      ['exec', '--role', role, '--vault-addr', relay.address, '--', process.execPath, CLI, 'sign-blob', 'out/*.bin'],
      { env: cliEnv(stack), cwd: dir },
    );
    await waitFor('the first batch', () => /signed 200 of 600/.test(running.stderr()), 30_000);
    running.child.kill('SIGTERM');
    const r = await running.done;
    assert.equal(r.status, 143, describeRun('exec sign-blob', r));
    const outputs = checkOutputs(join(dir, 'out'), { filesDir: join(dir, 'out'), publicKeyPem: pubPem, bundles: true });
    assert.deepEqual(outputs.problems, []);
    assert.ok(outputs.signatures >= 200 && outputs.signatures < 600, `${outputs.signatures} signed`);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  } finally {
    await relay.close();
  }
});

describe('the signature directory cannot take the outputs', () => {
  const blocked = mountBlockedReason();
  for (const fault of ['full (ENOSPC)', 'read-only (EROFS)'] as const) {
    test(
      `${fault}: exit 1 with the cause, nothing half-written, only what is on disk counted as signed`,
      { skip: blocked },
      async () => {
        const dir = blobWorkspace(200);
        const mount = mountTmpfs({ sizeKiB: 64, readOnly: fault.startsWith('read-only') });
        try {
          const r = await spawnCli(['sign-blob', '--role', role, '--signature-dir', mount.path, 'out/*.bin'], {
            env: cliEnv(stack),
            cwd: dir,
          }).done;
          assert.equal(r.status, 1, describeRun('sign-blob', r));
          const code = fault.startsWith('full') ? 'ENOSPC' : 'EROFS';
          const error = /^spiffe-vault: error \[(\w+)\]: (.*)$/m.exec(r.stderr);
          assert.ok(error, r.stderr);
          assert.match(error[2] as string, new RegExp(`\\(${code}\\)`));
          const outputs = checkOutputs(mount.path, { filesDir: join(dir, 'out'), publicKeyPem: pubPem, bundles: true });
          assert.deepEqual(outputs.problems, []);
          const claimed = /(\d+) of 200 files were signed/.exec(error[2] as string)?.[1] ?? '0';
          assert.equal(outputs.signatures, Number(claimed), 'what is reported signed is what is on disk');
          if (code === 'ENOSPC') assert.ok(outputs.signatures > 0 && outputs.signatures < 200, `${outputs.signatures}`);
          assert.equal(r.stdout, '');
          assert.deepEqual(await liveTokensOfRole(stack, role), []);
        } finally {
          mount.unmount();
        }
      },
    );
  }
});

test("the action: Vault gone before the post step, which stops retrying at the step's timeout (3 s), not 15 s", async () => {
  const relay = await startLatencyRelay(stack.VAULT_ADDR, 0);
  const runner = new ActionsRunner({});
  try {
    const inputs = actionInputs(stack, { role, 'vault-addr': relay.address, timeout: '3s' });
    const main = await runner.runStep(MAIN, inputs);
    assert.equal(main.status, 0, main.stdout + main.stderr);
    await relay.close(); // Vault out of reach from now on
    const started = Date.now();
    const post = await runner.runStep(POST, inputs);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(post.status, 0, post.stdout);
    assert.match(post.stdout, /stay valid until their TTL ends/);
    assert.ok(seconds < 9, `the post step took ${seconds} s`);
  } finally {
    await relay.close();
    for (const accessor of await liveTokensOfRole(stack, role))
      await vaultFetch(stack, 'auth/token/revoke-accessor', { method: 'POST', body: { accessor } });
  }
});

test('Vault out of reach after the first batch and during revocation: exit 1, what was signed is complete, the revocation failure is said', async () => {
  const dir = blobWorkspace(600);
  const relay = await startLatencyRelay(stack.VAULT_ADDR, 300);
  try {
    const running = spawnCli(
      ['sign-blob', '--role', role, '--timeout', '5s', '--vault-addr', relay.address, 'out/*.bin'],
      {
        env: cliEnv(stack),
        cwd: dir,
      },
    );
    await waitFor('the first batch', () => /signed 200 of 600/.test(running.stderr()), 30_000);
    await relay.close(); // every connection to Vault cut, and none accepted from now on
    const r = await running.done;
    assert.equal(r.status, 1, describeRun('sign-blob', r));
    assert.match(r.stderr, /^spiffe-vault: error \[TRANSIT_SIGN_FAILED\]: signing stopped .*Vault did not answer/m);
    const claimed = Number(/(\d+) of 600 files were signed/.exec(r.stderr)?.[1]);
    const outputs = checkOutputs(join(dir, 'out'), { filesDir: join(dir, 'out'), publicKeyPem: pubPem, bundles: true });
    assert.deepEqual(outputs.problems, []);
    assert.equal(outputs.signatures, claimed);
    assert.match(r.stderr, /revoke/i);
    // Not revoked (Vault was out of reach): the token lives out its 60 s TTL; say so, then clean up.
    const alive = await liveTokensOfRole(stack, role);
    assert.equal(alive.length, 1);
    for (const accessor of alive)
      await vaultFetch(stack, 'auth/token/revoke-accessor', { method: 'POST', body: { accessor } });
  } finally {
    await relay.close();
  }
});
