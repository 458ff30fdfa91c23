import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { VaultError } from '../../../src/core/vault/errors.ts';
import { loginWithJwt, revokeSelf } from '../../../src/core/vault/token.ts';
import { FAST_RETRY, LOGIN_OK, startFakeVault, type FakeVault } from './fake-vault.ts';
import { rejection } from '../../helpers/rejection.ts';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly90ZC93In0.c2ln';
let fake: FakeVault | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function client(address: string, extra: Partial<ConstructorParameters<typeof VaultClient>[0]> = {}) {
  return new VaultClient({ address, retryPolicy: FAST_RETRY, ...extra });
}

const login = (c: VaultClient) => loginWithJwt(c, { authPath: 'jwt', role: 'ci', jwt: JWT, audience: 'vault' });

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<VaultError> {
  const error = await rejection(promise, VaultError, code);
  assert.ok(!error.message.includes(JWT), 'the JWT leaked into the message');
  assert.ok(!JSON.stringify(error, Object.getOwnPropertyNames(error)).includes(JWT), 'the JWT leaked into the error');
  return error;
}

describe('VaultClient retries', () => {
  test('a 503 at the third request, then success', async () => {
    fake = await startFakeVault([
      { status: 503, body: { errors: ['standby'] } },
      { status: 500 },
      { status: 502 },
      LOGIN_OK,
    ]);
    const token = await login(client(fake.address));
    assert.equal(token.token, 's.secret-token');
    assert.equal(fake.requests.length, 4);
  });

  test('412 (replication lag) and 429 are retried', async () => {
    fake = await startFakeVault([{ status: 412 }, { status: 429 }, LOGIN_OK]);
    await login(client(fake.address));
    assert.equal(fake.requests.length, 3);
  });

  test('a reset connection is retried', async () => {
    fake = await startFakeVault(['reset', LOGIN_OK]);
    await login(client(fake.address));
    assert.equal(fake.requests.length, 2);
  });

  test('a 400 is not retried', async () => {
    fake = await startFakeVault([{ status: 400, body: { errors: ['role "ci" could not be found'] } }]);
    const error = await rejectsWithCode(login(client(fake.address)), 'VAULT_LOGIN_DENIED');
    assert.equal(error.status, 400);
    assert.equal(fake.requests.length, 1);
  });

  test('a sealed Vault is not retried', async () => {
    fake = await startFakeVault([{ status: 503, body: { errors: ['Vault is sealed'] } }]);
    await rejectsWithCode(login(client(fake.address)), 'VAULT_SEALED');
    assert.equal(fake.requests.length, 1);
  });

  test('a Vault that went away and comes back sealed (a restart) is retried until it is unsealed', async () => {
    const sealed = { status: 503, body: { errors: ['Vault is sealed'] } };
    fake = await startFakeVault(['reset', sealed, sealed, LOGIN_OK]);
    const token = await login(client(fake.address));
    assert.equal(token.token, 's.secret-token');
    assert.equal(fake.requests.length, 4);
  });

  test('a Vault that went away and stays sealed gives VAULT_SEALED at the deadline', async () => {
    fake = await startFakeVault(['reset', { status: 503, body: { errors: ['Vault is sealed'] } }]);
    const c = client(fake.address, { retryPolicy: { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 50 } });
    await rejectsWithCode(login(c), 'VAULT_SEALED');
    assert.ok(fake.requests.length > 2, `${fake.requests.length} requests`);
  });

  test('a request that lost its connection retries a sealed answer though another request succeeded meanwhile', async () => {
    // B loses its connection; A, sent meanwhile, is answered (a healthy node behind a balancer);
    // B's retry then meets the restarted node, sealed: still a restart for B.
    const sealed = { status: 503, body: { errors: ['Vault is sealed'] } };
    fake = await startFakeVault(['reset', LOGIN_OK, sealed, LOGIN_OK]);
    const c = client(fake.address, { retryPolicy: { initialDelayMs: 400, maxDelayMs: 400, deadlineMs: 5_000 } });
    const b = login(c);
    while (fake.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 1));
    const a = await login(c);
    assert.equal(a.token, 's.secret-token');
    assert.equal((await b).token, 's.secret-token');
    assert.equal(fake.requests.length, 4);
  });

  test('sealed after Vault has answered again is not retried', async () => {
    fake = await startFakeVault(['reset', LOGIN_OK, { status: 503, body: { errors: ['Vault is sealed'] } }]);
    const c = client(fake.address);
    await login(c);
    await rejectsWithCode(login(c), 'VAULT_SEALED');
    assert.equal(fake.requests.length, 3);
  });

  test('5xx until the deadline gives up with the last answer', async () => {
    fake = await startFakeVault([{ status: 500, body: { errors: ['internal error'] } }]);
    const c = client(fake.address, { retryPolicy: { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 50 } });
    const error = await rejectsWithCode(login(c), 'VAULT_REQUEST_FAILED');
    assert.match(error.message, /500 internal error/);
    assert.ok(fake.requests.length > 1);
  });
});

