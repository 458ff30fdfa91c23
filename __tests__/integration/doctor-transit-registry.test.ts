// `doctor`'s transit and registry checks on the real servers. Each misconfiguration is made with
// the server's own CLI on a throwaway server; a real signing run fails with it; doctor exits 1
// naming the failing check and its fix; the test applies the fix doctor printed (its commands,
// its policy lines added to the role's policy); then doctor exits 0 and a real signing run passes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { leaks } from '../helpers/cli-run.ts';
import {
  assertImageSigningRunPasses,
  assertSigningRunPasses,
  DOCTOR_KEY,
  DOCTOR_POLICY,
  runDoctor,
  signBlobRun,
  startConfiguredServer,
  type ConfiguredServer,
  type DoctorRun,
} from '../helpers/doctor-setup.ts';
import { crane, pushImage } from '../helpers/oci-images.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

async function withServer(body: (server: ConfiguredServer) => Promise<void> | void): Promise<void> {
  const server = await startConfiguredServer(stack);
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

/** Vault and OpenBao tokens (hvs./hvb./s.…) and JWTs: none may appear. */
const VAULT_TOKEN = /\b(?:hv[sbr]|s|b)\.[A-Za-z0-9_-]{20,}/;

function assertNoSecrets(run: DoctorRun, secrets: readonly string[]): void {
  const output = run.stdout + run.stderr;
  assert.deepEqual(leaks(output, secrets), []);
  assert.doesNotMatch(output, VAULT_TOKEN);
}

function assertFails(run: DoctorRun, id: string, code: string) {
  assert.equal(run.status, 1, describeRun('doctor (expected to fail)', run));
  assert.equal(run.report.ok, false);
  const check = run.check(id);
  assert.equal(check.status, 'fail', JSON.stringify(check));
  assert.equal(check.code, code);
  assert.ok(check.fix, `${id} has no fix`);
  return check;
}

function assertPasses(run: DoctorRun): void {
  const failed = run.report.checks.filter((check) => check.status === 'fail');
  assert.equal(run.status, 0, `${describeRun('doctor', run)}\nfailed: ${JSON.stringify(failed)}`);
  assert.equal(run.report.ok, true);
}

/** Runs a `vault …` command a check printed with the server's own CLI (bao or vault). */
function runPrinted(server: ConfiguredServer, command: string): void {
  assert.match(command, /^vault [^'"|;&]+$/, `not a plain vault command: ${command}`);
  server.admin(command.slice('vault '.length).split(/\s+/));
}

/** What the fix says to do with policy lines: add them to the role's policy, with `vault policy write`. */
function addPolicyLines(server: ConfiguredServer, lines: readonly string[] | undefined): void {
  assert.ok(lines?.length, 'the check has no policy lines');
  const current = server.admin(['policy', 'read', DOCTOR_POLICY]);
  server.admin(['policy', 'write', DOCTOR_POLICY, '-'], `${current}\n${lines.join('\n')}\n`);
}

function assertSigningRunFails(server: ConfiguredServer): void {
  const r = signBlobRun(stack, server);
  assert.notEqual(r.status, 0, describeRun('sign-blob (expected to fail)', r));
}

describe('transit', () => {
  test('a policy without the sign right: transit.capabilities gives the sign line; added, doctor and signing pass', () =>
    withServer((server) => {
      server.admin(
        ['policy', 'write', DOCTOR_POLICY, '-'],
        `path "transit/keys/${DOCTOR_KEY}" { capabilities = ["read"] }\n`,
      );
      assertSigningRunFails(server);
      const run = runDoctor(stack, server);
      const check = assertFails(run, 'transit.capabilities', 'TRANSIT_PERMISSION_DENIED');
      assert.deepEqual(check.policy, [`path "transit/sign/${DOCTOR_KEY}/sha2-256" { capabilities = ["update"] }`]);
      assert.match(check.fix ?? '', new RegExp(`policy '${DOCTOR_POLICY}'.*vault policy write ${DOCTOR_POLICY}`));
      assert.equal(run.check('transit.key').status, 'ok');
      assertNoSecrets(run, [server.rootToken]);
      addPolicyLines(server, check.policy);
      assertPasses(runDoctor(stack, server));
      assertSigningRunPasses(stack, server);
    }));

  test('a policy with sign but without key read: the read line; the key check waits for it', () =>
    withServer((server) => {
      server.admin(
        ['policy', 'write', DOCTOR_POLICY, '-'],
        `path "transit/sign/${DOCTOR_KEY}/sha2-256" { capabilities = ["update"] }\n`,
      );
      assertSigningRunFails(server);
      const run = runDoctor(stack, server);
      const check = assertFails(run, 'transit.capabilities', 'TRANSIT_PERMISSION_DENIED');
      assert.deepEqual(check.policy, [`path "transit/keys/${DOCTOR_KEY}" { capabilities = ["read"] }`]);
      assert.equal(run.check('transit.mount').status, 'ok');
      assert.equal(run.check('transit.key').status, 'skip');
      assertNoSecrets(run, [server.rootToken]);
      addPolicyLines(server, check.policy);
      assertPasses(runDoctor(stack, server));
      assertSigningRunPasses(stack, server);
    }));

  for (const type of ['ed25519', 'rsa-2048']) {
    test(`a key of type ${type}: transit.key-type says to create an ecdsa-p256 key and grant it; done, both pass`, () =>
      withServer((server) => {
        server.admin(['write', `transit/keys/${DOCTOR_KEY}/config`, 'deletion_allowed=true']);
        server.admin(['delete', `transit/keys/${DOCTOR_KEY}`]);
        server.admin(['write', '-f', `transit/keys/${DOCTOR_KEY}`, `type=${type}`]);
        assertSigningRunFails(server);
        const run = runDoctor(stack, server);
        const check = assertFails(run, 'transit.key-type', 'TRANSIT_KEY_TYPE_UNSUPPORTED');
        assert.match(check.detail, new RegExp(`'${type}'`));
        const newKey = `${DOCTOR_KEY}-p256`;
        assert.deepEqual(check.commands, [`vault write -f transit/keys/${newKey} type=ecdsa-p256`]);
        assert.match(check.fix ?? '', new RegExp(`--transit-key ${newKey}.*policy '${DOCTOR_POLICY}'`));
        assertNoSecrets(run, [server.rootToken]);
        for (const command of check.commands ?? []) runPrinted(server, command);
        addPolicyLines(server, check.policy);
        assertPasses(runDoctor(stack, server, ['--transit-key', newKey]));
        assertSigningRunPasses(stack, server, ['--transit-key', newKey]);
      }));
  }

  test('no transit mount: transit.mount gives the commands that enable it and create the key; run, both pass', () =>
    withServer((server) => {
      server.admin(['secrets', 'disable', 'transit']);
      assertSigningRunFails(server);
      const run = runDoctor(stack, server);
      const check = assertFails(run, 'transit.mount', 'TRANSIT_KEY_NOT_FOUND');
      assert.equal(check.reason, 'mount-missing');
      assert.ok(check.commands?.includes('vault secrets enable -path=transit transit'), JSON.stringify(check));
      assert.equal(run.check('transit.key').status, 'skip');
      assertNoSecrets(run, [server.rootToken]);
      for (const command of check.commands ?? []) runPrinted(server, command);
      assertPasses(runDoctor(stack, server));
      assertSigningRunPasses(stack, server);
    }));

  test('no key: transit.key gives the command that creates it; run, both pass', () =>
    withServer((server) => {
      server.admin(['write', `transit/keys/${DOCTOR_KEY}/config`, 'deletion_allowed=true']);
      server.admin(['delete', `transit/keys/${DOCTOR_KEY}`]);
      assertSigningRunFails(server);
      const run = runDoctor(stack, server);
      const check = assertFails(run, 'transit.key', 'TRANSIT_KEY_NOT_FOUND');
      assert.equal(check.reason, 'key-missing');
      assert.equal(run.check('transit.mount').status, 'ok');
      assertNoSecrets(run, [server.rootToken]);
      for (const command of check.commands ?? []) runPrinted(server, command);
      assertPasses(runDoctor(stack, server));
      assertSigningRunPasses(stack, server);
    }));

  test('--verify without the verify grant: the verify line (signing alone passes); added, --verify passes', () =>
    withServer((server) => {
      assertPasses(runDoctor(stack, server));
      const run = runDoctor(stack, server, ['--verify']);
      const check = assertFails(run, 'transit.capabilities', 'TRANSIT_PERMISSION_DENIED');
      assert.deepEqual(check.policy, [`path "transit/verify/${DOCTOR_KEY}/sha2-256" { capabilities = ["update"] }`]);
      assertNoSecrets(run, [server.rootToken]);
      addPolicyLines(server, check.policy);
      assertPasses(runDoctor(stack, server, ['--verify']));
      assertSigningRunPasses(stack, server);
    }));
});

describe('registries', () => {
  test('a registry that wants credentials and none configured: registry.credentials; logged in, doctor and sign-image pass', () =>
    withServer(async (server) => {
      const host = stack.STACK_REGISTRY_AUTH;
      const user = stack.STACK_REGISTRY_AUTH_USER;
      const password = stack.STACK_REGISTRY_AUTH_PASSWORD;
      assert.ok(host && user && password, 'restart the stack: it has no STACK_REGISTRY_AUTH');
      const repo = `doctor-${Date.now().toString(36)}/app`;
      const images = [`${host}/${repo}:v1`, `${stack.STACK_REGISTRY}/${repo}:v1`];
      const dockerConfig = mkdtempSync(join(tmpdir(), 'doctor-docker-config-'));
      const env = { DOCKER_CONFIG: dockerConfig };
      const secrets = [server.rootToken, password, Buffer.from(`${user}:${password}`).toString('base64')];

      const run = runDoctor(stack, server, images, env);
      const check = assertFails(run, 'registry.credentials', 'REGISTRY_AUTH_REQUIRED');
      assert.deepEqual(check.commands, [`docker login ${host}`]);
      const pushes = run.report.checks.filter((c) => c.id === 'registry.push');
      assert.deepEqual(
        pushes.map((c) => c.status),
        ['skip', 'ok'],
      );
      assertNoSecrets(run, secrets);

      // What `docker login HOST` writes without a credential store: auths.HOST.auth.
      crane(stack, ['auth', 'login', host, '-u', user, '-p', password], env);
      const config = JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')) as {
        auths: Record<string, { auth?: string }>;
      };
      assert.ok(config.auths[host]?.auth, 'the login wrote no auths entry');

      const fixed = runDoctor(stack, server, images, env);
      assertPasses(fixed);
      assert.match(fixed.check('registry.credentials').detail, new RegExp(join(dockerConfig, 'config.json')));
      assert.deepEqual(
        fixed.report.checks.filter((c) => c.id === 'registry.push').map((c) => c.status),
        ['ok', 'ok'],
      );
      assertNoSecrets(fixed, secrets);
      // The push check cancelled its upload: the repository holds nothing.
      assert.throws(() => crane(stack, ['ls', `${host}/${repo}`], env), /NAME_UNKNOWN|404/);

      pushImage(stack, images[0] as string, `doctor ${repo}`, { env });
      await assertImageSigningRunPasses(stack, server, { image: images[0] as string, env });
    }));
});
