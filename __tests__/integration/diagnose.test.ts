// Real failures of the stack's OpenBao and SPIRE come out as the expected findings (code, reason,
// fix), and the answers recorded in __tests__/unit/diagnose/server-answers.ts are still what the
// live OpenBao says: an upgrade that changes its words fails here before a classifier goes wrong.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findingOf } from '../../src/core/diagnose/finding.ts';
import { WorkloadApiClient } from '../../src/core/spiffe/client.ts';
import { WorkloadApiError } from '../../src/core/spiffe/errors.ts';
import { VaultClient } from '../../src/core/vault/client.ts';
import { VaultError } from '../../src/core/vault/errors.ts';
import { loginWithJwt, lookupSelf, revokeSelf } from '../../src/core/vault/token.ts';
import { TransitError, TransitSigner, type TokenProvider } from '../../src/core/vault/transit.ts';
import { loadStackEnv, selectedVaultServer, type StackEnv } from '../helpers/stack-env.ts';
import { rejection } from '../helpers/rejection.ts';
import { startSealedServer } from '../helpers/throwaway.ts';
import { vaultFetch } from '../helpers/vault-admin.ts';

const hashicorp = selectedVaultServer() === 'hashicorp';
/** The answers recorded from the server this run uses. */
const ANSWERS = hashicorp ? VAULT : OPENBAO;
import { OPENBAO, VAULT, type RecordedAnswer } from '../unit/diagnose/server-answers.ts';

let stack: StackEnv;
let client: VaultClient;
let workload: WorkloadApiClient;
const DIGEST = Buffer.alloc(32, 7).toString('base64');

before(() => {
  stack = loadStackEnv();
  client = new VaultClient({
    address: stack.VAULT_ADDR,
    retryPolicy: { initialDelayMs: 50, maxDelayMs: 200, deadlineMs: 2_000 },
  });
  workload = new WorkloadApiClient({ address: stack.SPIFFE_ENDPOINT_SOCKET, timeoutMs: 20_000 });
});

after(() => workload.close());

const svid = (audience = stack.STACK_AUDIENCE) => workload.fetchJwtSvid({ audiences: [audience] });
const fixed = (token: string): TokenProvider => ({
  getToken: async () => token,
  renewToken: async () => assert.fail('renewToken should not be called'),
});

async function roleToken(role: string): Promise<string> {
  const { token } = await svid();
  return (await loginWithJwt(client, { authPath: 'jwt', role, jwt: token })).token;
}

function sameAnswer(live: { status: number; body: Record<string, unknown> }, recorded: RecordedAnswer): void {
  assert.deepEqual({ status: live.status, errors: live.body.errors ?? [] }, recorded);
}

describe('the recorded OpenBao answers are what the stack says', () => {
  test('logins: unknown role, no auth method, wrong audience', async () => {
    const { token } = await svid();
    const login = (path: string, role: string, jwt = token) =>
      vaultFetch(stack, `auth/${path}/login`, { method: 'POST', token: '', body: { role, jwt } });
    sameAnswer(await login('jwt', 'no-such-role'), ANSWERS.unknownRole);
    sameAnswer(await login('nowhere', stack.STACK_ROLE), ANSWERS.noAuthMount);
    sameAnswer(
      await login('jwt', stack.STACK_ROLE, (await svid(`other-${randomBytes(2).toString('hex')}`)).token),
      ANSWERS.wrongAudience,
    );
  });

  test('tokens and transit: denied, revoked, missing key or mount, a batch too large', async () => {
    const nosign = await roleToken(stack.STACK_ROLE_NOSIGN);
    const sign = (key: string, body: Record<string, unknown>, token = stack.STACK_ADMIN_TOKEN) =>
      vaultFetch(stack, `transit/sign/${key}/sha2-256`, { method: 'POST', token, body: { prehashed: true, ...body } });
    sameAnswer(await sign(stack.STACK_TRANSIT_KEY, { input: DIGEST }, nosign), ANSWERS.signDenied);
    await revokeSelf(client, nosign);
    sameAnswer(await vaultFetch(stack, 'auth/token/lookup-self', { token: nosign }), ANSWERS.invalidToken);
    sameAnswer(await vaultFetch(stack, 'transit/keys/no-such-key'), ANSWERS.keyMissingRead);
    sameAnswer(await sign('no-such-key', { input: DIGEST }), ANSWERS.keyMissingSign);
    sameAnswer(await vaultFetch(stack, 'no-such-mount/keys/cosign'), ANSWERS.noTransitMount);
    // Past each server's limit: OpenBao counts JSON strings (1,000), Vault array elements (10,000).
    const batch = Array.from({ length: hashicorp ? 10_001 : 600 }, (_, i) => ({ input: DIGEST, reference: String(i) }));
    sameAnswer(
      await sign(stack.STACK_TRANSIT_KEY, { batch_input: batch, marshaling_algorithm: 'asn1' }),
      ANSWERS.batchTooLarge,
    );
  });
});

