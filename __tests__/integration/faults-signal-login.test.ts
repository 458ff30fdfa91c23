// SIGTERM and SIGINT to the action's main step while a login is in flight, on the real stack:
// the token Vault mints then must reach the saved state (the post step revokes it) or be revoked,
// never live on until its TTL. Vault answers through a relay that passes requests at once and
// holds answers back, as a slow network does: the signal comes once Vault has the login request.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import { startLatencyRelay, type LatencyRelay } from '../helpers/latency-relay.ts';
import { blobWorkspace, checkOutputs } from '../helpers/signed-outputs.ts';
import { loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');

let stack: StackEnv;
let pubPem: string;
const roles: string[] = [];
before(async () => {
  stack = loadStackEnv();
  pubPem = await transitPublicKeyPem(stack);
});
after(async () => {
  for (const role of roles) await deleteRole(stack, role);
});

/** A copy of a stack role for one test: the tokens of the role are that test's alone. */
async function roleOf(from: string): Promise<string> {
  const role = await copyRole(stack, from);
  roles.push(role);
  return role;
}

/**
 * A relay to Vault that answers `answerDelayMs` late and signals the step when Vault has the
 * `nth` login (a request carrying a JWT; doctor's probe of the auth mount carries none).
 */
async function signalAtLogin(options: { nth: number; signal: NodeJS.Signals; answerDelayMs: number }) {
  let child: ChildProcess | undefined;
  let logins = 0;
  const relay: LatencyRelay = await startLatencyRelay(stack.VAULT_ADDR, options.answerDelayMs, 0, {
    requestDelayMs: 0,
    onRequestData: (chunk) => {
      if (chunk.toString('latin1').includes('"jwt":"') && ++logins === options.nth) child?.kill(options.signal);
    },
  });
  return {
    relay,
    onStarted: (started: ChildProcess) => (child = started),
    loginsSeen: () => logins,
  };
}

function savedTokens(main: StepResult): string[] {
  return (JSON.parse(main.state['spiffe-vault'] ?? '{"tokens":[]}') as { tokens: string[] }).tokens;
}

/** The post step revokes what was saved, each once, without a warning; nothing of `r` is left. */
async function postRevokesAll(runner: ActionsRunner, inputs: Record<string, string>, r: string): Promise<StepResult> {
  const post = await runner.runStep(POST, inputs);
  assert.equal(post.status, 0, post.stdout);
  assert.doesNotMatch(post.stdout, /::warning::/);
  assert.deepEqual(await liveTokensOfRole(stack, r), [], 'a token of the role is still alive');
  return post;
}

describe('a stop signal while the first login is in flight', () => {
  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal}: exit ${status} once the token is saved, nothing signed after it, the post step revokes it`, async () => {
      const dir = blobWorkspace(5);
      const role = await roleOf(stack.STACK_ROLE);
      const at = await signalAtLogin({ nth: 1, signal, answerDelayMs: 600 });
      const runner = new ActionsRunner({ GITHUB_WORKSPACE: dir });
      const inputs = actionInputs(stack, { role, 'vault-addr': at.relay.address, 'sign-blobs': 'out/*.bin' });
      try {
        const main = await runner.runStep(MAIN, inputs, {}, at.onStarted);
        assert.equal(at.loginsSeen(), 1);
        assert.equal(main.status, status, main.stdout + main.stderr);
        assert.match(main.stdout, new RegExp(`::warning::.*stopped by ${signal}`));
        assert.doesNotMatch(main.stdout, /::error::/);
        assert.equal(savedTokens(main).length, 1, 'the token of the login under way is in the saved state');
        const outputs = checkOutputs(join(dir, 'out'), {
          filesDir: join(dir, 'out'),
          publicKeyPem: pubPem,
          bundles: true,
        });
        assert.deepEqual(outputs, { signatures: 0, bundles: 0, problems: [] }, 'no signing started after the signal');
        const post = await postRevokesAll(runner, inputs, role);
        assert.match(post.stdout, /Revoked the Vault token\./);
      } finally {
        await at.relay.close();
      }
    });
  }
});

test('SIGTERM while signing logs in again (a 5 s token): both tokens saved and revoked, no partial output', async () => {
  const dir = blobWorkspace(3000);
  const shortRole = await roleOf(stack.STACK_ROLE_SHORT);
  const at = await signalAtLogin({ nth: 2, signal: 'SIGTERM', answerDelayMs: 800 });
  const runner = new ActionsRunner({ GITHUB_WORKSPACE: dir });
  const inputs = actionInputs(stack, {
    role: shortRole,
    'vault-addr': at.relay.address,
    'sign-blobs': 'out/*.bin',
    timeout: '20s',
  });
  try {
    const main = await runner.runStep(MAIN, inputs, {}, at.onStarted);
    assert.equal(at.loginsSeen(), 2, 'the run logged in again before it ended');
    assert.equal(main.status, 143, main.stdout.slice(-2000) + main.stderr);
    assert.match(main.stdout, /Logging in to Vault again/);
    assert.equal(savedTokens(main).length, 2, 'the token of the re-login under way is in the saved state');
    const outputs = checkOutputs(join(dir, 'out'), { filesDir: join(dir, 'out'), publicKeyPem: pubPem, bundles: true });
    assert.deepEqual(outputs.problems, []);
    assert.ok(outputs.signatures > 0 && outputs.signatures < 3000, `${outputs.signatures} signed`);
    const post = await postRevokesAll(runner, inputs, shortRole);
    assert.match(post.stdout, /Revoked the Vault token 2 of 2\./);
  } finally {
    await at.relay.close();
  }
});

test("proxy: true, SIGTERM while the proxy's first login is in flight: the post step stops the proxy, no token is left", async () => {
  const role = await roleOf(stack.STACK_ROLE);
  const at = await signalAtLogin({ nth: 2, signal: 'SIGTERM', answerDelayMs: 600 });
  const runner = new ActionsRunner();
  const inputs = actionInputs(stack, { role, 'vault-addr': at.relay.address, proxy: 'true', timeout: '20s' });
  try {
    const main = await runner.runStep(MAIN, inputs, {}, at.onStarted);
    assert.equal(main.status, 143, main.stdout + main.stderr);
    const saved = JSON.parse(main.state['spiffe-vault'] ?? '{}') as { tokens?: string[]; proxy?: { pid: number } };
    assert.equal(saved.tokens?.length, 1, "the main step's own token is saved");
    assert.ok(saved.proxy?.pid, 'the proxy is saved for the post step');
    const post = await postRevokesAll(runner, inputs, role);
    assert.match(post.stdout, /Vault proxy stopped/);
  } finally {
    await at.relay.close();
  }
});

test("doctor: true, SIGTERM while doctor's login is in flight: exit 143 after doctor revoked its token", async () => {
  const role = await roleOf(stack.STACK_ROLE);
  const at = await signalAtLogin({ nth: 1, signal: 'SIGTERM', answerDelayMs: 250 });
  const runner = new ActionsRunner();
  const inputs = actionInputs(stack, { role, 'vault-addr': at.relay.address, doctor: 'true' });
  try {
    const main = await runner.runStep(MAIN, inputs, {}, at.onStarted);
    assert.equal(at.loginsSeen(), 1);
    assert.equal(main.status, 143, main.stdout + main.stderr);
    assert.match(main.stdout, /::warning::.*stopped by SIGTERM/);
    assert.deepEqual(await liveTokensOfRole(stack, role), [], "doctor's token is still alive");
  } finally {
    await at.relay.close();
  }
});
