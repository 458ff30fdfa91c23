import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { actionsLogger } from '../../../src/action/logger.ts';

/** What `fn` writes to stdout (where @actions/core writes its commands). */
function stdoutOf(fn: () => void): string {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

describe('actionsLogger', () => {
  const saved = process.env.RUNNER_DEBUG;
  afterEach(() => {
    if (saved === undefined) delete process.env.RUNNER_DEBUG;
    else process.env.RUNNER_DEBUG = saved;
  });

  test('debug lines are written only when step debug logging is on', () => {
    delete process.env.RUNNER_DEBUG;
    assert.equal(
      stdoutOf(() => actionsLogger.debug('detail')),
      '',
    );
    process.env.RUNNER_DEBUG = '1';
    assert.match(
      stdoutOf(() => actionsLogger.debug('detail')),
      /^::debug::detail$/m,
    );
  });

  test('info and warnings are always written', () => {
    delete process.env.RUNNER_DEBUG;
    const out = stdoutOf(() => {
      actionsLogger.info('hello');
      actionsLogger.warning('careful');
    });
    assert.match(out, /^hello$/m);
    assert.match(out, /^::warning::careful$/m);
  });
});
