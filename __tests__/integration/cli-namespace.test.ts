// A namespace on each real server: OpenBao refuses one that does not exist (the error names the
// namespace input); HashiCorp Vault's Community Edition ignores namespaces, and we say so.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { cli, cliEnv } from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, selectedVaultServer, type StackEnv } from '../helpers/stack-env.ts';
import { vaultFetch } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

const auth = () =>
  cli(['auth', '--role', stack.STACK_ROLE, '--audience', stack.STACK_AUDIENCE, '--namespace', 'team-x'], {
    env: cliEnv(stack),
  });

if (selectedVaultServer() === 'hashicorp') {
  test('Vault Community Edition: the login works in the root namespace, with a warning that says so', async () => {
    const r = auth();
    assert.equal(r.status, 0, describeRun('auth', r));
    assert.match(
      r.stderr,
      /warning: Vault 1\.\d+\.\d+ Community Edition has no namespaces: namespace 'team-x' is ignored/,
    );
    const token = /^export VAULT_TOKEN='([^']+)'$/m.exec(r.stdout)?.[1] ?? '';
    await vaultFetch(stack, 'auth/token/revoke-self', { method: 'POST', token });
  });
} else {
  test('OpenBao: a namespace that does not exist is VAULT_LOGIN_DENIED naming the namespace input', () => {
    const r = auth();
    assert.equal(r.status, 1, describeRun('auth', r));
    assert.match(r.stderr, /error \[VAULT_LOGIN_DENIED\]: .*404 namespace not found — there is no namespace 'team-x'/);
    assert.doesNotMatch(r.stderr, /Community Edition/);
  });
}
