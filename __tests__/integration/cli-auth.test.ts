// `spiffe-vault auth` and `revoke` (dist/cli.js) on the real stack, as a shell user runs them;
// and what every command shares: help, version, usage errors.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { CLI, cli, cliEnv, leaks } from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, run, type StackEnv } from '../helpers/stack-env.ts';
import { startThrowawayServer, type ThrowawayServer } from '../helpers/throwaway.ts';
import { lookupSelfStatus } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

describe('auth', () => {
  test('eval "$(spiffe-vault auth -role ci)" in bash: the vault CLI (bao) works with the token, ttl ≤ 60', () => {
    const script = [
      'set -euo pipefail',
      `eval "$(node "$CLI" auth -role ${stack.STACK_ROLE} -audience ${stack.STACK_AUDIENCE})"`,
      'bao token lookup -format=json',
      'echo "token=$VAULT_TOKEN"',
    ].join('\n');
    const r = run('bash', ['-c', script], { env: { ...cliEnv(stack), CLI } });
    assert.equal(r.status, 0, describeRun('bash', r));
    const token = /^token=(.+)$/m.exec(r.stdout)?.[1] ?? '';
    const lookup = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('token='))) as {
      data: { ttl: number; policies: string[] };
    };
    assert.ok(lookup.data.ttl > 0 && lookup.data.ttl <= 60, `ttl ${lookup.data.ttl}`);
    assert.ok(lookup.data.policies.includes('ci-sign'));
    assert.deepEqual(leaks(r.stderr, [token]), [], 'stderr shows no token and no JWT');
  });

  test('prints shell-quoted exports only; messages on stderr without secrets; revoke ends the token', async () => {
    const env = cliEnv(stack);
    const r = cli(['auth', '--role', stack.STACK_ROLE, '--audience=vault'], { env });
    assert.equal(r.status, 0, describeRun('auth', r));
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^export [A-Z_]+='[^']*'$/);
    const exported = Object.fromEntries(lines.map((l) => /^export ([A-Z_]+)='(.*)'$/.exec(l)!.slice(1, 3)));
    assert.equal(exported.VAULT_ADDR, stack.VAULT_ADDR);
    assert.equal(exported.TRANSIT_SECRET_ENGINE_PATH, 'transit');
    assert.equal(exported.VAULT_NAMESPACE, undefined);
    const token = exported.VAULT_TOKEN ?? '';
    assert.ok(token.length > 10);
    assert.deepEqual(leaks(r.stderr, [token]), []);
    assert.match(r.stderr, /Logged in to Vault/);

    const revoked = cli(['revoke'], { env: { ...env, VAULT_TOKEN: token } });
    assert.equal(revoked.status, 0, describeRun('revoke', revoked));
    assert.equal(revoked.stdout, '');
    assert.deepEqual(leaks(revoked.stderr, [token]), []);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
    const again = cli(['revoke', '--json'], { env: { ...env, VAULT_TOKEN: token } });
    assert.equal(again.status, 0, describeRun('revoke again', again));
    assert.deepEqual(JSON.parse(again.stdout), { revoked: true, alreadyGone: true });
  });

  test('--json: a JSON result on stdout', async () => {
    const r = cli(['auth', '-role', stack.STACK_ROLE, '--json', '-q'], { env: cliEnv(stack, { VAULT_NAMESPACE: '' }) });
    assert.equal(r.status, 0, describeRun('auth --json', r));
    assert.equal(r.stderr, '', '--quiet prints nothing on success');
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(result.spiffeId, stack.STACK_SPIFFE_ID);
    assert.equal(result.vaultAddr, stack.VAULT_ADDR);
    assert.ok(Number(result.ttlSeconds) > 0 && Number(result.ttlSeconds) <= 60);
    assert.ok(!Number.isNaN(Date.parse(String(result.expiresAt))));
    assert.equal((result.env as Record<string, string>).VAULT_TOKEN, result.token);
    assert.equal((await lookupSelfStatus(stack, String(result.token))).status, 200);
    cli(['revoke'], { env: cliEnv(stack, { VAULT_TOKEN: String(result.token) }) });
  });

  test('a denied login: exit 1, one error line with the code and the fix, nothing on stdout', () => {
    const r = cli(['auth', '-role', 'no-such-role', '--timeout=5s'], { env: cliEnv(stack) });
    assert.equal(r.status, 1, describeRun('auth', r));
    assert.equal(r.stdout, '');
    const errors = r.stderr.split('\n').filter((line) => line.startsWith('spiffe-vault: error'));
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^spiffe-vault: error \[VAULT_LOGIN_DENIED\]: .*no-such-role/);
    assert.deepEqual(leaks(r.stderr), []);
  });

  test('no agent: exit 1 with the Workload API code', () => {
    const r = cli(['auth', '-role', 'ci', '--timeout=1s'], {
      env: cliEnv(stack, { SPIFFE_ENDPOINT_SOCKET: 'unix:///tmp/no-such-agent.sock' }),
    });
    assert.equal(r.status, 1, describeRun('auth', r));
    assert.match(r.stderr, /\[WORKLOAD_API_UNAVAILABLE\]/);
  });
});

