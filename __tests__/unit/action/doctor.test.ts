// The action's doctor in-process: which checks the inputs call for, `doctor: true` instead of a
// login, and the "What to change" summary after a failure. A fake runs the checks; the real
// checks run against the stack in the integration tests.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { doctorPlan, failureWorthChecking, type DoctorRunner } from '../../../src/action/doctor.ts';
import { parseActionConfig } from '../../../src/action/config.ts';
import { run as runMain } from '../../../src/action/main.ts';
import { run as runPost } from '../../../src/action/post.ts';
import type { CheckResult, DoctorPlan, DoctorReport } from '../../../src/core/doctor/index.ts';
import { InputError } from '../../../src/core/errors.ts';
import type { VaultLogin } from '../../../src/core/login/types.ts';
import { fakeActionRunner } from '../../helpers/fake-action-runner.ts';

const inputs = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
const BASE = inputs({ role: 'ci', 'vault-addr': 'https://vault.example.com:8200' });

function planFor(values: Record<string, string>): DoctorPlan {
  const runner = fakeActionRunner({ ...BASE, ...inputs(values) });
  return doctorPlan(runner, parseActionConfig(runner.env, '/workspace'));
}

const OK: CheckResult = { id: 'login.role', area: 'login', status: 'ok', title: 'login', detail: "role 'ci'" };
const FAIL: CheckResult = {
  id: 'login.role',
  area: 'login',
  status: 'fail',
  title: 'login',
  detail: '400 invalid audience',
  code: 'VAULT_LOGIN_DENIED',
  fix: 'set audience to one of them',
  commands: ['vault read auth/jwt/role/ci'],
};

/** A fake doctor: records its plan, masks a JWT as the real one does, answers `checks`. */
function fakeDoctor(checks: CheckResult[]) {
  const plans: DoctorPlan[] = [];
  const check: DoctorRunner = async (plan, deps) => {
    plans.push(plan);
    deps.onSecret('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    const report: DoctorReport = { ok: checks.every((c) => c.status !== 'fail'), checks };
    return report;
  };
  return { check, plans };
}

function refusingLogin(): VaultLogin {
  const error = Object.assign(new Error("role 'ci': 400 invalid audience"), { code: 'VAULT_LOGIN_DENIED' });
  return {
    vault: undefined as never,
    login: async () => {
      throw error;
    },
    close: () => {},
  };
}

describe('the checks the inputs call for', () => {
  test('login only: Workload API, Vault, login and token; no transit key, no registry', () => {
    const plan = planFor({});
    assert.equal(plan.transit, undefined);
    assert.deepEqual(plan.images, []);
    assert.equal(plan.verify, false);
    assert.equal(plan.login.role, 'ci');
    assert.equal(plan.connection.vaultAddr, 'https://vault.example.com:8200');
  });

  test('signing files: the transit key of the inputs', () => {
    const plan = planFor({ 'sign-blobs': 'dist/*', 'transit-path': 'sign', 'key-version': '3' });
    assert.deepEqual(plan.transit, { transitPath: 'sign', transitKey: 'cosign', keyVersion: 3 });
    assert.deepEqual(plan.images, []);
  });

  test('a transit-key input alone asks for the key check', () => {
    assert.equal(planFor({ 'transit-key': 'release' }).transit?.transitKey, 'release');
  });

  test('signing images: the key, and each image registry as the signing step reaches it', () => {
    const plan = planFor({
      'sign-images': 'registry.example.com/app:1\nregistry.example.com/tool:2',
      'registry-insecure': 'registry.example.com',
      timeout: '2m',
    });
    assert.equal(plan.transit?.transitKey, 'cosign');
    assert.deepEqual(plan.images, ['registry.example.com/app:1', 'registry.example.com/tool:2']);
    assert.deepEqual(plan.registry.insecureHosts, ['registry.example.com']);
    assert.equal(plan.registry.retryDeadlineMs, 10_000, 'a check gives up sooner than a run');
  });

  test('a bad input has nothing to check; a failure of the chain has', () => {
    assert.equal(failureWorthChecking(new InputError('audience: empty')), false);
    assert.equal(failureWorthChecking(Object.assign(new Error('x'), { code: 'VAULT_LOGIN_DENIED' })), true);
    assert.equal(failureWorthChecking(new Error('socket hang up')), true);
  });
});

describe('doctor: true', () => {
  test('checks instead of logging in: nothing exported, saved or output; the table in the summary', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ doctor: 'true' }) });
    const doctor = fakeDoctor([OK]);
    let created = false;
    await runMain({
      runner,
      runDoctor: doctor.check,
      createLogin: () => {
        created = true;
        return refusingLogin();
      },
    });
    assert.equal(runner.failed, undefined);
    assert.equal(created, false, 'no login');
    assert.equal(doctor.plans.length, 1);
    assert.deepEqual(runner.exported, {});
    assert.deepEqual(runner.outputs, {});
    assert.deepEqual(runner.state, {});
    assert.equal(runner.markdown.length, 1);
    assert.match(runner.markdown[0]?.markdown ?? '', /\| ✅ ok \| `login\.role` \|/);
    assert.ok(
      runner.lines.some((line) => /^ok {4}login\.role/m.test(line)),
      'the table is in the log',
    );
    assert.deepEqual(runner.secrets, ['eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'], 'what the checks mint is masked');
  });

  test('a failed check fails the step, naming it and pointing at the summary', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ doctor: 'true' }) });
    await runMain({ runner, runDoctor: fakeDoctor([FAIL]).check, createLogin: refusingLogin });
    assert.match(
      runner.failed ?? '',
      /^spiffe-vault-action: doctor: 1 check\(s\) failed \(login\.role\) — the job summary/,
    );
    const markdown = runner.markdown[0]?.markdown ?? '';
    assert.match(markdown, /❌ fail \| `login\.role`/);
    assert.match(markdown, /set audience to one of them/);
  });

  test('bad inputs fail as in a normal run, before any check', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ doctor: 'true', audience: ',' }) });
    const doctor = fakeDoctor([OK]);
    await runMain({ runner, runDoctor: doctor.check, createLogin: refusingLogin });
    assert.match(runner.failed ?? '', /^spiffe-vault-action \[INVALID_INPUT\]: audience: /);
    assert.equal(doctor.plans.length, 0);
    assert.equal(runner.markdown.length, 0);
  });

  test('the post step after it has nothing to revoke', async () => {
    const main = fakeActionRunner({ ...BASE, ...inputs({ doctor: 'true' }) });
    await runMain({ runner: main, runDoctor: fakeDoctor([OK]).check, createLogin: refusingLogin });
    const post = fakeActionRunner({}, main.state);
    let revoked = false;
    await runPost({
      runner: post,
      revoke: async () => {
        revoked = true;
        return { revoked: 0, alreadyGone: 0, failed: 0 };
      },
    });
    assert.equal(revoked, false);
    assert.deepEqual(post.lines, ['No Vault token to revoke.']);
  });
});

