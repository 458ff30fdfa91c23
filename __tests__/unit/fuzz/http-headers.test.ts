/**
 * Registry answers' headers: `WWW-Authenticate` challenges and `Retry-After`. Neither parser
 * throws: a header parses to what it says, or to undefined, quickly, whatever a server sends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAuthChallenge, type AuthChallenge } from '../../../src/core/oci/challenge.ts';
import { parseRetryAfter } from '../../../src/core/retry.ts';
import { hostileText, nearValid, prototypeKey } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('registry headers', 0x4e4d);
const NEVER_THROWS: string[] = [];
const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

function isChallenge(challenge: AuthChallenge | undefined): void {
  if (challenge === undefined) return;
  assert.match(challenge.scheme, /^[a-z]/);
  assert.match(challenge.scheme, TOKEN);
  assert.equal(Object.getPrototypeOf(challenge.params), Object.prototype);
  for (const [name, value] of Object.entries(challenge.params)) {
    assert.match(name, TOKEN);
    assert.equal(typeof value, 'string');
  }
}

const paramName = fc.oneof(fc.constantFrom('realm', 'service', 'scope', 'error', 'Realm'), prototypeKey);
const quoted = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
const wellFormed = fc
  .tuple(
    fc.constantFrom('Bearer', 'Basic', 'bearer'),
    fc.uniqueArray(fc.tuple(paramName, fc.string({ maxLength: 30 })), {
      selector: ([name]) => name.toLowerCase(),
      maxLength: 5,
    }),
  )
  .map(([scheme, params]) => ({
    header: `${scheme} ${params.map(([name, value]) => `${name}=${quoted(value)}`).join(',')}`,
    params: Object.fromEntries(params.map(([name, value]) => [name.toLowerCase(), value])),
  }));

const CHALLENGE_PIECES = [
  'Bearer',
  'Basic',
  ' ',
  ',',
  '=',
  '"',
  '\\',
  'realm',
  'service',
  'scope',
  'https://a/t',
  'constructor',
  '__proto__',
];

test('any header: a challenge of lowercase tokens and string values, or undefined', () => {
  fuzz.check(
    'WWW-Authenticate',
    fc.oneof(hostileText(CHALLENGE_PIECES, 12), nearValid(wellFormed.map((c) => c.header))),
    (header) => expectParsedOrCoded(() => parseAuthChallenge(header), { codes: NEVER_THROWS, valid: isChallenge }),
    2500,
  );
});

test('a well-formed challenge gives back every parameter, escapes undone', () => {
  fuzz.check(
    'WWW-Authenticate',
    wellFormed,
    ({ header, params }) =>
      expectParsedOrCoded(() => parseAuthChallenge(header), {
        codes: NEVER_THROWS,
        valid: (challenge) => assert.deepEqual(challenge?.params, params),
      }),
    1000,
  );
});

const NOW = Date.UTC(2030, 0, 1);
const isDelay = (ms: number | undefined) =>
  assert.ok(ms === undefined || (Number.isFinite(ms) && ms >= 0), `Retry-After gave ${ms}`);
const validRetryAfter = fc.oneof(
  fc.integer({ min: 0, max: 10 ** 7 }).map((s) => ({ text: String(s), ms: s * 1000 })),
  fc.integer({ min: -(10 ** 6), max: 10 ** 6 }).map((s) => ({
    text: new Date(NOW + s * 1000).toUTCString(),
    ms: Math.max(0, s * 1000),
  })),
);

test('any Retry-After: a finite, non-negative delay, or undefined', () => {
  const pieces = [
    '0',
    '1',
    '120',
    '9'.repeat(400),
    '-1',
    '1.5',
    'Sun, 06 Nov 1994 08:49:37 GMT',
    'Wed',
    ' ',
    ',',
    'GMT',
    'Infinity',
    'NaN',
    'e9',
  ];
  fuzz.check(
    'Retry-After',
    fc.oneof(hostileText(pieces, 6), nearValid(validRetryAfter.map((r) => r.text))),
    (text) => expectParsedOrCoded(() => parseRetryAfter(text, NOW), { codes: NEVER_THROWS, valid: isDelay }),
    2000,
  );
  fuzz.check(
    'Retry-After',
    validRetryAfter,
    ({ text, ms }) =>
      expectParsedOrCoded(() => parseRetryAfter(text, NOW), {
        codes: NEVER_THROWS,
        valid: (got) => assert.equal(got, ms),
      }),
    500,
  );
});

// Counterexamples the properties found, kept as examples.
test('a challenge parameter named like an Object method does not end the parameters', () => {
  const challenge = parseAuthChallenge('Bearer constructor=x,realm="https://auth.example/token",service="s"');
  assert.deepEqual(challenge?.params, { constructor: 'x', realm: 'https://auth.example/token', service: 's' });
  assert.equal(parseAuthChallenge('Bearer __proto__="x",realm="r"')?.params.realm, 'r');
});

test('a Retry-After too large for a number is a finite delay', () => {
  const ms = parseRetryAfter('9'.repeat(400), NOW);
  assert.ok(Number.isFinite(ms) && (ms as number) > 10 ** 12, String(ms));
});
