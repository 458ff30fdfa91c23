// The Vault classifiers against the real answers of OpenBao and HashiCorp Vault (server-answers.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findingOf, renderFinding } from '../../../src/core/diagnose/finding.ts';
import { diagnoseLogin, diagnoseVaultRequest, type LoginContext } from '../../../src/core/diagnose/vault.ts';
import {
  isBatchTooLargeAnswer,
  isInvalidTokenAnswer,
  isSealedAnswer,
  serverWords,
} from '../../../src/core/diagnose/vault-answers.ts';
import { isRetryableVaultFailure, VaultHttpError, vaultErrorFrom } from '../../../src/core/vault/errors.ts';
import { OPENBAO, VAULT, type RecordedAnswer } from './server-answers.ts';

const answer = (recorded: RecordedAnswer) =>
  new VaultHttpError({ status: recorded.status, vaultErrors: recorded.errors, message: 'answered' });

const LOGIN: LoginContext = {
  address: 'https://vault.example:8200',
  role: 'ci',
  authPath: 'jwt',
  audience: 'vault',
  spiffeId: 'spiffe://example.org/ci',
};
const REQUEST = { what: 'failed to look up the Vault token at https://vault.example:8200' };

describe('JWT login refusals, the same on both servers', () => {
  for (const [server, answers] of [
    ['OpenBao', OPENBAO],
    ['Vault', VAULT],
  ] as const) {
    test(`${server}: unknown role → role-not-found, with the command that lists roles`, () => {
      const finding = diagnoseLogin(answer(answers.unknownRole), LOGIN);
      assert.equal(finding.code, 'VAULT_LOGIN_DENIED');
      assert.equal(finding.reason, 'role-not-found');
      assert.equal(finding.answer, '400 role "no-such-role" could not be found');
      assert.deepEqual(finding.commands, ['vault list auth/jwt/role']);
    });

    test(`${server}: a login to no auth method → auth-mount-missing`, () => {
      const finding = diagnoseLogin(answer(answers.noAuthMount), LOGIN);
      assert.equal(finding.code, 'VAULT_LOGIN_DENIED');
      assert.equal(finding.reason, 'auth-mount-missing');
      assert.match(finding.fix ?? '', /auth\/jwt/);
    });

    test(`${server}: sealed → VAULT_SEALED at login and on any request, not retried`, () => {
      for (const finding of [
        diagnoseLogin(answer(answers.sealed), LOGIN),
        diagnoseVaultRequest(answer(answers.sealed), REQUEST),
      ]) {
        assert.equal(finding.code, 'VAULT_SEALED');
        assert.equal(finding.reason, 'sealed');
        assert.deepEqual(finding.commands, ['vault operator unseal']);
      }
      assert.equal(isRetryableVaultFailure(answer(answers.sealed)), false);
    });
  }

  const refusals: [string, RecordedAnswer, string, RegExp][] = [
    ['wrong audience', OPENBAO.wrongAudience, 'audience-mismatch', /audience 'vault'.*bound_audiences/],
    ['wrong audience (Vault)', VAULT.wrongAudience, 'audience-mismatch', /bound_audiences/],
    ['wrong subject', OPENBAO.wrongSubject, 'subject-mismatch', /spiffe:\/\/example.org\/ci.*bound_subject/],
    [
      'bound_claims.sub (the answer names "bound claim", not the subject)',
      OPENBAO.boundClaimMismatch,
      'claims-mismatch',
      /bound_claims\.sub .*spiffe:\/\/example.org\/ci/,
    ],
    ['a bound claim JWT-SVIDs lack', VAULT.boundClaimMissing, 'claims-mismatch', /no claim 'foo'/],
    ['role_type left at oidc', VAULT.roleTypeOidc, 'role-type-oidc', /role_type=jwt/],
    ['no bound_audiences (Vault 1.16.3+)', VAULT.audiencesUnbound, 'audiences-unbound', /binds no audience/],
    ['ES256 not in jwt_supported_algs', OPENBAO.algorithmNotAllowed, 'algorithm-not-allowed', /replaces all of it/],
    ['user_claim the SVID lacks', OPENBAO.userClaimMissing, 'user-claim-missing', /\('email'\).*user_claim=sub/],
    ['an expired JWT-SVID (once read as a subject mismatch)', OPENBAO.expired, 'jwt-expired', /clock/],
    ['keys that do not verify it', OPENBAO.unverifiable, 'jwt-unverifiable', /jwt_validation_pubkeys/],
    ['no auth method there, asked with a token', OPENBAO.noAuthMountWithToken, 'auth-mount-missing', /auth-path/],
  ];
  for (const [name, recorded, reason, fix] of refusals) {
    test(`${name} → ${reason}`, () => {
      const finding = diagnoseLogin(answer(recorded), LOGIN);
      assert.equal(finding.code, 'VAULT_LOGIN_DENIED');
      assert.equal(finding.reason, reason);
      assert.match(finding.fix ?? '', fix);
    });
  }

  const commands: [RecordedAnswer, string][] = [
    [OPENBAO.roleTypeOidc, 'vault write auth/jwt/role/ci role_type=jwt'],
    [OPENBAO.wrongAudience, 'vault write auth/jwt/role/ci role_type=jwt bound_audiences=vault'],
    [OPENBAO.audiencesUnbound, 'vault write auth/jwt/role/ci role_type=jwt bound_audiences=vault'],
    [OPENBAO.wrongSubject, 'vault write auth/jwt/role/ci role_type=jwt bound_subject=spiffe://example.org/ci'],
    [OPENBAO.userClaimMissing, 'vault write auth/jwt/role/ci role_type=jwt user_claim=sub'],
    [
      OPENBAO.algorithmNotAllowed,
      'vault read -format=json auth/jwt/config | jq \'.data | .jwt_supported_algs += ["ES256"]\' | vault write auth/jwt/config -',
    ],
    [
      OPENBAO.boundClaimMismatch,
      'vault read -format=json auth/jwt/role/ci | jq \'.data | {role_type, bound_claims: ((.bound_claims) + {"sub":"spiffe://example.org/ci"})}\' | vault write auth/jwt/role/ci -',
    ],
    [
      OPENBAO.boundClaimMissing,
      'vault read -format=json auth/jwt/role/ci | jq \'.data | {role_type, bound_claims: ((.bound_claims | del(."foo")) + {"sub":"spiffe://example.org/ci"})}\' | vault write auth/jwt/role/ci -',
    ],
  ];
  for (const [recorded, command] of commands) {
    test(`the exact fix command for '${recorded.errors[0]}'`, () => {
      assert.deepEqual(diagnoseLogin(answer(recorded), LOGIN).commands, [command]);
    });
  }

  test("the algorithm fix names the JWT-SVID's algorithm when told", () => {
    const finding = diagnoseLogin(answer(VAULT.algorithmNotAllowed), { ...LOGIN, algorithm: 'RS256' });
    assert.match(finding.commands?.[0] ?? '', /\["RS256"\]/);
  });

  test("OpenBao's 404 for a namespace that does not exist names the namespace input", () => {
    const finding = diagnoseLogin(answer(OPENBAO.noNamespace), { ...LOGIN, namespace: 'team-x' });
    assert.equal(finding.code, 'VAULT_LOGIN_DENIED');
    assert.equal(finding.reason, 'namespace-missing');
    assert.match(finding.fix ?? '', /no namespace 'team-x' .*check the namespace input/);
  });

  test('the message is the rendered finding and says what, the answer and the fix', () => {
    const finding = diagnoseLogin(answer(OPENBAO.unknownRole), { ...LOGIN, namespace: 'team' });
    const error = vaultErrorFrom(finding);
    assert.equal(error.message, renderFinding(finding));
    assert.equal(
      error.message,
      "failed to log in to Vault at https://vault.example:8200 with role 'ci' (auth path 'jwt', namespace 'team'): " +
        '400 role "no-such-role" could not be found — check the role name (`vault list auth/jwt/role`)',
    );
    assert.equal(error.finding, finding);
    assert.equal(findingOf(new Error('outer', { cause: error })), finding);
  });
});

