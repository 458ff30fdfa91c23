// doctor's login and token checks against a throwaway server of the selected kind, set up like
// a healthy installation and then broken with the server's own CLI, one misconfiguration a test:
// doctor fails the check that names it and prints the fix; the test runs the printed command,
// then doctor passes and a real signing run passes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, describe, test } from 'node:test';
import type { CheckResult } from '../../src/core/doctor/check.ts';
import { cli } from '../helpers/cli-run.ts';
import {
  assertSigningRunPasses,
  DOCTOR_ROLE,
  runDoctor,
  startConfiguredServer,
  type ConfiguredServer,
  type DoctorRun,
} from '../helpers/doctor-setup.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

const ROLE = `auth/jwt/role/${DOCTOR_ROLE}`;

async function withServer(body: (server: ConfiguredServer) => void): Promise<void> {
  const server = await startConfiguredServer(stack);
  try {
    body(server);
  } finally {
    await server.stop();
  }
}

function failedIds(r: DoctorRun): string[] {
  return r.report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
}

/** doctor exits 1 and fails exactly `ids`; returns the first one's result. */
function assertFails(r: DoctorRun, ids: readonly string[]): CheckResult {
  assert.equal(r.status, 1, describeRun('doctor (expected to fail)', r));
  assert.deepEqual(failedIds(r), ids, describeRun('doctor', r));
  return r.check(ids[0] as string);
}

/** Runs every command the failed checks printed, then doctor passes and so does a real signing run. */
function applyFixesAndPass(server: ConfiguredServer, checks: readonly CheckResult[], args: readonly string[] = []) {
  for (const check of checks) {
    assert.ok(check.commands?.length, `${check.id} printed no command: ${JSON.stringify(check)}`);
    for (const command of check.commands ?? []) server.adminShell(command);
  }
  const after = runDoctor(stack, server, args);
  assert.equal(after.status, 0, describeRun('doctor after the fix', after));
  assertSigningRunPasses(stack, server, args);
  return after;
}

describe('doctor: login misconfigurations, each fixed by the command doctor prints', () => {
  test('a role bound to another audience → login.audience, bound_audiences=<the SVID audience>', async () => {
    await withServer((server) => {
      server.admin(['write', ROLE, 'role_type=jwt', 'bound_audiences=sts']);
      const check = assertFails(runDoctor(stack, server), ['login.audience', 'login.jwt']);
      assert.equal(check.reason, 'audience-mismatch');
      assert.deepEqual(check.commands, [`vault write ${ROLE} role_type=jwt bound_audiences=${stack.STACK_AUDIENCE}`]);
      applyFixesAndPass(server, [check]);
    });
  });

  test('a role bound to another SPIFFE ID → login.subject, bound_subject=<the SPIFFE ID>', async () => {
    await withServer((server) => {
      server.admin(['write', ROLE, 'role_type=jwt', 'bound_subject=spiffe://spiffe-vault.test/someone-else']);
      const check = assertFails(runDoctor(stack, server), ['login.subject', 'login.jwt']);
      assert.equal(check.reason, 'subject-mismatch');
      assert.deepEqual(check.commands, [`vault write ${ROLE} role_type=jwt bound_subject=${stack.STACK_SPIFFE_ID}`]);
      applyFixesAndPass(server, [check]);
    });
  });

  test('a role write without role_type turned the role into oidc → login.role-type, role_type=jwt', async () => {
    await withServer((server) => {
      // How it bites: an update that leaves role_type out sets the default, oidc (accepted here
      // because redirect URIs are given, as for the UI).
      server.admin(['write', ROLE, 'allowed_redirect_uris=https://vault.example/ui/vault/auth/jwt/oidc/callback']);
      assert.match(server.admin(['read', '-field=role_type', ROLE]), /^oidc/);
      const check = assertFails(runDoctor(stack, server), ['login.role-type']);
      assert.equal(check.reason, 'role-type-oidc');
      assert.deepEqual(check.commands, [`vault write ${ROLE} role_type=jwt`]);
      assert.equal(runDoctor(stack, server).check('login.jwt').status, 'skip');
      applyFixesAndPass(server, [check]);
    });
  });

  test('JWT auth enabled at another path → login.auth-mount names it; --auth-path fixes the client', async () => {
    await withServer((server) => {
      server.admin(['auth', 'disable', 'jwt']);
      server.admin(['auth', 'enable', '-path=spiffe', 'jwt']);
      server.admin(['write', 'auth/spiffe/config', `@${stack.STACK_STATE_DIR}/jwt-config.json`]);
      server.admin([
        'write',
        `auth/spiffe/role/${DOCTOR_ROLE}`,
        'role_type=jwt',
        'user_claim=sub',
        `bound_audiences=${stack.STACK_AUDIENCE}`,
        `bound_subject=${stack.STACK_SPIFFE_ID}`,
        'token_policies=sign',
        'token_ttl=60s',
        'token_max_ttl=60s',
      ]);
      const check = assertFails(runDoctor(stack, server), ['login.auth-mount']);
      assert.equal(check.reason, 'auth-mount-missing');
      assert.match(check.detail, /nothing is mounted at auth\/jwt .*auth\/spiffe \(has the role\)/);
      const flag = /--auth-path (\S+)/.exec(check.fix ?? '');
      assert.ok(flag, `no --auth-path in the fix: ${check.fix}`);
      assert.equal(flag[1], 'spiffe');
      const after = runDoctor(stack, server, ['--auth-path', flag[1]]);
      assert.equal(after.status, 0, describeRun('doctor --auth-path spiffe', after));
      assertSigningRunPasses(stack, server, ['--auth-path', flag[1]]);
    });
  });

  test('a JWT config without ES256 → login.algorithm; the printed read-modify-write keeps the keys', async () => {
    await withServer((server) => {
      const config = JSON.parse(readFileSync(join(stack.STACK_STATE_DIR, 'jwt-config.json'), 'utf8')) as object;
      const file = join(mkdtempSync(join(tmpdir(), 'jwt-config-')), 'config.json');
      writeFileSync(file, JSON.stringify({ ...config, jwt_supported_algs: ['RS256'] }));
      server.admin(['write', 'auth/jwt/config', `@${file}`]);
      const check = assertFails(runDoctor(stack, server), ['login.algorithm', 'login.jwt']);
      assert.equal(check.reason, 'algorithm-not-allowed');
      assert.match(
        check.commands?.[0] ?? '',
        /^vault read -format=json auth\/jwt\/config \| jq .* \| vault write auth\/jwt\/config -$/,
      );
      applyFixesAndPass(server, [check]);
      assert.match(server.admin(['read', '-field=jwt_validation_pubkeys', 'auth/jwt/config']), /BEGIN PUBLIC KEY/);
    });
  });

  test('a role issuing batch tokens → token.type fails (they cannot be revoked), token_type=service', async () => {
    await withServer((server) => {
      server.admin(['write', ROLE, 'role_type=jwt', 'token_type=batch']);
      const check = assertFails(runDoctor(stack, server), ['token.type']);
      assert.equal(check.reason, 'batch-token');
      assert.deepEqual(check.commands, [`vault write ${ROLE} role_type=jwt token_type=service`]);
      applyFixesAndPass(server, [check]);
    });
  });
});

