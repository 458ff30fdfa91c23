import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapConcurrent, settleConcurrent } from '../../../src/core/signing/concurrency.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('settleConcurrent / mapConcurrent', () => {
  test('at most `limit` at a time, results in input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0], {
      limit: 3,
      each: async (n, i) => {
        running++;
        peak = Math.max(peak, running);
        for (let k = 0; k < n; k++) await tick();
        running--;
        return `${i}:${n}`;
      },
    });
    assert.deepEqual(out, ['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    assert.equal(peak, 3);
  });

  test('after a failure nothing new starts, running items finish and are reported', async () => {
    const started: number[] = [];
    const results = await settleConcurrent([0, 1, 2, 3, 4], {
      limit: 2,
      each: async (n) => {
        started.push(n);
        if (n === 0) throw new Error('boom');
        await tick();
        return n;
      },
    });
    assert.deepEqual(started, [0, 1]);
    assert.equal(results[0]?.status, 'rejected');
    assert.deepEqual(results[1], { status: 'fulfilled', value: 1 });
    assert.deepEqual(results.slice(2), [undefined, undefined, undefined]);
    await assert.rejects(
      mapConcurrent([0, 1], { limit: 2, each: async (n) => (n === 1 ? Promise.reject(new Error('x')) : n) }),
      /x/,
    );
  });

  test('no items: no call', async () => {
    assert.deepEqual(await mapConcurrent([], { limit: 4, each: async () => assert.fail('called') }), []);
  });
});