describe('a refused token: the two dialects', () => {
  test('Vault names the invalid token: token-invalid, with go-multierror unwrapped', () => {
    const finding = diagnoseVaultRequest(answer(VAULT.invalidToken), REQUEST);
    assert.equal(finding.code, 'VAULT_PERMISSION_DENIED');
    assert.equal(finding.reason, 'token-invalid');
    assert.equal(finding.answer, '403 permission denied; invalid token');
    assert.equal(isInvalidTokenAnswer(answer(VAULT.invalidToken)), true);
  });

  test("OpenBao's bare 403 cannot tell a dead token from missing rights: permission-denied", () => {
    assert.equal(isInvalidTokenAnswer(answer(OPENBAO.invalidToken)), false);
    for (const recorded of [OPENBAO.invalidToken, OPENBAO.signDenied, VAULT.signDenied]) {
      const finding = diagnoseVaultRequest(answer(recorded), REQUEST);
      assert.equal(finding.code, 'VAULT_PERMISSION_DENIED');
      assert.equal(finding.reason, 'permission-denied');
      assert.equal(finding.answer, '403 permission denied');
    }
  });

  test('a fixed code (revoke) wins over the classified one, the reason stays', () => {
    const finding = diagnoseVaultRequest(answer(OPENBAO.sealed), { ...REQUEST, code: 'VAULT_REVOKE_FAILED' });
    assert.equal(finding.code, 'VAULT_REVOKE_FAILED');
    assert.equal(finding.reason, 'sealed');
  });
});

