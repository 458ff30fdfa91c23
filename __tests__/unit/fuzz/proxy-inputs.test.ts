/**
 * The Vault proxy's inputs: its `allow` patterns, the request targets it judges, and its listen
 * address. Patterns and addresses parse to what they promise or fail with INVALID_INPUT; a
 * request target gives a decoded API path without ., .. or slashes in a segment, or a refusal.
 */
import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { apiPathOf, parseAllowList } from '../../../src/core/proxy/allow-list.ts';
import { parseListenAddress } from '../../../src/core/proxy/listen-address.ts';
import { hostileText, nearValid } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('proxy inputs', 0x9a0c);
const INPUT = ['INVALID_INPUT'];
const NEVER_THROWS: string[] = [];

const PATH_PIECES = [
  'transit',
  'sign',
  'cosign',
  'auth',
  'token',
  '/',
  '+',
  '*',
  'v1/',
  '/v1/',
  '.',
  '..',
  '%2F',
  '%2e%2e',
  '%',
  '?',
  '#',
  '\\',
  ' ',
];
const validPattern = fc
  .tuple(
    fc.array(fc.constantFrom('transit', 'sign', 'cosign', '+', 'keys'), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([segments, prefix]) => `${segments.join('/')}${prefix ? '*' : ''}`);

test('allow patterns: each allows the paths it names, or INVALID_INPUT', () => {
  const input = fc.tuple(
    fc.array(fc.oneof(hostileText(PATH_PIECES, 6), nearValid(validPattern)), { maxLength: 3 }),
    fc.string(),
  );
  fuzz.check(
    'allow patterns',
    input,
    ([patterns, path]) =>
      expectParsedOrCoded(() => parseAllowList(patterns, 'allow'), {
        codes: INPUT,
        valid: (list) => {
          assert.equal(list.patterns.length, patterns.length);
          assert.equal(typeof list.allows(path), 'boolean');
          // (`+*` is a prefix '+' of a last segment, not a wildcard: left out.)
          for (const pattern of list.patterns.filter((p) => !p.endsWith('+*'))) {
            const example = pattern.replace(/\*$/, '').replace(/(^|\/)\+(?=\/|$)/g, '$1x');
            if (example.split('/').every((s) => s !== ''))
              assert.ok(list.allows(example), `${pattern} allows ${example}`);
          }
        },
      }),
    1500,
  );
});

test('request targets: a decoded path without ., .. or a slash in a segment, or a refusal', () => {
  const target = fc.oneof(
    hostileText(PATH_PIECES, 10),
    nearValid(validPattern.map((p) => `/v1/${p.replace('*', 'x')}`)),
  );
  fuzz.check(
    'request targets',
    target,
    (raw) =>
      expectParsedOrCoded(() => apiPathOf(raw), {
        codes: NEVER_THROWS,
        valid: (judged) => {
          if (!('path' in judged)) return;
          for (const segment of judged.path.split('/')) {
            assert.ok(segment !== '.' && segment !== '..' && !segment.includes('\\'), judged.path);
          }
        },
      }),
    1500,
  );
});

test('listen addresses: a loopback TCP port or a unix socket path, or INVALID_INPUT', () => {
  const pieces = [
    'unix://',
    'unix:',
    '/',
    '.',
    'tmp',
    'vault.sock',
    '127.0.0.1',
    'localhost',
    '[::1]',
    '0.0.0.0',
    ':',
    '8200',
    '0',
    '65536',
    '[',
    ']',
  ];
  fuzz.check(
    'listen addresses',
    hostileText(pieces, 6),
    (text) =>
      expectParsedOrCoded(() => parseListenAddress(text, { source: 'listen', cwd: '/work' }), {
        codes: INPUT,
        valid: (address) => {
          if (address.kind === 'tcp') {
            assert.ok(['127.0.0.1', 'localhost', '::1'].includes(address.host), address.host);
            assert.ok(Number.isInteger(address.port) && address.port >= 0 && address.port <= 65535);
          } else {
            assert.ok(address.path === '' || (isAbsolute(address.path) && Buffer.byteLength(address.path) <= 107));
          }
        },
      }),
    1500,
  );
});
