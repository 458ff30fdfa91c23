// The proxy's options through both front ends, and how `proxy` changes the action's defaults.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { thrown } from '../../helpers/rejection.ts';
import { parseActionConfig } from '../../../src/action/config.ts';
import { parseFlags } from '../../../src/cli/args.ts';
import { parseProxyConfig } from '../../../src/cli/config.ts';
import { PROXY_FLAGS } from '../../../src/cli/flags.ts';

const inputs = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
const base = { role: 'ci', 'vault-addr': 'https://vault.example.com:8200' };

function viaAction(values: Record<string, string>) {
  return parseActionConfig(inputs({ ...base, ...values }), '/work');
}

function viaCli(values: Record<string, string>) {
  const argv = Object.entries(values).map(([k, v]) => `--${k}=${v}`);
  return parseProxyConfig(parseFlags(argv, { specs: PROXY_FLAGS.flags }).values, { env: {}, cwd: '/work' });
}

describe('proxy options', () => {
  test('the same allow list and listen address from the action and the CLI', () => {
    const action = viaAction({
      proxy: 'true',
      'proxy-allow': 'transit/sign/cosign/*, transit/keys/cosign',
      'proxy-listen': '127.0.0.1:0',
    });
    const cli = viaCli({ allow: 'transit/sign/cosign/*, transit/keys/cosign', listen: '127.0.0.1:0' });
    assert.deepEqual(action.proxyOptions.allow.patterns, cli.allow.patterns);
    assert.deepEqual(action.proxyOptions.listen, cli.listen);
    assert.equal(cli.allow.allows('transit/sign/cosign/sha2-256'), true);
    assert.equal(cli.allow.allows('transit/sign/other/sha2-256'), false);
  });

  test('defaults: every path, a private unix socket', () => {
    const { proxyOptions } = viaAction({ proxy: 'true' });
    assert.equal(proxyOptions.allow.allows('anything/at/all'), true);
    assert.deepEqual(proxyOptions.listen, { kind: 'unix', path: '' });
  });

  for (const [action, cli] of [
    [{ 'proxy-listen': '0.0.0.0:8200' }, { listen: '0.0.0.0:8200' }],
    [{ 'proxy-listen': 'vault:8200:1' }, { listen: 'vault:8200:1' }],
    [{ 'proxy-allow': 'transit/../sys' }, { allow: 'transit/../sys' }],
    [{ 'proxy-allow': 'transit/*/sign' }, { allow: 'transit/*/sign' }],
  ] as const) {
    test(`the same error for ${JSON.stringify(action)}`, () => {
      const fromAction = thrown(() => viaAction(action));
      const fromCli = thrown(() => viaCli(cli));
      assert.equal(fromAction.code, 'INVALID_INPUT');
      assert.equal(fromCli.code, 'INVALID_INPUT');
      const [name] = Object.keys(action);
      const [flag] = Object.keys(cli);
      assert.match(fromAction.message, new RegExp(`^${name}: `));
      assert.match(fromCli.message, new RegExp(`^--${flag}: `));
    });
  }
});

describe('proxy in the action', () => {
  test('export-token defaults to false with proxy, true without', () => {
    assert.equal(viaAction({ proxy: 'true' }).exportToken, false);
    assert.equal(viaAction({}).exportToken, true);
    assert.equal(viaAction({ proxy: 'true', 'export-token': 'false' }).exportToken, false);
  });

  test('proxy with export-token true is refused, naming both', () => {
    const error = thrown(() => viaAction({ proxy: 'true', 'export-token': 'true' }));
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /^proxy and export-token are both true: .* remove export-token$/);
  });
});
