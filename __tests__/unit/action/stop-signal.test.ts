// The main step's stop on SIGINT/SIGTERM, driven in-process with a login that answers when told
// (the real stack, a slow Vault and real signals: faults-signal-login.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DoctorReport } from '../../../src/core/doctor/index.ts';
import type { LoginToken, VaultLogin } from '../../../src/core/login/types.ts';
import { StopOnSignal } from '../../../src/action/stop-signal.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { fakeActionRunner } from '../../helpers/fake-action-runner.ts';

/** A login method whose logins answer only when `answer()` is called. */
function heldLogin() {
  const answers: (() => void)[] = [];
  let started = 0;
  const method: VaultLogin = {
    vault: new VaultClient({ address: 'http://127.0.0.1:9' }),
    login: () => {
      started++;
      return new Promise<LoginToken>((resolve) =>
        answers.push(() => resolve({ token: `hvs.t${started}` } as LoginToken)),
      );
    },
    close: () => {},
  };
  return { method, answer: () => answers.shift()?.(), started: () => started };
}

function stopper(graceMs = 5_000) {
  const events: string[] = [];
  const stop = new StopOnSignal({
    warning: (message) => events.push(`warning: ${message}`),
    exit: (code) => events.push(`exit ${code}`),
    graceMs,
  });
  return { stop, events };
}

test('a login under way: the step exits once its token is handled, with the code of the signal', async () => {
  const { stop, events } = stopper();
  const held = heldLogin();
  const login = stop.guard(held.method);
  void login.login().then((token) => events.push(`saved ${token.token}`));
  const stopped = stop.stop('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(events, ['warning: stopped by SIGTERM; the post step revokes the Vault token(s)']);
  held.answer();
  await stopped;
  assert.deepEqual(events.slice(1), ['saved hvs.t1', 'exit 143']);
});

test('after the signal no login starts, and a second signal changes nothing', async () => {
  const { stop, events } = stopper();
  const held = heldLogin();
  const login = stop.guard(held.method);
  await stop.stop('SIGINT');
  await stop.stop('SIGTERM');
  let answered = false;
  void login.login().then(() => (answered = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(held.started(), 0);
  assert.equal(answered, false);
  assert.deepEqual(events, ['warning: stopped by SIGINT; the post step revokes the Vault token(s)', 'exit 130']);
});

test('a login that does not answer within the grace: the step exits anyway', async () => {
  const { stop, events } = stopper(30);
  void stop.guard(heldLogin().method).login();
  const started = Date.now();
  await stop.stop('SIGTERM');
  assert.ok(Date.now() - started >= 25, `${Date.now() - started} ms`);
  assert.equal(events.at(-1), 'exit 143');
});

test('set-up checks under way (doctor) are waited for too, and none starts after the signal', async () => {
  const { stop, events } = stopper();
  let finish: (() => void) | undefined;
  let runs = 0;
  const deps = stop.guarding({
    runner: fakeActionRunner({}),
    createLogin: () => heldLogin().method,
    runDoctor: () => {
      runs++;
      return new Promise<DoctorReport>((resolve) => (finish = () => resolve({ ok: true, checks: [] })));
    },
  });
  const check = deps.runDoctor;
  assert.ok(check);
  void check({} as never, {} as never).then(() => events.push('doctor revoked its token'));
  const stopped = stop.stop('SIGTERM');
  void check({} as never, {} as never);
  finish?.();
  await stopped;
  assert.equal(runs, 1);
  assert.deepEqual(events.slice(1), ['doctor revoked its token', 'exit 143']);
});
