// The login checks' pure parts: the credential-free mount probe read from the servers' real
// answers, and the role and JWT config compared with a JWT-SVID field by field.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareConfig, compareRole, type SvidFacts } from '../../../src/core/doctor/sections/login-role.ts';
import { probeJwtMount } from '../../../src/core/doctor/sections/login-mount.ts';
import type { VaultClient } from '../../../src/core/vault/client.ts';
import { VaultHttpError } from '../../../src/core/vault/errors.ts';
import { OPENBAO, VAULT, type RecordedAnswer } from '../diagnose/server-answers.ts';

const SVID: SvidFacts = {
  spiffeId: 'spiffe://example.org/ci',
  audiences: ['vault'],
  claims: { sub: 'spiffe://example.org/ci', aud: ['vault'], exp: 1, iat: 0 },
  algorithm: 'ES256',
};
const TARGET = { authPath: 'jwt', role: 'ci' };
const GOOD = {
  role_type: 'jwt',
  bound_audiences: ['vault'],
  bound_subject: 'spiffe://example.org/ci',
  bound_claims: null,
  user_claim: 'sub',
};

function answering(recorded: RecordedAnswer): VaultClient {
  const request = () =>
    Promise.reject(new VaultHttpError({ status: recorded.status, vaultErrors: recorded.errors, message: 'answered' }));
  return { request } as unknown as VaultClient;
}

describe('the mount probe (a login naming the role, without a JWT)', () => {
  for (const [server, answers] of [
    ['OpenBao', OPENBAO],
    ['Vault', VAULT],
  ] as const) {
    test(`${server}: each answer read`, async () => {
      assert.equal((await probeJwtMount(answering(answers.probeRoleExists), 'jwt', 'ci')).kind, 'role-found');
      assert.equal((await probeJwtMount(answering(answers.probeJwtMount), 'jwt', undefined)).kind, 'role-found');
      assert.equal((await probeJwtMount(answering(answers.unknownRole), 'jwt', 'ci')).kind, 'role-missing');
      assert.equal((await probeJwtMount(answering(answers.roleTypeOidc), 'jwt', 'ci')).kind, 'role-oidc');
      assert.equal((await probeJwtMount(answering(answers.noAuthMount), 'jwt', 'ci')).kind, 'nothing-mounted');
      const other = await probeJwtMount(answering(answers.probeCertMount), 'cert', 'ci');
      assert.equal(other.kind, 'other-method');
      assert.equal((await probeJwtMount(answering(answers.sealed), 'jwt', 'ci')).kind, 'failed');
    });
  }
});

describe('the role compared with the JWT-SVID', () => {
  const byId = (role: object) => new Map(compareRole(role, SVID, TARGET).map((check) => [check.id, check]));

  test('a healthy role: every field ok', () => {
    for (const check of byId(GOOD).values()) assert.equal(check.status, 'ok', JSON.stringify(check));
  });

  test('audience: the role keeps its audiences, and the one it binds is offered as the client fix', () => {
    const check = byId({ ...GOOD, bound_audiences: ['sts', 'ci'] }).get('login.audience');
    assert.equal(check?.status, 'fail');
    assert.equal(check?.reason, 'audience-mismatch');
    assert.deepEqual(check?.commands, ['vault write auth/jwt/role/ci role_type=jwt bound_audiences=sts,ci,vault']);
    assert.match(check?.fix ?? '', /--audience sts/);
    const unbound = byId({ ...GOOD, bound_audiences: [] }).get('login.audience');
    assert.equal(unbound?.reason, 'audiences-unbound');
    assert.deepEqual(unbound?.commands, ['vault write auth/jwt/role/ci role_type=jwt bound_audiences=vault']);
  });

  test('subject: another ID fails; none at all (and no bound sub claim) warns that any workload may use it', () => {
    const wrong = byId({ ...GOOD, bound_subject: 'spiffe://example.org/other' }).get('login.subject');
    assert.equal(wrong?.status, 'fail');
    assert.deepEqual(wrong?.commands, [
      'vault write auth/jwt/role/ci role_type=jwt bound_subject=spiffe://example.org/ci',
    ]);
    assert.equal(byId({ ...GOOD, bound_subject: '' }).get('login.subject')?.status, 'warn');
    const claimed = byId({ ...GOOD, bound_subject: '', bound_claims: { sub: 'spiffe://example.org/ci' } });
    assert.equal(claimed.get('login.subject')?.status, 'ok');
  });

  test('role_type oidc and a user_claim the SVID lacks', () => {
    const checks = byId({ ...GOOD, role_type: 'oidc', user_claim: 'email' });
    assert.deepEqual(checks.get('login.role-type')?.commands, ['vault write auth/jwt/role/ci role_type=jwt']);
    assert.deepEqual(checks.get('login.user-claim')?.commands, [
      'vault write auth/jwt/role/ci role_type=jwt user_claim=sub',
    ]);
  });

  test('bound_claims: string, list and glob values; a claim the SVID lacks is dropped by the fix', () => {
    assert.equal(
      byId({ ...GOOD, bound_claims: { sub: ['x', 'spiffe://example.org/ci'] } }).get('login.bound-claims')?.status,
      'ok',
    );
    const glob = { ...GOOD, bound_claims: { sub: 'spiffe://example.org/*' }, bound_claims_type: 'glob' };
    assert.equal(byId(glob).get('login.bound-claims')?.status, 'ok');
    const check = byId({ ...GOOD, bound_claims: { sub: 'spiffe://example.org/other', team: 'a' } }).get(
      'login.bound-claims',
    );
    assert.equal(check?.status, 'fail');
    assert.match(check?.detail ?? '', /sub \(token has "spiffe:\/\/example.org\/ci"\), team \(not in the token\)/);
    assert.deepEqual(check?.commands, [
      `vault read -format=json auth/jwt/role/ci | jq '.data | {role_type, bound_claims: ((.bound_claims | del(."team")) + {"sub":"spiffe://example.org/ci"})}' | vault write auth/jwt/role/ci -`,
    ]);
  });
});

describe('the JWT config compared with the JWT-SVID', () => {
  test("jwt_supported_algs must hold the SVID's algorithm; empty lets the keys decide", () => {
    assert.equal(compareConfig({ jwt_supported_algs: ['ES256'] }, SVID, 'jwt').status, 'ok');
    assert.equal(compareConfig({ jwt_supported_algs: [] }, SVID, 'jwt').status, 'ok');
    const check = compareConfig({ jwt_supported_algs: ['RS256'] }, SVID, 'spiffe');
    assert.equal(check.status, 'fail');
    assert.deepEqual(check.commands, [
      `vault read -format=json auth/spiffe/config | jq '.data | .jwt_supported_algs += ["ES256"]' | vault write auth/spiffe/config -`,
    ]);
  });
});
