// The action under a real GitHub Actions runner implementation: nektos/act (host mode) runs the
// workflows of __tests__/workflows/ with `uses: ./` against the stack's Vault server (STACK_VAULT
// chooses OpenBao or HashiCorp Vault). Each test checks the job's result, act's text log (masked
// values as ***, no token, no JWT) and the server itself: after every job, each token the job
// minted is revoked (looked up by accessor with the root token).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { runActWorkflow, type ActRun } from '../helpers/act-runner.ts';
import { pushImage } from '../helpers/oci-images.ts';
import { loadStackEnv, selectedVaultServer, type StackEnv } from '../helpers/stack-env.ts';
import { accessorIsLive, liveAccessors } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

interface Job extends ActRun {
  /** Accessors of tokens that appeared during the job and still live after it. */
  readonly leaked: readonly string[];
}

/** Runs a workflow; notes which tokens the job left alive. No secret goes into its env. */
async function runJob(name: string, extra: Record<string, string> = {}): Promise<Job> {
  const before = await liveAccessors(stack);
  const result = runActWorkflow(stack, name, {
    STACK_VAULT_ADDR: stack.VAULT_ADDR,
    STACK_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET,
    STACK_ROLE: stack.STACK_ROLE,
    STACK_TRANSIT_KEY: stack.STACK_TRANSIT_KEY,
    VAULT_CLI: stack.STACK_VAULT_CLI,
    ...extra,
  });
  const after = await liveAccessors(stack);
  return { ...result, leaked: [...after].filter((a) => !before.has(a)) };
}

/** The job log holds no Vault token and no JWT, in any step. */
function assertNoSecrets(job: Job): void {
  assert.doesNotMatch(job.log, /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/, 'a JWT is in the job log');
  assert.doesNotMatch(job.log, /\b(?:hvs|hvb|s|b)\.[A-Za-z0-9_-]{20,}/, 'a Vault token is in the job log');
}

function assertSucceeded(job: Job): void {
  assert.equal(job.status, 0, `act failed:\n${job.log.slice(-4000)}`);
  assert.match(job.log, /Job succeeded/);
}

function assertFailed(job: Job): void {
  assert.notEqual(job.status, 0, `act succeeded:\n${job.log.slice(-4000)}`);
  assert.match(job.log, /Job failed/);
}

/** The post step ran and succeeded. */
function assertPostRan(job: Job): void {
  assert.match(job.log, /Success - Post /, `no successful post step:\n${job.log.slice(-4000)}`);
}

function captured(job: Job, pattern: RegExp): string {
  const value = pattern.exec(job.log)?.[1];
  assert.ok(value, `${String(pattern)} is not in the job log:\n${job.log.slice(-4000)}`);
  return value;
}

describe(`act runs the action (${selectedVaultServer()})`, () => {
  test('login and export: later steps use the exported token with vault, bao and cosign hashivault://', async () => {
    const job = await runJob('login-export');
    assertSucceeded(job);
    assertNoSecrets(job);
    assert.match(job.log, /exported VAULT_TOKEN=\*\*\*/, 'the exported token is not masked');
    assert.match(job.log, new RegExp(`spiffe-id=${stack.STACK_SPIFFE_ID}`));
    assert.match(job.log, /token-policies=.*ci-sign/);
    const accessor = captured(job, /\| accessor=(\S+)/);
    assert.equal(captured(job, /\| bao-accessor=(\S+)/), accessor, 'vault and bao saw different tokens');
    assert.match(job.log, /cosign-verified=later\.txt/);
    assertPostRan(job);
    assert.equal(await accessorIsLive(stack, accessor), false, 'the token outlived the job');
    assert.deepEqual(job.leaked, []);
  });

  test('proxy: later steps hold no token and use Vault through the proxy after the token TTL', async () => {
    const job = await runJob('proxy', { STACK_ROLE_SHORT: stack.STACK_ROLE_SHORT });
    assertSucceeded(job);
    assertNoSecrets(job);
    assert.match(job.log, /proxy-address=unix socket/);
    assert.match(job.log, /key-type=ecdsa-p256/);
    assert.match(job.log, /bao-signed=yes/);
    assert.match(job.log, /cosign-verified=later\.txt/);
    assertPostRan(job);
    assert.match(job.log, /Vault proxy stopped: \d+ request\(s\), 0 refused, 0 failed, [2-9]\d* login\(s\)/);
    assert.deepEqual(job.leaked, [], 'a token the proxy minted outlived the job');
  });

  test('signing files and an image; cosign verifies them in a later step', async () => {
    const image = `${stack.STACK_REGISTRY}/act-${stack.STACK_VAULT}:${randomBytes(4).toString('hex')}`;
    pushImage(stack, image, `act signs ${image}`);
    const job = await runJob('sign', { TEST_IMAGE: image });
    assertSucceeded(job);
    assertNoSecrets(job);
    assert.match(job.log, /VAULT_TOKEN not exported/);
    assert.match(job.log, /verified=blobs,image/);
    assertPostRan(job);
    assert.deepEqual(job.leaked, []);
  });

  test('the run input: the command sees the token (masked in its output), revoked when it ends', async () => {
    const job = await runJob('run-input');
    assertSucceeded(job);
    assertNoSecrets(job);
    // The server's CLI prints the token's lookup: its id shows masked, its accessor in clear.
    assert.match(job.log, /"id": "\*\*\*"/, 'the token in the command output is not masked');
    const accessor = captured(job, /"accessor": "([^"*]+)"/);
    assert.match(job.log, /VAULT_TOKEN not exported/);
    assert.equal(await accessorIsLive(stack, accessor), false, 'the token outlived the command');
    assert.deepEqual(job.leaked, []);
  });

  test('doctor: true checks the set-up, exports nothing and leaves no token', async () => {
    const job = await runJob('doctor');
    assertSucceeded(job);
    assertNoSecrets(job);
    assert.match(job.log, /ok +login\.role/);
    assert.match(job.log, /doctor: \d+ ok, \d+ warn, 0 fail/);
    assert.match(job.log, /VAULT_TOKEN not exported after doctor/);
    assertPostRan(job);
    assert.match(job.log, /No Vault token to revoke/);
    assert.deepEqual(job.leaked, []);
  });

  test('a failing login fails the step and the job with the diagnosis', async () => {
    const job = await runJob('failing-login');
    assertFailed(job);
    assertNoSecrets(job);
    assert.match(job.log, /VAULT_LOGIN_DENIED/);
    assert.match(job.log, /no-such-role/);
    assert.match(job.log, /FAIL +login\.role/, 'the set-up checks say what to change');
    assert.doesNotMatch(job.log, /after a failed login/, 'a step after the failed login ran');
    assert.deepEqual(job.leaked, []);
  });

  test('a later failing step fails the job; the post step still revokes the token', async () => {
    const job = await runJob('failing-step');
    assertFailed(job);
    assertNoSecrets(job);
    assert.match(job.log, /breaking the build/);
    assert.doesNotMatch(job.log, /after the broken step/, 'a step after the broken one ran');
    const accessor = captured(job, /\| accessor=(\S+)/);
    assertPostRan(job);
    assert.equal(await accessorIsLive(stack, accessor), false, 'the token outlived the failed job');
    assert.deepEqual(job.leaked, []);
  });
});