describe('VaultClient requests', () => {
  test('sends the login body, the namespace header, and no token header', async () => {
    fake = await startFakeVault([LOGIN_OK]);
    await login(client(fake.address, { namespace: 'team-a' }));
    const [req] = fake.requests;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.url, '/v1/auth/jwt/login');
    assert.deepEqual(JSON.parse(req?.body ?? ''), { role: 'ci', jwt: JWT });
    assert.equal(req?.headers['x-vault-namespace'], 'team-a');
    assert.equal(req?.headers['x-vault-token'], undefined);
  });

  test('the environment does not leak into requests', async () => {
    fake = await startFakeVault([LOGIN_OK]);
    const saved = { ...process.env };
    Object.assign(process.env, { VAULT_TOKEN: 'from-env', VAULT_NAMESPACE: 'env-ns', VAULT_PREFIX: '/nope' });
    try {
      await login(client(fake.address));
    } finally {
      process.env = saved;
    }
    assert.equal(fake.requests[0]?.url, '/v1/auth/jwt/login');
    assert.equal(fake.requests[0]?.headers['x-vault-token'], undefined);
    assert.equal(fake.requests[0]?.headers['x-vault-namespace'], undefined);
  });

  test('revoke-self sends the token; a 403 means it is already gone', async () => {
    fake = await startFakeVault([{ status: 204 }, { status: 403, body: { errors: ['permission denied'] } }]);
    const c = client(fake.address);
    assert.equal(await revokeSelf(c, 's.abc'), 'revoked');
    assert.equal(fake.requests[0]?.headers['x-vault-token'], 's.abc');
    assert.equal(await revokeSelf(c, 's.abc'), 'already-gone');
  });
});

describe('login error messages', () => {
  const cases = [
    [403, 'permission denied', /auth-path/],
    [
      400,
      'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
      /bound_audiences/,
    ],
    [400, 'role "ci" could not be found', /vault list auth\/jwt\/role/],
    [400, 'error validating claims: claim "sub" does not match any associated bound claim values', /bound_claims/],
  ] as const;
  for (const [status, text, hint] of cases) {
    test(`${status} ${text}`, async () => {
      fake = await startFakeVault([{ status, body: { errors: [text] } }]);
      const error = await rejectsWithCode(login(client(fake.address)), 'VAULT_LOGIN_DENIED');
      assert.match(error.message, hint);
      assert.match(error.message, /role 'ci'/);
    });
  }

  test('nothing listening: VAULT_UNREACHABLE', async () => {
    fake = await startFakeVault([LOGIN_OK]);
    const address = fake.address;
    await fake.close();
    fake = undefined;
    const c = client(address, { retryPolicy: { initialDelayMs: 1, maxDelayMs: 2, deadlineMs: 30 } });
    await rejectsWithCode(login(c), 'VAULT_UNREACHABLE');
  });
});
