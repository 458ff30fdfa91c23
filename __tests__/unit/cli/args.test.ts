import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags, shellQuote } from '../../../src/cli/args.ts';

const specs = { role: { type: 'string', description: '' }, authPath: { type: 'string', description: '' } } as const;

test('Go-style single-dash and GNU-style flags both work', () => {
  assert.deepEqual(parseFlags(['-role', 'ci', '--authPath=spiffe'], specs).values, { role: 'ci', authPath: 'spiffe' });
  assert.deepEqual(parseFlags(['-role=ci'], specs).values, { role: 'ci' });
});

test('unknown flags are usage errors', () => {
  assert.throws(() => parseFlags(['-nope', 'x'], specs), { code: 'INVALID_INPUT' });
});

test('shellQuote survives quotes and shell syntax', () => {
  assert.equal(shellQuote(`it's $(rm -rf /)`), `'it'\\''s $(rm -rf /)'`);
});