describe('no answer', () => {
  test('TLS and connection failures', () => {
    const tls = new VaultHttpError({ socketCode: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate' });
    assert.equal(diagnoseVaultRequest(tls, REQUEST).code, 'VAULT_TLS_FAILED');
    const refused = new VaultHttpError({ socketCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const finding = diagnoseVaultRequest(refused, REQUEST);
    assert.equal(finding.code, 'VAULT_UNREACHABLE');
    assert.match(finding.why ?? '', /ECONNREFUSED/);
    assert.equal(diagnoseVaultRequest(new Error('boom'), REQUEST).code, 'VAULT_REQUEST_FAILED');
  });
});

describe('the JSON limits: Vault 500, OpenBao 400', () => {
  test('both are a batch too large, and neither is retried', () => {
    for (const recorded of [OPENBAO.batchTooLarge, VAULT.batchTooLarge]) {
      assert.equal(isBatchTooLargeAnswer(answer(recorded)), true, JSON.stringify(recorded));
      assert.equal(isRetryableVaultFailure(answer(recorded)), false, JSON.stringify(recorded));
    }
  });

  test("a standby's 307 during an election is retried (the active node is being elected)", () => {
    assert.equal(isRetryableVaultFailure(answer({ status: 307, errors: [] })), true);
    assert.equal(isRetryableVaultFailure(answer({ status: 301, errors: [] })), false);
  });

  test('any other 500 is still retried, and is not a batch too large', () => {
    const other = answer({ status: 500, errors: ['internal error'] });
    assert.equal(isBatchTooLargeAnswer(other), false);
    assert.equal(isRetryableVaultFailure(other), true);
    assert.equal(isSealedAnswer(other), false);
  });
});

test("serverWords unwraps go-multierror's list and leaves plain answers alone", () => {
  assert.deepEqual(serverWords(VAULT.invalidToken.errors), ['permission denied', 'invalid token']);
  assert.deepEqual(serverWords(OPENBAO.signDenied.errors), ['permission denied']);
  assert.deepEqual(serverWords(OPENBAO.noTransitMount.errors), [...OPENBAO.noTransitMount.errors]);
  assert.deepEqual(serverWords([]), []);
});
