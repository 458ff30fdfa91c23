// The token checks from what the login answer, lookup-self and sys/capabilities-self said.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  maxTtlCheck,
  policiesCheck,
  revokeSelfCheck,
  ttlCheck,
  typeCheck,
  type TokenFacts,
} from '../../../src/core/doctor/sections/token-checks.ts';

const FACTS: TokenFacts = {
  method: 'jwt',
  authPath: 'jwt',
  role: 'ci',
  policies: ['default', 'sign'],
  identityPolicies: [],
  ttlSeconds: 60,
  explicitMaxTtlSeconds: 0,
  renewable: true,
  type: 'service',
  roleFields: { token_max_ttl: 60 },
};

describe('token checks', () => {
  test('the recommended role passes every check', () => {
    for (const check of [policiesCheck(FACTS), ttlCheck(FACTS), maxTtlCheck(FACTS), typeCheck(FACTS)]) {
      assert.equal(check.status, 'ok', JSON.stringify(check));
    }
    assert.equal(revokeSelfCheck(FACTS, ['update']).status, 'ok');
  });

  test('only the default policy warns', () => {
    assert.equal(policiesCheck({ ...FACTS, policies: ['default'] }).status, 'warn');
    assert.equal(policiesCheck({ ...FACTS, policies: ['default'], identityPolicies: ['sign'] }).status, 'ok');
  });

  test('a TTL over an hour warns with the short-token command; an hour is fine', () => {
    assert.equal(ttlCheck({ ...FACTS, ttlSeconds: 3600 }).status, 'ok');
    const check = ttlCheck({ ...FACTS, ttlSeconds: 2_764_800 });
    assert.equal(check.status, 'warn');
    assert.deepEqual(check.commands, ['vault write auth/jwt/role/ci role_type=jwt token_ttl=60s token_max_ttl=60s']);
  });

  test('max TTL: unbounded or long warns; unknown without the role is skipped; not renewable is ok', () => {
    assert.equal(maxTtlCheck({ ...FACTS, roleFields: { token_max_ttl: 0 } }).status, 'warn');
    assert.equal(maxTtlCheck({ ...FACTS, roleFields: { token_max_ttl: 86_400 } }).status, 'warn');
    assert.equal(maxTtlCheck({ ...FACTS, roleFields: undefined }).status, 'skip');
    assert.equal(maxTtlCheck({ ...FACTS, roleFields: undefined, explicitMaxTtlSeconds: 120 }).status, 'ok');
    assert.equal(maxTtlCheck({ ...FACTS, renewable: false, roleFields: undefined }).status, 'ok');
  });

  test('a batch token fails: it cannot be revoked', () => {
    const check = typeCheck({ ...FACTS, type: 'batch' });
    assert.equal(check.status, 'fail');
    assert.deepEqual(check.commands, ['vault write auth/jwt/role/ci role_type=jwt token_type=service']);
    assert.equal(typeCheck({ ...FACTS, method: 'cert', type: 'batch' }).commands, undefined);
  });

  test('revoke-self: without the default policy the fix gives it back; with it, the policy line', () => {
    const without = revokeSelfCheck({ ...FACTS, policies: ['sign'] }, 'denied');
    assert.equal(without.status, 'fail');
    assert.deepEqual(without.commands, ['vault write auth/jwt/role/ci role_type=jwt token_no_default_policy=false']);
    assert.deepEqual(without.policy, ['path "auth/token/revoke-self" { capabilities = ["update"] }']);
    const edited = revokeSelfCheck(FACTS, ['deny']);
    assert.equal(edited.status, 'fail');
    assert.match(edited.fix ?? '', /default policy was changed/);
  });
});
