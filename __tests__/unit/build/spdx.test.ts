// The allow-list check of a package.json `license`: SPDX expressions, as the build reads them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { satisfies } from '../../../scripts/spdx.ts';

const ALLOWED = ['MIT', 'Apache-2.0', 'ISC'];

describe('satisfies', () => {
  test('a single id: on the list or not, case-insensitively; "or later" as the id', () => {
    assert.equal(satisfies('MIT', ALLOWED), true);
    assert.equal(satisfies('mit', ALLOWED), true);
    assert.equal(satisfies('Apache-2.0+', ALLOWED), true);
    assert.equal(satisfies('GPL-3.0-only', ALLOWED), false);
    assert.equal(satisfies('UNLICENSED', ALLOWED), false);
  });

  test('OR passes when any operand is allowed, AND only when all are', () => {
    assert.equal(satisfies('(MIT OR Apache-2.0)', ALLOWED), true);
    assert.equal(satisfies('(GPL-3.0-only OR MIT)', ALLOWED), true);
    assert.equal(satisfies('(GPL-3.0-only OR LGPL-2.1-only)', ALLOWED), false);
    assert.equal(satisfies('(MIT AND ISC)', ALLOWED), true);
    assert.equal(satisfies('(MIT AND GPL-3.0-only)', ALLOWED), false);
  });

  test('AND binds tighter than OR; parentheses group', () => {
    assert.equal(satisfies('GPL-3.0-only OR MIT AND ISC', ALLOWED), true);
    assert.equal(satisfies('MIT AND GPL-3.0-only OR ISC', ALLOWED), true);
    assert.equal(satisfies('MIT AND (GPL-3.0-only OR ISC)', ALLOWED), true);
    assert.equal(satisfies('(MIT OR ISC) AND GPL-3.0-only', ALLOWED), false);
  });

  test('a licence WITH an exception passes only when the list has that pair', () => {
    assert.equal(satisfies('Apache-2.0 WITH LLVM-exception', ALLOWED), false);
    assert.equal(satisfies('Apache-2.0 WITH LLVM-exception', [...ALLOWED, 'Apache-2.0 WITH LLVM-exception']), true);
  });

  test('a malformed expression throws', () => {
    for (const expression of [
      '',
      'MIT OR',
      '(MIT',
      'MIT)',
      'MIT Apache-2.0',
      'AND MIT',
      'MIT WITH',
      'SEE LICENSE IN LICENSE.txt',
    ]) {
      assert.throws(() => satisfies(expression, ALLOWED), SyntaxError, expression);
    }
  });
});