describe('real failures come out as findings', () => {
  test('an unknown role: VAULT_LOGIN_DENIED, role-not-found, with the command that lists roles', async () => {
    const { token } = await svid();
    const error = await rejection(
      loginWithJwt(client, { authPath: 'jwt', role: 'no-such-role', jwt: token }),
      VaultError,
      'VAULT_LOGIN_DENIED',
    );
    assert.equal(error.finding?.reason, 'role-not-found');
    assert.equal(error.finding?.answer, '400 role "no-such-role" could not be found');
    assert.deepEqual(error.finding?.commands, ['vault list auth/jwt/role']);
    assert.ok(!JSON.stringify(error.finding).includes(token), 'the JWT-SVID leaked into the finding');
  });

  test('a wrong auth path: VAULT_LOGIN_DENIED, auth-mount-missing', async () => {
    const { token } = await svid();
    const error = await rejection(
      loginWithJwt(client, { authPath: 'nowhere', role: stack.STACK_ROLE, jwt: token }),
      VaultError,
      'VAULT_LOGIN_DENIED',
    );
    assert.equal(error.finding?.reason, 'auth-mount-missing');
    assert.match(error.finding?.fix ?? '', /auth\/nowhere/);
  });

  test('a JWT-SVID for another audience: VAULT_LOGIN_DENIED, audience-mismatch', async () => {
    const { token } = await svid('not-the-role-audience');
    const options = { authPath: 'jwt', role: stack.STACK_ROLE, jwt: token, audience: 'not-the-role-audience' };
    const error = await rejection(loginWithJwt(client, options), VaultError, 'VAULT_LOGIN_DENIED');
    assert.equal(error.finding?.reason, 'audience-mismatch');
  });

  test('a denied transit sign: TRANSIT_PERMISSION_DENIED naming the missing capability, with the policy lines', async () => {
    const token = await roleToken(stack.STACK_ROLE_NOSIGN);
    try {
      const signer = await TransitSigner.open({ client, tokens: fixed(token), transitKey: stack.STACK_TRANSIT_KEY });
      const error = await rejection(
        signer.signDigests([Buffer.alloc(32, 1)]),
        TransitError,
        'TRANSIT_PERMISSION_DENIED',
      );
      const finding = findingOf(error);
      assert.equal(finding?.reason, 'capability-missing');
      assert.equal(finding?.answer, '403 permission denied');
      assert.match(finding?.why ?? '', new RegExp(`"update" on 'transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256'`));
      assert.ok(finding?.policy?.some((line) => line.includes(`transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256"`)));
    } finally {
      await revokeSelf(client, token);
    }
  });

  test('a revoked token: VAULT_PERMISSION_DENIED; Vault says the token is invalid, OpenBao only "permission denied"', async () => {
    const token = await roleToken(stack.STACK_ROLE);
    await revokeSelf(client, token);
    const error = await rejection(lookupSelf(client, token), VaultError, 'VAULT_PERMISSION_DENIED');
    assert.equal(error.finding?.reason, hashicorp ? 'token-invalid' : 'permission-denied');
  });

  test('a sealed OpenBao: VAULT_SEALED at login, at once', async () => {
    const bao = await startSealedServer(stack);
    try {
      const sealed = new VaultClient({ address: bao.address });
      const started = Date.now();
      const error = await rejection(
        loginWithJwt(sealed, { authPath: 'jwt', role: 'ci', jwt: 'x.y.z' }),
        VaultError,
        'VAULT_SEALED',
      );
      assert.ok(Date.now() - started < 5_000, 'a sealed server is not retried');
      assert.equal(error.finding?.reason, 'sealed');
      assert.equal(error.finding?.status, 503);
    } finally {
      await bao.stop();
    }
  });

  test('a Workload API socket that does not exist: WORKLOAD_API_UNAVAILABLE, socket-missing', async () => {
    const missing = new WorkloadApiClient({
      address: `unix:///tmp/no-such-agent-${randomBytes(4).toString('hex')}.sock`,
      timeoutMs: 1_000,
    });
    try {
      const error = await rejection(
        missing.fetchJwtSvid({ audiences: ['vault'] }),
        WorkloadApiError,
        'WORKLOAD_API_UNAVAILABLE',
      );
      assert.equal(error.finding?.reason, 'socket-missing');
    } finally {
      missing.close();
    }
  });
});
