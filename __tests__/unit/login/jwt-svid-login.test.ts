import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { JwtSvidLogin, type JwtSvidSource } from '../../../src/core/login/jwt-svid-login.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { FAST_RETRY, LOGIN_OK, startFakeVault, type FakeVault } from '../vault/fake-vault.ts';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly90ZC93In0.c2ln';
const svids: JwtSvidSource = {
  fetchJwtSvid: async () => ({ spiffeId: 'spiffe://td/ci', token: JWT, expiresAt: new Date(Date.now() + 300_000) }),
};
let fake: FakeVault | undefined;
afterEach(() => fake?.close());

test('secrets are handed to onSecret before anything is logged', async () => {
  fake = await startFakeVault([LOGIN_OK]);
  const events: string[] = [];
  const log = (m: string) => events.push(`log:${m}`);
  const result = await new JwtSvidLogin({
    svids,
    vault: new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY }),
    audiences: ['vault'],
    role: 'ci',
    authPath: 'jwt',
    onSecret: (s) => events.push(`secret:${s}`),
    logger: { debug: log, info: log, warning: log },
  }).login();
  assert.equal(result.token, 's.secret-token');
  assert.equal(result.spiffeId, 'spiffe://td/ci');
  assert.equal(events[0], `secret:${JWT}`);
  const tokenAt = events.indexOf('secret:s.secret-token');
  assert.ok(tokenAt > 0);
  assert.ok(events.slice(0, tokenAt).every((e) => !e.includes('s.secret-token')));
  assert.ok(events.every((e) => e.startsWith('secret:') || (!e.includes(JWT) && !e.includes('s.secret-token'))));
});

test('a token living longer than maxTokenTtlSeconds is revoked and refused', async () => {
  fake = await startFakeVault([LOGIN_OK, { status: 204 }]);
  await assert.rejects(
    new JwtSvidLogin({
      svids,
      vault: new VaultClient({ address: fake.address, retryPolicy: FAST_RETRY }),
      audiences: ['vault'],
      role: 'ci',
      authPath: 'jwt',
      maxTokenTtlSeconds: 30,
      onSecret: () => {},
    }).login(),
    { code: 'VAULT_TOKEN_TTL_EXCEEDED' },
  );
  assert.equal(fake.requests[1]?.url, '/v1/auth/token/revoke-self');
  assert.equal(fake.requests[1]?.headers['x-vault-token'], 's.secret-token');
});
