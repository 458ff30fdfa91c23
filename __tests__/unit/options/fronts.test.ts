// The action and the CLI read options through one table: the same values give the same
// config, and the same bad value the same error code, naming each front's spelling.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { thrown } from '../../helpers/rejection.ts';
import { parseActionConfig } from '../../../src/action/config.ts';
import { parseFlags } from '../../../src/cli/args.ts';
import { parseLoginConfig, parseTransitConfig, parseVaultConfig } from '../../../src/cli/config.ts';
import { LOGIN_FLAGS, mergeFlags, SIGNING_FLAGS, VAULT_FLAGS } from '../../../src/cli/flags.ts';
import { OPTIONS } from '../../../src/core/options/table.ts';

const specs = mergeFlags([LOGIN_FLAGS, VAULT_FLAGS, SIGNING_FLAGS]);
const base = { role: 'ci', 'vault-addr': 'https://vault.example.com:8200' };

function viaAction(values: Record<string, string>, env: Record<string, string> = {}) {
  const inputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const config = parseActionConfig({ ...env, ...inputs }, '/work');
  return { connection: config.connection, login: config.login, transit: config.transit };
}

function viaCli(values: Record<string, string>, env: Record<string, string> = {}) {
  const argv = Object.entries(values).map(([k, v]) => `--${k}=${v}`);
  const flags = parseFlags(argv, { specs }).values;
  return {
    connection: parseVaultConfig(flags, { env, cwd: '/work' }),
    login: parseLoginConfig(flags, env),
    transit: parseTransitConfig(flags, env),
  };
}

describe('one option table, two front ends', () => {
  const good: Record<string, string>[] = [
    {},
    { audience: 'a,b', 'auth-path': '/auth/spiffe/', 'socket-path': '/run/agent.sock', timeout: '1m30s' },
    { namespace: 'team', 'max-token-ttl': '2m', 'transit-path': 'ci/transit', 'key-version': 'v3' },
    { 'tls-skip-verify': 'true', 'spiffe-id': 'spiffe://example.org/ci', 'transit-key': 'release' },
  ];
  for (const values of good) {
    test(`same config for ${JSON.stringify(values)}`, () => {
      assert.deepEqual(viaAction({ ...base, ...values }), viaCli({ ...base, ...values }));
    });
  }

  test('the same environment fallbacks: VAULT_* then BAO_*, SPIFFE_ENDPOINT_SOCKET, TRANSIT_SECRET_ENGINE_PATH', () => {
    const env = {
      BAO_ADDR: 'http://127.0.0.1:8200',
      BAO_NAMESPACE: 'ns',
      VAULT_SKIP_VERIFY: '1',
      SPIFFE_ENDPOINT_SOCKET: 'tcp://127.0.0.1:8081',
      TRANSIT_SECRET_ENGINE_PATH: 'signing',
    };
    const fromAction = viaAction({ role: 'ci' }, env);
    assert.deepEqual(fromAction, viaCli({ role: 'ci' }, env));
    assert.equal(fromAction.connection.vaultAddr, 'http://127.0.0.1:8200');
    assert.equal(fromAction.connection.namespace, 'ns');
    assert.equal(fromAction.connection.tls.skipVerify, true);
    assert.equal(fromAction.transit.transitPath, 'signing');
  });

  const bad: Record<string, string>[] = [
    { role: '' },
    { role: 'a b' },
    { 'vault-addr': 'vault:8200' },
    { audience: ',' },
    { 'auth-path': 'a b' },
    { 'socket-path': 'http://x' },
    { 'spiffe-id': 'not-a-spiffe-id' },
    { 'max-token-ttl': 'never' },
    { timeout: '-1s' },
    { 'tls-skip-verify': 'yes' },
    { 'client-cert': '/etc/hostname' },
    { 'ca-cert': '/nonexistent.pem' },
    { 'transit-path': 'a b' },
    { 'transit-key': 'transit/cosign' },
    { 'key-version': '0' },
  ];
  for (const values of bad) {
    const [name] = Object.keys(values) as (keyof typeof OPTIONS)[];
    test(`the same error code for ${JSON.stringify(values)}`, () => {
      const fromAction = thrown(() => viaAction({ ...base, ...values }));
      const fromCli = thrown(() => viaCli({ ...base, ...values }));
      assert.equal(fromAction.code, 'INVALID_INPUT');
      assert.equal(fromCli.code, fromAction.code);
      if (name !== 'client-cert') {
        assert.match(fromAction.message, new RegExp(`^${name}: `));
        assert.match(fromCli.message, new RegExp(`^--${name}: `));
      }
    });
  }
});