describe('a failed run says what to change', () => {
  test('the original error fails the step; the checks go to the summary under "What to change"', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ 'sign-blobs': 'dist/*' }) });
    const doctor = fakeDoctor([FAIL]);
    await runMain({ runner, runDoctor: doctor.check, createLogin: refusingLogin });
    assert.match(runner.failed ?? '', /^spiffe-vault-action \[VAULT_LOGIN_DENIED\]: role 'ci': 400 invalid audience$/);
    assert.equal(doctor.plans[0]?.transit?.transitKey, 'cosign', 'the checks that apply to the inputs');
    assert.equal(runner.markdown[0]?.heading, 'What to change');
    assert.match(runner.markdown[0]?.markdown ?? '', /^The step failed with `VAULT_LOGIN_DENIED`\./);
    assert.match(runner.markdown[0]?.markdown ?? '', /vault read auth\/jwt\/role\/ci/);
    assert.ok(runner.secrets.includes('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
  });

  test('checks that all pass say the cause is elsewhere', async () => {
    const runner = fakeActionRunner({ ...BASE });
    await runMain({ runner, runDoctor: fakeDoctor([OK]).check, createLogin: refusingLogin });
    assert.match(runner.markdown[0]?.markdown ?? '', /works now: the cause is elsewhere/);
  });

  test('checks that break are a warning; the original error stays the failure', async () => {
    const runner = fakeActionRunner({ ...BASE });
    await runMain({
      runner,
      runDoctor: async () => {
        throw new Error('checks broke');
      },
      createLogin: refusingLogin,
    });
    assert.match(runner.failed ?? '', /\[VAULT_LOGIN_DENIED\]/);
    assert.ok(runner.lines.includes('warning: the set-up checks could not run: checks broke'));
    assert.equal(runner.markdown.length, 0);
  });

  test('a bad input is not checked', async () => {
    const runner = fakeActionRunner({ ...BASE, ...inputs({ timeout: 'soon' }) });
    const doctor = fakeDoctor([OK]);
    await runMain({ runner, runDoctor: doctor.check, createLogin: refusingLogin });
    assert.match(runner.failed ?? '', /\[INVALID_INPUT\]/);
    assert.equal(doctor.plans.length, 0);
  });
});
