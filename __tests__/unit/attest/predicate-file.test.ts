// Predicate files as cosign shapes them: custom wraps the text as { Data, Timestamp }, spdx keeps
// the text, other types are JSON objects; missing, non-JSON and oversized files are refused.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_PREDICATE_BYTES, readPredicateFile } from '../../../src/core/attest/predicate-file.ts';
import { COSIGN_CUSTOM_PREDICATE, PREDICATE_TYPES } from '../../../src/core/attest/predicate-type.ts';
import { InputError } from '../../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'predicate-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const SPDX = PREDICATE_TYPES.spdxjson as string;
const invalid = (pattern: RegExp) => (error: unknown) =>
  error instanceof InputError && error.code === 'INVALID_INPUT' && pattern.test(error.message);

test('a JSON predicate is the parsed object', () => {
  const path = file('sbom.json', '{"spdxVersion":"SPDX-2.3","packages":[]}');
  assert.deepEqual(
    readPredicateFile(path, { predicateType: SPDX, shortName: 'spdxjson', source: 'attest-predicate' }),
    {
      spdxVersion: 'SPDX-2.3',
      packages: [],
    },
  );
  assert.deepEqual(readPredicateFile(path, { predicateType: 'https://example.com/x', source: '--predicate' }), {
    spdxVersion: 'SPDX-2.3',
    packages: [],
  });
});

test('custom: the text as Data, with a second-precision Timestamp, as cosign writes it', () => {
  const path = file('notes.txt', 'anything at all\n');
  const now = () => new Date('2026-03-04T05:06:07.891Z');
  assert.deepEqual(
    readPredicateFile(path, { predicateType: COSIGN_CUSTOM_PREDICATE, shortName: 'custom', source: 'x', now }),
    { Data: 'anything at all\n', Timestamp: '2026-03-04T05:06:07Z' },
  );
});

test('spdx (tag-value): the text itself', () => {
  const path = file('sbom.spdx', 'SPDXVersion: SPDX-2.3\n');
  assert.equal(
    readPredicateFile(path, { predicateType: SPDX, shortName: 'spdx', source: 'x' }),
    'SPDXVersion: SPDX-2.3\n',
  );
});

test('missing, a directory, not JSON, JSON but not an object: INVALID_INPUT naming the input', () => {
  const options = { predicateType: SPDX, shortName: 'spdxjson', source: 'attest-predicate' };
  assert.throws(() => readPredicateFile(join(dir, 'missing.json'), options), invalid(/^attest-predicate: .*ENOENT/));
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  assert.throws(() => readPredicateFile(sub, options), invalid(/^attest-predicate: cannot read/));
  assert.throws(() => readPredicateFile(file('bad.json', '{not json'), options), invalid(/is not JSON/));
  for (const content of ['[1,2]', '"text"', 'null', '3'])
    assert.throws(() => readPredicateFile(file('scalar.json', content), options), invalid(/not an object/));
});

test(`over ${MAX_PREDICATE_BYTES} bytes: refused before it is read`, () => {
  const path = file('huge.json', '');
  truncateSync(path, MAX_PREDICATE_BYTES + 1);
  assert.throws(
    () => readPredicateFile(path, { predicateType: SPDX, source: '--predicate' }),
    invalid(/^--predicate: .* is 16777217 bytes, more than the 16 MiB/),
  );
  truncateSync(path, MAX_PREDICATE_BYTES);
  // At the limit it is read (and here refused only for not being JSON).
  assert.throws(() => readPredicateFile(path, { predicateType: SPDX, source: '--predicate' }), invalid(/not JSON/));
});
