// What a user sees when something is wrong: one clear line with a code, non-zero exit, no token.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { deleteRunnerEntry, stackCtl } from '../helpers/spire.ts';
import { loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { freePort, staleUnixSocket, startSealedServer, startThrowawayServer } from '../helpers/throwaway.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function inputsFor(extra: Record<string, string> = {}): Record<string, string> {
  return actionInputs(stack, { timeout: '20s', ...extra });
}

function runMain(extra: Record<string, string> = {}): Promise<StepResult> {
  return new ActionsRunner().runStep(MAIN, inputsFor(extra));
}

/** Exactly one ::error:: line, with the code; no token exported; no JWT or token printed. */
function assertFailedWith(result: StepResult, code: string): string {
  assert.equal(result.status, 1, result.stdout);
  const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
  assert.equal(errors.length, 1, result.stdout);
  assert.match(errors[0] as string, new RegExp(`\\[${code}\\]`));
  assert.equal(result.env.VAULT_TOKEN, undefined);
  for (const secret of result.masks) {
    assert.ok(!result.everything.replaceAll(`::add-mask::${secret}`, '').includes(secret), 'a masked value leaked');
  }
  return errors[0] as string;
}

describe('faults the action rides out', () => {
  test('the agent starts 5 s after the action', async () => {
    stackCtl(stack, 'stop', 'spire-agent');
    try {
      const pending = runMain({ revoke: 'false' });
      await sleep(5000);
      stackCtl(stack, 'start', 'spire-agent');
      const result = await pending;
      assert.equal(result.status, 0, result.stdout);
      assert.ok(result.env.VAULT_TOKEN);
    } finally {
      stackCtl(stack, 'start', 'spire-agent');
    }
  });

  test('the registration entry appears after the action starts', async () => {
    const recreate = deleteRunnerEntry(stack);
    try {
      await sleep(6000); // let the agent drop the identity
      const pending = runMain({ revoke: 'false', timeout: '40s' });
      await sleep(2000);
      recreate();
      const result = await pending;
      assert.equal(result.status, 0, result.stdout);
      assert.ok(result.env.VAULT_TOKEN);
    } catch (error) {
      recreate();
      throw error;
    }
  });
});

describe('errors a user can act on', () => {
  test('no socket at the path', async () => {
    const line = assertFailedWith(
      await runMain({ 'socket-path': 'unix:///tmp/no-such-dir/api.sock', timeout: '2s' }),
      'WORKLOAD_API_UNAVAILABLE',
    );
    assert.match(line, /\/tmp\/no-such-dir\/api\.sock/);
  });

  test('a socket file but no agent behind it', async () => {
    const socket = await staleUnixSocket();
    assertFailedWith(await runMain({ 'socket-path': socket, timeout: '2s' }), 'WORKLOAD_API_UNAVAILABLE');
  });

  test('workload not registered, after the deadline', async () => {
    const recreate = deleteRunnerEntry(stack);
    try {
      await sleep(6000);
      const started = Date.now();
      const result = await runMain({ timeout: '3s' });
      assertFailedWith(result, 'WORKLOAD_NOT_REGISTERED');
      assert.ok(Date.now() - started < 20_000, 'gave up near the deadline');
    } finally {
      recreate();
      await sleep(6000); // let the identity reach the agent again for the next tests
    }
  });

  test('an audience the role does not accept', async () => {
    const line = assertFailedWith(await runMain({ audience: 'not-vault' }), 'VAULT_LOGIN_DENIED');
    assert.match(line, /not-vault/);
  });

  test('an unknown role', async () => {
    const line = assertFailedWith(await runMain({ role: 'no-such-role' }), 'VAULT_LOGIN_DENIED');
    assert.match(line, /no-such-role/);
  });

  test('a wrong auth path', async () => {
    const line = assertFailedWith(await runMain({ 'auth-path': 'oidc-nope' }), 'VAULT_LOGIN_DENIED');
    assert.match(line, /auth-path/);
  });

  test('Vault unreachable: a stopped server, within the timeout', async () => {
    const bao = await startThrowawayServer(stack);
    await bao.stop();
    const result = await runMain({ 'vault-addr': bao.address, timeout: '4s' });
    assertFailedWith(result, 'VAULT_UNREACHABLE');
    assert.ok(result.durationMs < 4000 + 10_000, `took ${result.durationMs} ms`);
  });

  test('nothing listening at all', async () => {
    assertFailedWith(
      await runMain({ 'vault-addr': `http://127.0.0.1:${await freePort()}`, timeout: '2s' }),
      'VAULT_UNREACHABLE',
    );
  });

  test('Vault sealed', async () => {
    const bao = await startSealedServer(stack);
    try {
      const started = Date.now();
      assertFailedWith(await runMain({ 'vault-addr': bao.address, timeout: '20s' }), 'VAULT_SEALED');
      assert.ok(Date.now() - started < 10_000, 'a sealed Vault is not retried until the deadline');
    } finally {
      await bao.stop();
    }
  });

  test('TLS failure: a CA the runner does not know', async () => {
    const bao = await startThrowawayServer(stack, { tls: true });
    try {
      const line = assertFailedWith(await runMain({ 'vault-addr': bao.address }), 'VAULT_TLS_FAILED');
      assert.match(line, /ca-cert/);
      // With the CA, the TLS handshake succeeds and the failure moves on to the (absent) JWT auth.
      const withCa = await runMain({ 'vault-addr': bao.address, 'ca-cert': bao.caCertFile ?? '' });
      assertFailedWith(withCa, 'VAULT_LOGIN_DENIED');
    } finally {
      await bao.stop();
    }
  });

  for (const [inputs, name] of [
    [{ 'vault-addr': 'vault.example.com' }, 'vault-addr'],
    [{ 'export-token': 'yes' }, 'export-token'],
    [{ timeout: '-5s' }, 'timeout'],
    [{ 'max-token-ttl': 'soon' }, 'max-token-ttl'],
    [{ role: '' }, 'role'],
    [{ 'socket-path': 'http://127.0.0.1:1' }, 'socket'],
    [{ 'client-cert': '/etc/hostname' }, 'client-cert'],
  ] as const) {
    test(`bad input: ${JSON.stringify(inputs)}`, async () => {
      const result = await runMain(inputs);
      const line = assertFailedWith(result, '[A-Z_]+');
      assert.match(line, new RegExp(name));
      assert.equal(result.masks.length, 0, 'failed before fetching anything');
    });
  }
});
