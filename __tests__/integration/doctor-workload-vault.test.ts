// `doctor` on the first two links, each misconfiguration made with the real servers' own tools:
// the registration entry missing (and appearing while doctor waits), Vault sealed, Vault's TLS
// signed by a CA the runner was not given, and no Vault at the address. Doctor fails the right
// check with its fix; the test applies that fix; doctor then passes and a real signing run too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CheckResult, DoctorReport } from '../../src/core/doctor/check.ts';
import { cliEnv, leaks, spawnCli } from '../helpers/cli-run.ts';
import {
  assertSigningRunPasses,
  DOCTOR_KEY,
  DOCTOR_ROLE,
  runDoctor,
  startConfiguredServer,
  type ConfiguredServer,
  type DoctorRun,
} from '../helpers/doctor-setup.ts';
import { deleteRunnerEntry, spireServer, waitForRunnerIdentity, type RecreateEntry } from '../helpers/spire.ts';
import { describeRun, loadStackEnv, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { freePort } from '../helpers/throwaway.ts';

let stack: StackEnv;
let server: ConfiguredServer;
before(async () => {
  stack = loadStackEnv();
  server = await startConfiguredServer(stack);
});
after(async () => {
  await server?.stop();
});

type Extra = Record<string, string | undefined>;

const TOKEN = /\b(?:hvs|hvb|s|b)\.[A-Za-z0-9]{20,}/;

/** Doctor printed neither a JWT nor a Vault token (nor the root token). */
function assertNoSecrets(r: RunResult, secrets: readonly string[] = []): void {
  const text = `${r.stdout}\n${r.stderr}`;
  assert.deepEqual(leaks(text, secrets), [], 'doctor printed a secret');
  assert.doesNotMatch(text, TOKEN, 'doctor printed something like a Vault token');
}

/** Doctor failed (exit 1) at `id` with `code`, and said how to fix it. */
function assertFails(r: DoctorRun, id: string, code: string): CheckResult {
  assert.equal(r.status, 1, describeRun('doctor (expected to fail)', r));
  const check = r.check(id);
  assert.equal(check.status, 'fail', JSON.stringify(check));
  assert.equal(check.code, code, JSON.stringify(check));
  assert.ok(check.fix, `no fix for ${id}: ${JSON.stringify(check)}`);
  return check;
}

function assertPasses(r: DoctorRun): void {
  assert.equal(r.status, 0, describeRun('doctor (expected to pass)', r));
  assert.ok(r.report.ok);
  const failed = r.report.checks.filter((check) => check.status === 'fail');
  assert.deepEqual(failed, []);
}

describe('doctor: the registration entry', () => {
  const spiffeArgs = () => ['--transit-key', DOCTOR_KEY, '--spiffe-id', stack.STACK_SPIFFE_ID];
  let recreate: RecreateEntry | undefined;
  after(async () => {
    // Leave the shared stack as it was, whatever happened above.
    const shown = spireServer(stack, ['entry', 'show', '-spiffeID', stack.STACK_SPIFFE_ID]);
    if (recreate && !/Found [1-9]/.test(shown.stdout)) recreate();
    await waitForRunnerIdentity(stack, true);
  });

  test('missing: identity fails with the entry to create; creating it as printed makes doctor and signing pass', async () => {
    recreate = deleteRunnerEntry(stack);
    await waitForRunnerIdentity(stack, false);
    const started = Date.now();
    const r = runDoctor(stack, server, spiffeArgs());
    assertNoSecrets(r, [server.rootToken]);
    const check = assertFails(r, 'workload-api.identity', 'WORKLOAD_NOT_REGISTERED');
    assert.ok(Date.now() - started >= 10_000, 'doctor reported the identity missing without waiting for it');
    assert.equal(r.check('workload-api.agent').status, 'ok');
    assert.equal(r.check('workload-api.jwt-svid').status, 'skip');
    const uid = process.getuid?.() ?? 0;
    const create = check.commands?.[0] ?? '';
    assert.equal(
      create,
      `spire-server entry create -parentID <PARENT_ID> -spiffeID ${stack.STACK_SPIFFE_ID} -selector unix:uid:${uid}`,
    );
    assert.ok(check.commands?.includes(`spire-server entry show -selector unix:uid:${uid}`));

    // The fix as printed, PARENT_ID being the node alias the stack's agent belongs to (and the
    // entry's DNS name kept, which other tests' cert logins need).
    const [bin, ...args] = create.replace('<PARENT_ID>', stack.STACK_NODE_ID).split(' ');
    assert.equal(bin, 'spire-server');
    const dns = recreate.dnsNames.flatMap((name) => ['-dns', name]);
    const created = spireServer(stack, [...args, ...dns]);
    assert.equal(created.status, 0, describeRun('spire-server entry create', created));

    const fixed = runDoctor(stack, server, spiffeArgs());
    assertNoSecrets(fixed, [server.rootToken]);
    assertPasses(fixed);
    assert.match(fixed.check('workload-api.identity').detail, new RegExp(`JWT-SVIDs for ${stack.STACK_SPIFFE_ID}`));
    assertSigningRunPasses(stack, server);
  });

  test('appearing while doctor waits: it says when it arrived, and passes', async () => {
    recreate = deleteRunnerEntry(stack);
    await waitForRunnerIdentity(stack, false);
    const args = ['doctor', '--role', DOCTOR_ROLE, '--audience', stack.STACK_AUDIENCE, '--json', ...spiffeArgs()];
    const running = spawnCli(args, { env: server.env() });
    await sleep(2_000);
    recreate();
    const r = await running.done;
    assertNoSecrets(r, [server.rootToken]);
    assert.equal(r.status, 0, describeRun('doctor', r));
    const report = JSON.parse(r.stdout) as DoctorReport;
    const identity = report.checks.find((check) => check.id === 'workload-api.identity');
    assert.equal(identity?.status, 'ok', JSON.stringify(identity));
    const arrival = /reached the agent after (\d+\.\d) s/.exec(identity?.detail ?? '');
    assert.ok(arrival, `doctor did not say the identity arrived late: ${identity?.detail}`);
    assert.ok(Number(arrival[1]) >= 1.5, `it arrived after ${arrival[1]} s, before the entry was created`);
    assertSigningRunPasses(stack, server);
  });
});

describe('doctor: the Vault server', () => {
  test('sealed: vault.sealed fails with the unseal command; unsealing with the key makes doctor and signing pass', async () => {
    const sealed = await startConfiguredServer(stack);
    try {
      sealed.admin(['operator', 'seal']);
      const r = runDoctor(stack, sealed, ['--transit-key', DOCTOR_KEY]);
      assertNoSecrets(r, [sealed.rootToken]);
      const check = assertFails(r, 'vault.sealed', 'VAULT_SEALED');
      assert.equal(r.check('vault.reachable').status, 'ok');
      assert.equal(r.check('login.jwt').status, 'skip');
      const unseal = check.commands?.[0] ?? '';
      assert.equal(unseal, `${stack.STACK_VAULT_CLI} operator unseal`);

      const [, ...args] = unseal.split(' ');
      sealed.admin([...args, await sealed.unsealKey()]);

      const fixed = runDoctor(stack, sealed, ['--transit-key', DOCTOR_KEY]);
      assertNoSecrets(fixed, [sealed.rootToken]);
      assertPasses(fixed);
      assertSigningRunPasses(stack, sealed);
    } finally {
      await sealed.stop();
    }
  });

  test('TLS from a CA the runner was not given: vault.tls names it; --ca-cert makes doctor and signing pass', async () => {
    const tls = await startConfiguredServer(stack, { tls: true });
    try {
      const caFile = tls.caCertFile ?? '';
      assert.ok(caFile);
      // The runner as it was set up: without the CA.
      const withoutCa = { env: (extra: Extra = {}) => tls.env({ ...extra, VAULT_CACERT: undefined }) };
      const r = runDoctor(stack, withoutCa, ['--transit-key', DOCTOR_KEY]);
      assertNoSecrets(r, [tls.rootToken]);
      const check = assertFails(r, 'vault.tls', 'VAULT_TLS_FAILED');
      assert.equal(check.reason, 'ca-unknown');
      assert.match(check.fix ?? '', /--ca-cert FILE/);
      assert.equal(r.check('vault.reachable').status, 'ok');

      const fixed = runDoctor(stack, withoutCa, ['--transit-key', DOCTOR_KEY, '--ca-cert', caFile]);
      assertNoSecrets(fixed, [tls.rootToken]);
      assertPasses(fixed);
      assert.match(fixed.check('vault.tls').detail, /is trusted/);
      assertSigningRunPasses(stack, withoutCa, ['--ca-cert', caFile]);
    } finally {
      await tls.stop();
    }
  });

  test('nothing listening: vault.reachable fails with VAULT_UNREACHABLE, naming the address', async () => {
    const address = `http://127.0.0.1:${await freePort()}`;
    const nowhere = { env: (extra: Extra = {}) => cliEnv(stack, { VAULT_ADDR: address, ...extra }) };
    const r = runDoctor(stack, nowhere, ['--transit-key', DOCTOR_KEY]);
    assertNoSecrets(r);
    const check = assertFails(r, 'vault.reachable', 'VAULT_UNREACHABLE');
    assert.ok(check.detail.includes(address), check.detail);
    assert.match(check.detail, /ECONNREFUSED/);
    assert.equal(r.check('vault.tls').status, 'skip');
    assert.equal(r.check('workload-api.identity').status, 'ok');

    // The only fix is the address of a Vault that runs.
    const fixed = runDoctor(stack, server, ['--transit-key', DOCTOR_KEY]);
    assertPasses(fixed);
    assertSigningRunPasses(stack, server);
  });
});
