import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter, retry } from '../../../src/core/retry.ts';
import { instantClock } from '../../helpers/instant-clock.ts';

const policy = { initialDelayMs: 10, maxDelayMs: 100, deadlineMs: 5_000 };
class Busy extends Error {
  readonly waitMs: number | undefined;
  constructor(waitMs?: number) {
    super('busy');
    this.waitMs = waitMs;
  }
}

test('Retry-After: delay-seconds, an HTTP-date, and what is not one', () => {
  assert.equal(parseRetryAfter('5', 0), 5_000);
  assert.equal(parseRetryAfter(' 0 ', 0), 0);
  assert.equal(parseRetryAfter(new Date(62_000).toUTCString(), 60_000), 2_000);
  assert.equal(parseRetryAfter(new Date(1_000).toUTCString(), 60_000), 0, 'a date gone by: no wait');
  for (const bad of [undefined, '', 'soon', '-1', '1.5', '2 s']) assert.equal(parseRetryAfter(bad, 0), undefined, bad);
});

test('a failure that asks for a wait gets at least that wait before the next attempt', async () => {
  const clock = instantClock();
  let attempts = 0;
  const result = await retry({
    policy,
    clock,
    random: () => 0,
    isRetryable: (e) => e instanceof Busy,
    retryAfterMs: (e) => (e as Busy).waitMs,
    attempt: async () => {
      attempts++;
      if (attempts === 1) throw new Busy(3_000);
      if (attempts === 2) throw new Busy();
      return 'done';
    },
  });
  assert.equal(result, 'done');
  assert.equal(clock.slept[0], 3_000);
  assert.ok((clock.slept[1] as number) < 100, `the second wait is the backoff again: ${clock.slept[1]}`);
});

test('a wait past the deadline ends the retries at once with the deadline error', async () => {
  const clock = instantClock();
  let attempts = 0;
  await assert.rejects(
    retry({
      policy,
      clock,
      isRetryable: () => true,
      retryAfterMs: () => 60_000,
      onDeadline: (last, n) => new Error(`gave up after ${n}: ${(last as Error).message}`),
      attempt: async () => {
        attempts++;
        throw new Busy(60_000);
      },
    }),
    /gave up after 1: busy/,
  );
  assert.equal(attempts, 1);
  assert.deepEqual(clock.slept, []);
});
