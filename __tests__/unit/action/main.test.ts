// The action's main and post steps driven in-process: a recording runner, a fake login method
// and a fake revocation; the real stack runs the same paths in the integration tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run as runMain } from '../../../src/action/main.ts';
import { run as runPost } from '../../../src/action/post.ts';
import type { LoginToken, VaultLogin } from '../../../src/core/login/types.ts';
import type { VaultConnection } from '../../../src/core/options/config.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { fakeActionRunner } from '../../helpers/fake-action-runner.ts';

const inputs = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
const BASE = inputs({ role: 'ci', 'vault-addr': 'https://vault.example.com:8200', revoke: 'true' });

function fakeLogin(tokens: string[], options: { fail?: Error } = {}) {
  let closed = false;
  const login: VaultLogin = {
    vault: new VaultClient({ address: 'http://127.0.0.1:9' }),
    login: async (): Promise<LoginToken> => {
      if (options.fail) throw options.fail;
      const token = `hvs.token-${tokens.length + 1}`;
      tokens.push(token);
      return {
        token,
        accessor: `acc-${tokens.length}`,
        policies: ['default', 'signer'],
        ttlSeconds: 60,
        renewable: false,
        expiresAt: new Date(Date.now() + 60_000),
        spiffeId: 'spiffe://example.org/ci',
      };
    },
    close: () => void (closed = true),
  };
  return { login, closed: () => closed };
}

describe('action main step, in-process', () => {
  test('login-only: the token is masked, exported with the address, saved for the post step', async () => {
    const runner = fakeActionRunner({ ...BASE });
    const minted: string[] = [];
    const fake = fakeLogin(minted);
    await runMain({ runner, createLogin: () => fake.login });
    assert.equal(runner.failed, undefined);
    assert.equal(runner.exported.VAULT_TOKEN, 'hvs.token-1');
    assert.equal(runner.exported.VAULT_ADDR, 'https://vault.example.com:8200');
    assert.equal(runner.exported.TRANSIT_SECRET_ENGINE_PATH, 'transit');
    assert.equal(runner.outputs['spiffe-id'], 'spiffe://example.org/ci');
    assert.equal(runner.outputs.token, undefined);
    assert.equal(runner.summaries.length, 1);
    assert.ok(fake.closed());
    const saved = JSON.parse(runner.state['spiffe-vault'] as string);
    assert.deepEqual(saved.tokens, ['hvs.token-1']);
    assert.equal(saved.connection.vaultAddr, 'https://vault.example.com:8200');
    assert.ok(runner.lines.every((line) => !line.includes('hvs.token-1')));
  });

  test('export-token false: the address is exported, the token is not', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ 'export-token': 'false' }) });
    await runMain({ runner, createLogin: () => fakeLogin([]).login });
    assert.equal(runner.exported.VAULT_TOKEN, undefined);
    assert.equal(runner.exported.VAULT_ADDR, 'https://vault.example.com:8200');
  });

  test('a bad input fails the step with its code before any login', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ audience: ',' }) });
    let created = false;
    await runMain({
      runner,
      createLogin: () => {
        created = true;
        return fakeLogin([]).login;
      },
    });
    assert.match(runner.failed ?? '', /^spiffe-vault-action \[INVALID_INPUT\]: audience: /);
    assert.equal(created, false);
  });

  test('a failed login fails the step with its code and saves no token', async () => {
    const runner = fakeActionRunner({ ...BASE });
    const error = Object.assign(new Error('role "ci" could not be found'), { code: 'VAULT_LOGIN_DENIED' });
    // The set-up checks after the failure have their own tests (doctor.test.ts).
    const runDoctor = async () => ({ ok: true, checks: [] });
    await runMain({ runner, createLogin: () => fakeLogin([], { fail: error }).login, runDoctor });
    assert.match(runner.failed ?? '', /\[VAULT_LOGIN_DENIED\]/);
    assert.equal(runner.state['spiffe-vault'], undefined);
  });
});

describe('action post step, in-process', () => {
  const saved = (tokens: string[], revoke = true) => ({
    'spiffe-vault': JSON.stringify({
      connection: { vaultAddr: 'https://vault.example.com:8200', namespace: 'team', skipVerify: false },
      revoke,
      tokens,
    }),
  });

  test('revokes every saved token from the state alone: no input is read', async () => {
    // No INPUT_* at all (and a bad one would not matter): only the saved state counts.
    const runner = fakeActionRunner({ INPUT_ROLE: '', INPUT_AUDIENCE: ',' }, saved(['hvs.a', 'hvs.b']));
    const calls: { connection: VaultConnection; tokens: readonly string[] }[] = [];
    await runPost({
      runner,
      revoke: async (connection, tokens) => {
        calls.push({ connection, tokens });
        return { revoked: tokens.length, alreadyGone: 0, failed: 0 };
      },
    });
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.tokens, ['hvs.a', 'hvs.b']);
    assert.equal(calls[0]?.connection.vaultAddr, 'https://vault.example.com:8200');
    assert.equal(calls[0]?.connection.namespace, 'team');
    assert.deepEqual(runner.secrets, ['hvs.a', 'hvs.b']);
    assert.ok(runner.lines.every((line) => !line.startsWith('warning')));
  });

  test('revoke false leaves the tokens; no state means nothing to do', async () => {
    let called = false;
    const revoke = async () => {
      called = true;
      return { revoked: 0, alreadyGone: 0, failed: 0 };
    };
    await runPost({ runner: fakeActionRunner({}, saved(['hvs.a'], false)), revoke });
    await runPost({ runner: fakeActionRunner({}), revoke });
    assert.equal(called, false);
  });

  test('a failed revocation is a warning, never a failure', async () => {
    const runner = fakeActionRunner({}, saved(['hvs.a']));
    await runPost({ runner, revoke: async () => ({ revoked: 0, alreadyGone: 0, failed: 1 }) });
    assert.equal(runner.failed, undefined);
    assert.ok(runner.lines.some((line) => /^warning: 1 of 1 Vault token/.test(line)));
  });
});
