import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDefaultSocket, withAudienceHint } from '../../../src/core/login/go-cli-defaults.ts';
import { parseLoginConfig } from '../../../src/cli/config.ts';
import { VaultError } from '../../../src/core/vault/errors.ts';

const login = (values: Record<string, string>, env: Record<string, string> = {}) =>
  parseLoginConfig({ role: 'ci', ...values }, env);
const goCliOnly = (path: string) => path === '/spiffe-workload-api/spire-agent.sock';

describe("the Go spiffe-vault CLI's defaults", () => {
  test('default socket missing, the Go CLI socket there: one line naming -socketPath (and -audience CI)', () => {
    assert.throws(() => checkDefaultSocket(login({}), goCliOnly), {
      code: 'INVALID_INPUT',
      message:
        /add -socketPath unix:\/\/\/spiffe-workload-api\/spire-agent\.sock; if the role was set up for the Go spiffe-vault CLI \(bound_audiences=CI\), add -audience CI$/,
    });
    assert.throws(
      () => checkDefaultSocket(login({ audience: 'vault' }), goCliOnly),
      (error: Error) => {
        assert.doesNotMatch(error.message, /-audience/);
        return true;
      },
    );
  });

  test('nothing to say when the socket was chosen, ours exists, or neither exists', () => {
    checkDefaultSocket(login({ 'socket-path': '/tmp/spire-agent/public/api.sock' }), goCliOnly);
    checkDefaultSocket(login({}, { SPIFFE_ENDPOINT_SOCKET: 'unix:///tmp/spire-agent/public/api.sock' }), goCliOnly);
    checkDefaultSocket(login({}), () => true);
    checkDefaultSocket(login({}), () => false);
  });

  test('an audience denial with the default audience names -audience CI; nothing else changes', () => {
    const refusal = (reason: string) =>
      new VaultError('VAULT_LOGIN_DENIED', 'failed to log in', {
        finding: { code: 'VAULT_LOGIN_DENIED', area: 'vault', reason, what: 'failed to log in' },
      });
    const denied = () => refusal('audience-mismatch');
    assert.match((withAudienceHint(denied(), login({})) as Error).message, /add -audience CI$/);
    assert.doesNotMatch((withAudienceHint(denied(), login({ audience: 'vault' })) as Error).message, /-audience CI/);
    const other = refusal('role-not-found');
    assert.doesNotMatch((withAudienceHint(other, login({})) as Error).message, /-audience/);
  });
});
