/**
 * Option values (every row of the option table, and the shared parsers under them: booleans,
 * durations, URLs, lists, annotations): a value parses to what its row promises, or fails
 * with INVALID_INPUT, quickly, without echoing a secret.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import fc from 'fast-check';
import { OPTIONS } from '../../../src/core/options/table.ts';
import type { OptionRow } from '../../../src/core/options/spec.ts';
import { booleanValue } from '../../../src/core/options/values.ts';
import { parseBoolean, parseDuration, parseHttpUrl, parseKeyValues, parseList } from '../../../src/core/parse.ts';
import { hostileText } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('option values', 0x0b71);
const INPUT = ['INVALID_INPUT'];

const OPTION_PIECES = [
  'true',
  'false',
  'TRUE',
  '1',
  '0',
  't',
  'latest',
  'v2',
  '30s',
  '5m',
  '1h30m',
  '500ms',
  '2.5',
  '90',
  'https://',
  'http://',
  'vault.example.com',
  ':8200',
  '/',
  '//',
  'unix://',
  '/tmp/a.sock',
  'tcp://',
  '127.0.0.1',
  '[::1]',
  ':8081',
  'spiffe://',
  'example.org',
  '/ci',
  'auth/',
  'jwt',
  'cert',
  'transit',
  'cosign',
  'a=b',
  '=',
  ',',
  '\n',
  ' ',
  '!',
  '*',
  '**',
  '.',
  '..',
  'legacy',
  'bundle',
  'both',
  'error',
  'warn',
  'ignore',
  '-----BEGIN ',
  '?',
  '#',
  '@',
  'user:pw@',
  '%2F',
  'x',
];
const optionText = hostileText(OPTION_PIECES, 8);

test('every option row parses or refuses with INVALID_INPUT', () => {
  const rows = Object.values(OPTIONS) as OptionRow<unknown>[];
  const input = fc.record({ row: fc.constantFrom(...rows), value: optionText, fromEnv: fc.boolean() });
  fuzz.check(
    'option rows',
    input,
    ({ row, value, fromEnv }) =>
      expectParsedOrCoded(() => row.parse({ value, source: row.name, fromEnv }), { codes: INPUT }),
    3000,
  );
});

test('booleans: true/false (and Go forms from the environment) or INVALID_INPUT', () => {
  fuzz.check(
    'booleans',
    fc.tuple(optionText, fc.boolean()),
    ([value, fromEnv]) => {
      expectParsedOrCoded(() => parseBoolean('flag', value), {
        codes: INPUT,
        valid: (parsed) => assert.equal(parsed === undefined, value.trim() === ''),
      });
      expectParsedOrCoded(() => booleanValue({ value, source: 'FLAG', fromEnv }), {
        codes: INPUT,
        valid: (parsed) => assert.equal(typeof parsed, 'boolean'),
      });
    },
    1000,
  );
});

const unit = fc.constantFrom(['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]) as fc.Arbitrary<[string, number]>;
const validDuration = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), unit), { minLength: 1, maxLength: 4 })
  .map((parts) => ({
    text: parts.map(([n, [u]]) => `${n}${u}`).join(''),
    ms: parts.reduce((sum, [n, [, factor]]) => sum + n * factor, 0),
  }));

test('durations: a finite positive number of milliseconds, or INVALID_INPUT', () => {
  const isDuration = (ms: number) => assert.ok(Number.isFinite(ms) && ms > 0, `duration ${ms}`);
  fuzz.check(
    'durations',
    optionText,
    (value) => expectParsedOrCoded(() => parseDuration('timeout', value), { codes: INPUT, valid: isDuration }),
    1500,
  );
  fuzz.check(
    'durations',
    validDuration,
    ({ text, ms }) => {
      assert.equal(parseDuration('timeout', text), ms);
      return 'parsed';
    },
    300,
  );
});

test('http URLs: an http(s) URL without credentials, query or fragment, stable when parsed again', () => {
  fuzz.check(
    'URLs',
    optionText,
    (value) =>
      expectParsedOrCoded(() => parseHttpUrl('vault-addr', value), {
        codes: INPUT,
        valid: (url) => {
          const parsed = new URL(url);
          assert.ok(['http:', 'https:'].includes(parsed.protocol));
          assert.equal(parsed.username + parsed.password + parsed.search + parsed.hash, '');
          assert.equal(parseHttpUrl('vault-addr', url), url);
        },
      }),
    1000,
  );
});

test('lists: trimmed, non-empty items without separators', () => {
  fuzz.check(
    'lists',
    optionText,
    (value) =>
      expectParsedOrCoded(() => parseList(value), {
        codes: [],
        valid: (items) => {
          for (const item of items) assert.ok(item !== '' && item === item.trim() && !/[\n,]/.test(item), item);
        },
      }),
    500,
  );
});

test('annotations: every key=value item is an own, trimmed, non-empty key', () => {
  const items = fc.array(hostileText(['a', 'b', '=', ' ', 'key', '__proto__', 'constructor', 'toString', '.'], 5), {
    maxLength: 6,
  });
  fuzz.check(
    'annotations',
    items,
    (list) =>
      expectParsedOrCoded(() => parseKeyValues('annotations', list), {
        codes: INPUT,
        valid: (pairs) => {
          assert.equal(Object.getPrototypeOf(pairs), Object.prototype);
          for (const item of list) {
            const key = item.slice(0, item.indexOf('=')).trim();
            assert.ok(key !== '' && Object.hasOwn(pairs, key), `key '${key}' of '${item}' is kept`);
          }
        },
      }),
    1000,
  );
});

test('long adversarial option values are refused or parsed in linear time', () => {
  const runs = [
    'a' + '/'.repeat(60_000) + 'a',
    '1'.repeat(60_000) + 'x',
    '1.'.repeat(30_000) + 'x',
    'a=b,'.repeat(15_000),
  ];
  for (const value of runs) {
    for (const row of Object.values(OPTIONS) as OptionRow<unknown>[]) {
      expectParsedOrCoded(() => row.parse({ value, source: row.name, fromEnv: false }), { codes: INPUT });
    }
  }
});

// Counterexamples the properties found, kept as examples.
test('a duration too large for a number is refused, not Infinity', () => {
  assert.throws(() => parseDuration('timeout', '9'.repeat(400)), { code: 'INVALID_INPUT' });
  assert.throws(() => parseDuration('timeout', `${'9'.repeat(400)}h`), { code: 'INVALID_INPUT' });
});

test('a run of slashes inside a mount path or namespace is refused at once (it was quadratic)', () => {
  const value = `a${'/'.repeat(60_000)}a`;
  for (const name of ['auth-path', 'namespace', 'transit-path'] as const) {
    const started = performance.now();
    assert.throws(() => OPTIONS[name].parse({ value, source: name, fromEnv: false }), { code: 'INVALID_INPUT' });
    assert.ok(performance.now() - started < 100, name);
  }
});

test('an annotation key that is empty after trimming is refused; __proto__ is kept as a key', () => {
  assert.throws(() => parseKeyValues('annotations', [' =v']), { code: 'INVALID_INPUT' });
  const pairs = parseKeyValues('annotations', ['__proto__=x', 'constructor=y']);
  assert.deepEqual(Object.entries(pairs), [
    ['__proto__', 'x'],
    ['constructor', 'y'],
  ]);
});

test('a token pasted into an option is not echoed by its error', () => {
  const token = `hvs.${'A'.repeat(24)}`;
  assert.throws(
    () => parseHttpUrl('vault-addr', token),
    (error: Error) => !error.message.includes(token),
  );
  assert.throws(
    () => parseKeyValues('annotations', [token]),
    (error: Error) => !error.message.includes(token),
  );
});