describe('doctor: the role compared field by field with a read token in VAULT_TOKEN', () => {
  test('with a read-only token: each mismatching field fails with its command; without it, the comparison is skipped', async () => {
    await withServer((server) => {
      server.admin(
        ['policy', 'write', 'doctor-read', '-'],
        `path "${ROLE}" { capabilities = ["read"] }\npath "auth/jwt/config" { capabilities = ["read"] }\n`,
      );
      const readToken = server.admin(['token', 'create', '-policy=doctor-read', '-field=token']).trim();
      server.admin([
        'write',
        ROLE,
        'role_type=jwt',
        'bound_audiences=sts',
        'bound_subject=spiffe://spiffe-vault.test/someone-else',
      ]);

      const without = runDoctor(stack, server);
      assert.equal(without.check('login.role-read').status, 'skip');
      // The server names one refusal at a time (the subject before the audience).
      assert.deepEqual(failedIds(without), ['login.subject', 'login.jwt']);

      const r = runDoctor(stack, server, [], { VAULT_TOKEN: readToken });
      assert.equal(r.check('login.role-read').status, 'ok', describeRun('doctor', r));
      assert.deepEqual(failedIds(r), ['login.audience', 'login.subject', 'login.jwt']);
      assert.equal(r.check('login.role-type').status, 'ok');
      assert.equal(r.check('login.user-claim').status, 'ok');
      assert.equal(r.check('login.algorithm').status, 'ok');
      const audience = r.check('login.audience');
      // The role's audiences are kept: the read showed them.
      assert.deepEqual(audience.commands, [
        `vault write ${ROLE} role_type=jwt bound_audiences=sts,${stack.STACK_AUDIENCE}`,
      ]);
      assert.match(audience.fix ?? '', /--audience sts/);
      const subject = r.check('login.subject');
      assert.deepEqual(subject.commands, [`vault write ${ROLE} role_type=jwt bound_subject=${stack.STACK_SPIFFE_ID}`]);
      applyFixesAndPass(server, [audience, subject]);

      const fixed = runDoctor(stack, server, [], { VAULT_TOKEN: readToken });
      assert.equal(fixed.status, 0, describeRun('doctor', fixed));
      assert.match(fixed.check('login.audience').detail, /binds \["sts","vault"\]/);
      assert.equal(fixed.check('token.max-ttl').status, 'ok');

      const denied = runDoctor(stack, server, [], {
        VAULT_TOKEN: server.admin(['token', 'create', '-policy=default', '-field=token']).trim(),
      });
      assert.equal(denied.check('login.role-read').status, 'warn');
      assert.equal(denied.status, 0);
    });
  });
});

describe('doctor: no secret in its output', () => {
  const SECRETS = [/eyJ[\w-]{10,}\.[\w-]{10,}/, /\b(?:s|hvs|b|hvb)\.[\w-]{20,}/];
  test('text and JSON, passing and failing, with the root token in VAULT_TOKEN', async () => {
    await withServer((server) => {
      const check = (args: readonly string[]) => {
        const r = cli(['doctor', '--role', DOCTOR_ROLE, '--audience', stack.STACK_AUDIENCE, ...args], {
          env: server.env({ VAULT_TOKEN: server.rootToken }),
        });
        const out = `${r.stdout}\n${r.stderr}`;
        for (const secret of SECRETS) assert.doesNotMatch(out, secret);
        assert.ok(!out.includes(server.rootToken), 'the root token was printed');
        return r;
      };
      assert.equal(check([]).status, 0);
      assert.equal(check(['--json']).status, 0);
      server.admin(['write', ROLE, 'role_type=jwt', 'bound_audiences=sts', 'token_type=batch']);
      assert.equal(check([]).status, 1);
      server.admin(['write', ROLE, 'role_type=jwt', `bound_audiences=${stack.STACK_AUDIENCE}`]);
      const batch = check(['--json']);
      assert.equal(batch.status, 1);
      assert.match(batch.stderr, /could not revoke/);
    });
  });
});
