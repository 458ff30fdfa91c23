import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settledWithin, signalExitCode, TerminationWatch } from '../../../src/cli/signals.ts';

test('signal exit codes are 128 + the signal number', () => {
  assert.equal(signalExitCode('SIGTERM'), 143);
  assert.equal(signalExitCode('SIGINT'), 130);
  assert.equal(signalExitCode('SIGKILL'), 137);
});

test('settledWithin: the value, or undefined on failure or timeout', async () => {
  assert.equal(await settledWithin(Promise.resolve(1), 1000), 1);
  assert.equal(await settledWithin(Promise.reject(new Error('x')), 1000), undefined);
  assert.equal(await settledWithin(new Promise(() => {}), 10), undefined);
});

test('TerminationWatch catches a signal, tells its listeners, and restores the default', async () => {
  const before = process.listenerCount('SIGTERM');
  const watch = new TerminationWatch();
  const seen: string[] = [];
  watch.onSignal((signal) => seen.push(signal));
  const first = watch.signaled();
  process.kill(process.pid, 'SIGTERM');
  assert.equal(await first, 'SIGTERM');
  assert.equal(watch.received, 'SIGTERM');
  assert.deepEqual(seen, ['SIGTERM']);
  assert.equal(await watch.signaled(), 'SIGTERM');
  watch.dispose();
  assert.equal(process.listenerCount('SIGTERM'), before);
});
