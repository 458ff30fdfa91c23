import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseActionConfig } from '../../../src/action/config.ts';

/** The runner's view of inputs: INPUT_<NAME> variables, plus other environment variables. */
function parseActionInputs(inputs: Record<string, string>, env: Record<string, string>) {
  const vars = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  return parseActionConfig({ ...env, ...vars }, '/workspace');
}
const reader = (inputs: Record<string, string>) => inputs;
const base = { role: 'ci', 'vault-addr': 'https://vault.example.com:8200' };

describe('parseActionConfig', () => {
  test('defaults', () => {
    const config = parseActionInputs(reader(base), {});
    assert.equal(config.connection.vaultAddr, 'https://vault.example.com:8200');
    assert.deepEqual(config.login.audiences, ['vault']);
    assert.equal(config.login.authPath, 'jwt');
    assert.equal(config.login.socketAddress, 'unix:///tmp/spire-agent/public/api.sock');
    assert.equal(config.exportToken, true);
    assert.equal(config.outputToken, false);
    assert.equal(config.revoke, true);
    assert.equal(config.login.maxTokenTtlSeconds, undefined);
    assert.equal(config.connection.timeoutMs, 60_000);
    assert.equal(config.connection.namespace, '');
    assert.ok(Object.isFrozen(config));
  });

  test('environment fallbacks: VAULT_ADDR, VAULT_NAMESPACE, SPIFFE_ENDPOINT_SOCKET', () => {
    const config = parseActionInputs(reader({ role: 'ci' }), {
      VAULT_ADDR: 'http://127.0.0.1:8200',
      VAULT_NAMESPACE: 'team',
      SPIFFE_ENDPOINT_SOCKET: 'tcp://127.0.0.1:8081',
    });
    assert.equal(config.connection.vaultAddr, 'http://127.0.0.1:8200');
    assert.equal(config.connection.namespace, 'team');
    assert.equal(config.login.socketAddress, 'tcp://127.0.0.1:8081');
  });

  test('a bare socket path and an auth/ prefix are accepted', () => {
    const config = parseActionInputs(
      reader({ ...base, 'socket-path': '/run/spire/api.sock', 'auth-path': '/auth/spiffe/' }),
      {},
    );
    assert.equal(config.login.socketAddress, 'unix:///run/spire/api.sock');
    assert.equal(config.login.authPath, 'spiffe');
  });

  test('max-token-ttl in seconds', () => {
    assert.equal(parseActionInputs(reader({ ...base, 'max-token-ttl': '2m' }), {}).login.maxTokenTtlSeconds, 120);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ role: '' }, /^role: required/],
    [{ role: 'a b' }, /^role: /],
    [{ 'vault-addr': '' }, /^vault-addr: not set/],
    [{ 'vault-addr': 'vault:8200' }, /^vault-addr: /],
    [{ 'export-token': 'yes' }, /^export-token: /],
    [{ revoke: '1' }, /^revoke: /],
    [{ timeout: '-1s' }, /^timeout: /],
    [{ 'max-token-ttl': 'never' }, /^max-token-ttl: /],
    [{ 'socket-path': 'http://x' }, /^socket-path: /],
    [{ 'spiffe-id': 'not-a-spiffe-id' }, /spiffe/i],
    [{ 'client-cert': '/etc/hostname' }, /^client-key: missing/],
    [{ 'ca-cert': '/nonexistent.pem' }, /^ca-cert: /],
  ];
  for (const [inputs, message] of bad) {
    test(`rejects ${JSON.stringify(inputs)}`, () => {
      assert.throws(
        () => parseActionInputs(reader({ ...base, ...inputs }), {}),
        (error: unknown) => {
          assert.match((error as Error).message, message);
          assert.equal((error as { code: string }).code, 'INVALID_INPUT');
          return true;
        },
      );
    });
  }
});