describe('Vault over TLS: --ca-cert, VAULT_CACERT, --tls-skip-verify', () => {
  let bao: ThrowawayServer;
  before(async () => {
    bao = await startThrowawayServer(stack, { tls: true });
  });
  after(() => bao?.stop());

  /** A fresh token of the TLS server, minted with its root token by its own CLI (both read VAULT_*). */
  function mintToken(): string {
    const r = run(`${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`, ['token', 'create', '-format=json', '-ttl=60s'], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: tmpdir(),
        VAULT_ADDR: bao.address,
        VAULT_TOKEN: bao.rootToken,
        VAULT_CACERT: bao.caCertFile,
      },
    });
    assert.equal(r.status, 0, describeRun(`${stack.STACK_VAULT_CLI} token create`, r));
    return (JSON.parse(r.stdout) as { auth: { client_token: string } }).auth.client_token;
  }

  test('without the CA: exit 1, the TLS failure and the fix in one line', () => {
    const r = cli(['revoke', '--vault-addr', bao.address, '--timeout=2s'], {
      env: cliEnv(stack, { VAULT_TOKEN: mintToken() }),
    });
    assert.equal(r.status, 1, describeRun('revoke', r));
    assert.match(r.stderr, /^spiffe-vault: error \[VAULT_REVOKE_FAILED\]: .*TLS failed .*ca-cert/m);
  });

  test('with --ca-cert, or VAULT_CACERT: the token is revoked', () => {
    const viaFlag = cli(['revoke', '--vault-addr', bao.address, '--ca-cert', bao.caCertFile ?? '', '--json'], {
      env: cliEnv(stack, { VAULT_TOKEN: mintToken() }),
    });
    assert.equal(viaFlag.status, 0, describeRun('revoke --ca-cert', viaFlag));
    assert.deepEqual(JSON.parse(viaFlag.stdout), { revoked: true, alreadyGone: false });
    const viaEnv = cli(['revoke', '--json'], {
      env: cliEnv(stack, { VAULT_ADDR: bao.address, VAULT_CACERT: bao.caCertFile, VAULT_TOKEN: mintToken() }),
    });
    assert.equal(viaEnv.status, 0, describeRun('revoke VAULT_CACERT', viaEnv));
    assert.deepEqual(JSON.parse(viaEnv.stdout), { revoked: true, alreadyGone: false });
  });

  test('--tls-skip-verify works, with a warning', () => {
    const r = cli(['revoke', '--vault-addr', bao.address, '--tls-skip-verify'], {
      env: cliEnv(stack, { VAULT_TOKEN: mintToken() }),
    });
    assert.equal(r.status, 0, describeRun('revoke --tls-skip-verify', r));
    assert.match(r.stderr, /warning: --tls-skip-verify is on/);
  });
});

describe('every command', () => {
  const commands = ['auth', 'exec', 'sign-blob', 'verify-blob', 'revoke'];

  test('--help and -h exit 0 with the command’s help on stdout', () => {
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        const r = cli([command, flag], { env: cliEnv(stack) });
        assert.equal(r.status, 0, describeRun(`${command} ${flag}`, r));
        assert.match(r.stdout, new RegExp(`^spiffe-vault ${command}: [\\s\\S]*Examples:`));
        assert.equal(r.stderr, '');
      }
    }
    const main = cli(['--help'], { env: cliEnv(stack) });
    assert.equal(main.status, 0);
    for (const command of commands) assert.match(main.stdout, new RegExp(`\\n  ${command} `));
  });

  test('--version prints the package version', () => {
    const r = cli(['--version'], { env: cliEnv(stack) });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\S*\n$/);
  });

  test('no command: the help on stderr, exit 2', () => {
    const r = cli([], { env: cliEnv(stack) });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Commands:/);
  });

  test('bad flags and values: exit 2, one line naming the flag, nothing on stdout, no token minted', () => {
    const cases: [string[], RegExp][] = [
      [['auth', '-nope'], /unknown flag '-nope'/],
      [['auth'], /--role: required/],
      [['auth', '-role', 'ci', '--timeout=soon'], /--timeout: 'soon'/],
      [['auth', '-role', 'ci', '--json=yes'], /--json: 'yes' is not a boolean/],
      [['auth', '-role', 'ci', '--vault-addr', 'vault:8200'], /--vault-addr: /],
      [['auth', '-role', 'ci', '--socket-path', 'http://agent'], /--socket-path: /],
      [['auth', '-role', 'ci', '--ca-cert', '/no/such/ca.pem'], /--ca-cert: cannot read/],
      [['exec', '-role', 'ci'], /no command given/],
      [['exec', '-role', 'ci', '--bogus', '--', 'true'], /unknown flag '--bogus'/],
      [['sign-blob', '-role', 'ci', '--bundle=maybe', 'f'], /--bundle: 'maybe'/],
      [['sign-blob', '-role', 'ci', '--key-version=0', 'f'], /--key-version: '0'/],
      [['sign-blob', '-role', 'ci', '--if-no-files-found=fail', 'f'], /--if-no-files-found: 'fail'/],
      [['sign-blob', '-role', 'ci'], /no FILE given/],
      [['sign-blob', 'f'], /--role: required .* or set VAULT_TOKEN/],
      [['verify-blob', 'f'], /--key: required/],
      [['verify-blob', '--key', 'k.pub', 'f'], /give exactly one/],
      [['revoke'], /VAULT_TOKEN: not set/],
      [['verify-image', 'x'], /--key: required/],
      [['diagnose', 'x'], /unknown command 'diagnose'/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, { env: cliEnv(stack) });
      assert.equal(r.status, 2, describeRun(args.join(' '), r));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /^spiffe-vault: error \[[A-Z_]+\]: [^\n]+\n$/, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
    const noAddr = cli(['auth', '-role', 'ci'], { env: cliEnv(stack, { VAULT_ADDR: undefined }) });
    assert.equal(noAddr.status, 2);
    assert.match(noAddr.stderr, /--vault-addr: not set/);
  });
});
