import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { parseBoolean, parseDuration, parseHttpUrl, parseList, readPem } from '../../../src/core/parse.ts';

describe('parseDuration', () => {
  for (const [text, ms] of [
    ['90', 90_000],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['0.5', 500],
  ] as const) {
    test(`${text} → ${ms} ms`, () => assert.equal(parseDuration('timeout', text), ms));
  }
  for (const text of ['', '-5s', '0', '0s', '5 minutes', '1d', 's', '5s5']) {
    test(`rejects '${text}'`, () =>
      assert.throws(() => parseDuration('timeout', text), { code: 'INVALID_INPUT', message: /^timeout: / }));
  }
});

describe('parseBoolean', () => {
  test('true, false, empty → default', () => {
    assert.equal(parseBoolean('x', 'true'), true);
    assert.equal(parseBoolean('x', 'FALSE'), false);
    assert.equal(parseBoolean('x', ''), undefined);
  });
  test('anything else is an error naming the input', () => {
    assert.throws(
      () => parseBoolean('export-token', 'yes'),
      (e: unknown) => e instanceof InputError && /export-token/.test(e.message),
    );
  });
});

describe('parseHttpUrl', () => {
  test('normalizes trailing slashes', () =>
    assert.equal(parseHttpUrl('a', 'https://vault:8200/'), 'https://vault:8200'));
  for (const bad of ['vault:8200', 'ftp://vault', 'https://user:pw@vault', 'https://vault?x=1', 'not a url']) {
    test(`rejects ${bad}`, () =>
      assert.throws(() => parseHttpUrl('vault-addr', bad), { code: 'INVALID_INPUT', message: /^vault-addr: / }));
  }
});

test('parseList splits on commas and newlines', () => {
  assert.deepEqual(parseList('a, b\n\nc,'), ['a', 'b', 'c']);
});

describe('readPem', () => {
  test('inline PEM is returned with a trailing newline', () => {
    assert.equal(
      readPem('ca-cert', '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----'),
      '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
    );
  });
  test('a missing file names the input', () => {
    assert.throws(() => readPem('ca-cert', '/nonexistent/ca.pem'), {
      code: 'INVALID_INPUT',
      message: /ca-cert: cannot read '\/nonexistent\/ca.pem' \(ENOENT\)/,
    });
  });
  test('a file without PEM is rejected', () => {
    assert.throws(() => readPem('client-cert', '/etc/hostname'), { code: 'INVALID_INPUT', message: /no PEM block/ });
  });
});
