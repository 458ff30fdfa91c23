// The transit classifiers against the real answers of OpenBao and HashiCorp Vault (server-answers.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderFinding } from '../../../src/core/diagnose/finding.ts';
import { diagnoseDenial, diagnoseKeyRead, diagnoseSignFailure } from '../../../src/core/diagnose/transit.ts';
import { VaultHttpError } from '../../../src/core/vault/errors.ts';
import { leastPrivilegePolicy, type TransitTarget } from '../../../src/core/vault/transit-errors.ts';
import { OPENBAO, VAULT, type RecordedAnswer } from './server-answers.ts';

const answer = (recorded: RecordedAnswer) =>
  new VaultHttpError({ status: recorded.status, vaultErrors: recorded.errors, message: 'answered' });

const TARGET: TransitTarget = { address: 'http://127.0.0.1:8200', transitPath: 'transit', key: 'cosign' };
const PROGRESS = { target: TARGET, keyVersion: 1, offset: 200, count: 200, total: 450 };

describe('reading the key', () => {
  test('a missing key: key-missing, with the commands that create or list keys', () => {
    const finding = diagnoseKeyRead(answer(OPENBAO.keyMissingRead), TARGET);
    assert.equal(finding.code, 'TRANSIT_KEY_NOT_FOUND');
    assert.equal(finding.reason, 'key-missing');
    assert.deepEqual(finding.commands, [
      'vault write -f transit/keys/cosign type=ecdsa-p256',
      'vault list transit/keys',
    ]);
  });

  test('nothing mounted there: mount-missing, with the command that enables transit', () => {
    const finding = diagnoseKeyRead(answer(OPENBAO.noTransitMount), { ...TARGET, transitPath: 'no-such-mount' });
    assert.equal(finding.code, 'TRANSIT_KEY_NOT_FOUND');
    assert.equal(finding.reason, 'mount-missing');
    assert.ok(finding.commands?.includes('vault secrets enable -path=no-such-mount transit'));
  });

  test('anything else is a Vault request failure (sealed)', () => {
    const finding = diagnoseKeyRead(answer(OPENBAO.sealed), TARGET);
    assert.equal(finding.area, 'vault');
    assert.equal(finding.code, 'VAULT_SEALED');
  });
});

describe('signing', () => {
  test('a missing key: TRANSIT_KEY_NOT_FOUND, saying how many digests were signed', () => {
    const finding = diagnoseSignFailure(answer(OPENBAO.keyMissingSign), PROGRESS);
    assert.equal(finding.code, 'TRANSIT_KEY_NOT_FOUND');
    assert.match(finding.what, /digests 200–399 of 450 .*version 1 \(200 of the 450 digests were signed/);
  });

  for (const [server, answers] of [
    ['OpenBao', OPENBAO],
    ['Vault', VAULT],
  ] as const) {
    test(`${server}: sealed while signing is TRANSIT_SIGN_FAILED, classified as sealed`, () => {
      const finding = diagnoseSignFailure(answer(answers.sealed), PROGRESS);
      assert.equal(finding.code, 'TRANSIT_SIGN_FAILED');
      assert.equal(finding.area, 'transit');
      assert.equal(finding.reason, 'sealed');
    });
  }
});

describe('a live token refused', () => {
  const denial = (capabilities: Parameters<typeof diagnoseDenial>[0]['capabilities'], renewed = false) =>
    diagnoseDenial({ target: TARGET, operation: 'sign', answer: answer(OPENBAO.signDenied), capabilities, renewed });

  test('names the capability it lacks and carries the least-privilege policy as lines', () => {
    const finding = denial({ held: { 'transit/keys/cosign': ['read'], 'transit/sign/cosign/sha2-256': ['deny'] } });
    assert.equal(finding.code, 'TRANSIT_PERMISSION_DENIED');
    assert.equal(finding.reason, 'capability-missing');
    assert.equal(finding.answer, '403 permission denied');
    assert.deepEqual(finding.policy, leastPrivilegePolicy(TARGET).split('\n'));
    assert.equal(
      renderFinding(finding),
      "Vault denied signing with transit key 'cosign' (mount 'transit') at http://127.0.0.1:8200 (403 permission denied): " +
        `the token's policies lack "update" on 'transit/sign/cosign/sha2-256' (it has ["deny"]) — ` +
        `give the role's token_policies at least:\n${leastPrivilegePolicy(TARGET)}`,
    );
  });

  test('root, or both capabilities held: refused despite them', () => {
    assert.equal(
      denial({ held: { 'transit/keys/cosign': ['root'], 'transit/sign/cosign/sha2-256': ['root'] } }).reason,
      'denied-despite-capabilities',
    );
  });

  test('capabilities-self refused too: capabilities-unknown, with its answer', () => {
    const finding = denial({ unknown: answer(VAULT.invalidToken) }, true);
    assert.equal(finding.reason, 'capabilities-unknown');
    assert.match(finding.why ?? '', /capabilities-self: 403 permission denied; invalid token/);
    assert.match(finding.what, /also with a new token$/);
  });
});
