import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseActionInputs, type InputReader } from '../../../src/action/inputs.ts';

function reader(inputs: Record<string, string>): InputReader {
  return (name) => inputs[name] ?? '';
}
const base = { role: 'ci', 'vault-addr': 'https://vault.example.com:8200' };

describe('parseActionInputs', () => {
  test('defaults', () => {
    const config = parseActionInputs(reader(base), {});
    assert.equal(config.vaultAddr, 'https://vault.example.com:8200');
    assert.deepEqual(config.audiences, ['vault']);
    assert.equal(config.authPath, 'jwt');
    assert.equal(config.socketAddress, 'unix:///tmp/spire-agent/public/api.sock');
    assert.equal(config.exportToken, true);
    assert.equal(config.outputToken, false);
    assert.equal(config.revoke, true);
    assert.equal(config.maxTokenTtlSeconds, undefined);
    assert.equal(config.timeoutMs, 60_000);
    assert.equal(config.namespace, '');
    assert.ok(Object.isFrozen(config));
  });

  test('environment fallbacks: VAULT_ADDR, VAULT_NAMESPACE, SPIFFE_ENDPOINT_SOCKET', () => {
    const config = parseActionInputs(reader({ role: 'ci' }), {
      VAULT_ADDR: 'http://127.0.0.1:8200',
      VAULT_NAMESPACE: 'team',
      SPIFFE_ENDPOINT_SOCKET: 'tcp://127.0.0.1:8081',
    });
    assert.equal(config.vaultAddr, 'http://127.0.0.1:8200');
    assert.equal(config.namespace, 'team');
    assert.equal(config.socketAddress, 'tcp://127.0.0.1:8081');
  });

  test('a bare socket path and an auth/ prefix are accepted', () => {
    const config = parseActionInputs(
      reader({ ...base, 'socket-path': '/run/spire/api.sock', 'auth-path': '/auth/spiffe/' }),
      {},
    );
    assert.equal(config.socketAddress, 'unix:///run/spire/api.sock');
    assert.equal(config.authPath, 'spiffe');
  });

  test('max-token-ttl in seconds', () => {
    assert.equal(parseActionInputs(reader({ ...base, 'max-token-ttl': '2m' }), {}).maxTokenTtlSeconds, 120);
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
    [{ 'client-cert': '/etc/hostname' }, /^client-cert and client-key/],
    [{ 'ca-cert': '/nonexistent.pem' }, /^ca-cert: /],
  ];
  for (const [inputs, message] of bad) {
    test(`rejects ${JSON.stringify(inputs)}`, () => {
      assert.throws(
        () => parseActionInputs(reader({ ...base, ...inputs }), {}),
        (error: unknown) => {
          assert.match((error as Error).message, message);
          assert.ok(
            ['INVALID_INPUT', 'SPIFFE_ID_INVALID'].includes((error as { code: string }).code),
            (error as { code: string }).code,
          );
          return true;
        },
      );
    });
  }
});
