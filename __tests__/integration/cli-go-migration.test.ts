// A session set up from the Go spiffe-vault CLI's documentation (the SPIFFE CSI driver's socket,
// a role bound to audience CI) against the real stack: each failure names the flag to add, and
// with those flags the same session works. The CSI socket path exists only inside a private
// mount namespace of the test (a tmpfs at /spiffe-workload-api), never on the host.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CLI, cliEnv } from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, run, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus, vaultFetch } from '../helpers/vault-admin.ts';

const CSI_DIR = '/spiffe-workload-api';
const OUR_DEFAULT_DIR = '/tmp/spire-agent';
const ROLE = 'go-cli';
let stack: StackEnv;
let madeCsiDir = false;
const canUnshare = run('unshare', ['-m', 'true']).status === 0;

/** `spiffe-vault ARGS` where only the Go CLI's default socket exists (our default is hidden). */
function cliInCsiNamespace(args: readonly string[]) {
  const script = [
    'set -e',
    `mount -t tmpfs none ${CSI_DIR}`,
    `ln -s "$AGENT_SOCKET" ${CSI_DIR}/spire-agent.sock`,
    `if [ -d ${OUR_DEFAULT_DIR} ]; then mount -t tmpfs none ${OUR_DEFAULT_DIR}; fi`,
    'exec "$NODE" "$CLI" "$@"',
  ].join('\n');
  const env = cliEnv(stack, {
    SPIFFE_ENDPOINT_SOCKET: undefined,
    AGENT_SOCKET: stack.STACK_AGENT_SOCKET,
    NODE: process.execPath,
    CLI,
  });
  return run('unshare', ['-m', 'sh', '-c', script, 'sh', ...args], { env });
}

describe('moving from the Go spiffe-vault CLI', { skip: canUnshare ? false : 'needs unshare -m (root)' }, () => {
  before(async () => {
    stack = loadStackEnv();
    if (!existsSync(CSI_DIR)) {
      mkdirSync(CSI_DIR);
      madeCsiDir = true;
    }
    // The role as the Go CLI's documentation writes it: audience CI, subject the SPIFFE ID.
    const r = await vaultFetch(stack, `auth/jwt/role/${ROLE}`, {
      method: 'POST',
      body: {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_audiences: ['CI'],
        bound_subject: stack.STACK_SPIFFE_ID,
        token_policies: ['default', 'ci-sign'],
        token_ttl: 60,
      },
    });
    assert.equal(r.status, 204, JSON.stringify(r.body));
  });
  after(async () => {
    await vaultFetch(stack, `auth/jwt/role/${ROLE}`, { method: 'DELETE' });
    if (madeCsiDir) rmdirSync(CSI_DIR);
  });

  test('unchanged `auth -role R`: one line naming -socketPath and -audience CI, exit 2, at once', () => {
    const r = cliInCsiNamespace(['auth', '-role', ROLE]);
    assert.equal(r.status, 2, describeRun('auth', r));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^spiffe-vault: error \[INVALID_INPUT\]: socket-path: /);
    assert.match(r.stderr, /add -socketPath unix:\/\/\/spiffe-workload-api\/spire-agent\.sock; .* add -audience CI$/m);
  });

  test('with -socketPath only: Vault refuses the audience, and the error names -audience CI', () => {
    const r = cliInCsiNamespace(['auth', '-role', ROLE, '-socketPath', 'unix:///spiffe-workload-api/spire-agent.sock']);
    assert.equal(r.status, 1, describeRun('auth', r));
    assert.match(r.stderr, /error \[VAULT_LOGIN_DENIED\]: .*add -audience CI$/m);
  });

  test('with both flags the Go CLI session works: export VAULT_TOKEN, a live token', async () => {
    const r = cliInCsiNamespace([
      'auth',
      '-role',
      ROLE,
      '-audience',
      'CI',
      '-socketPath',
      'unix:///spiffe-workload-api/spire-agent.sock',
    ]);
    assert.equal(r.status, 0, describeRun('auth', r));
    const token = /^export VAULT_TOKEN='([^']+)'$/m.exec(r.stdout)?.[1] ?? '';
    assert.equal((await lookupSelfStatus(stack, token)).status, 200);
    await vaultFetch(stack, 'auth/token/revoke-self', { method: 'POST', token });
  });
});
