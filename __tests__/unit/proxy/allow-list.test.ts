// The proxy's allow list (Vault policy path syntax) and the API path it judges requests by.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { apiPathOf, parseAllowList } from '../../../src/core/proxy/allow-list.ts';

const allowed = (patterns: string[], paths: string[]) => {
  const list = parseAllowList(patterns, '--allow');
  return paths.filter((path) => list.allows(path));
};

describe('parseAllowList', () => {
  test('no pattern allows every path', () => {
    const list = parseAllowList([], '--allow');
    assert.deepEqual(list.patterns, []);
    assert.equal(list.allows('sys/mounts'), true);
    assert.equal(list.allows(''), true);
  });

  test('an exact pattern allows that path only', () => {
    assert.deepEqual(
      allowed(
        ['transit/keys/cosign'],
        [
          'transit/keys/cosign',
          'transit/keys/cosign2',
          'transit/keys',
          'transit/keys/cosign/x',
          'transit/keys/cosign/',
        ],
      ),
      ['transit/keys/cosign'],
    );
  });

  test('+ stands for exactly one non-empty segment', () => {
    assert.deepEqual(
      allowed(
        ['transit/keys/+'],
        ['transit/keys/a', 'transit/keys/cosign', 'transit/keys/', 'transit/keys', 'transit/keys/a/b', 'transit/x/a'],
      ),
      ['transit/keys/a', 'transit/keys/cosign'],
    );
    assert.deepEqual(allowed(['+/sign/+'], ['transit/sign/k', 'ci/sign/k', 'transit/verify/k', 'a/b/sign/k']), [
      'transit/sign/k',
      'ci/sign/k',
    ]);
  });

  test('a trailing * matches any rest, also within the last segment, but not less than the prefix', () => {
    assert.deepEqual(
      allowed(
        ['transit/sign/cosign/*'],
        [
          'transit/sign/cosign/sha2-256',
          'transit/sign/cosign/a/b',
          'transit/sign/cosign/',
          'transit/sign/cosign',
          'transit/sign/cosign2/sha2-256',
        ],
      ),
      ['transit/sign/cosign/sha2-256', 'transit/sign/cosign/a/b', 'transit/sign/cosign/'],
    );
    assert.deepEqual(
      allowed(['secret/data/app*'], ['secret/data/app', 'secret/data/app2', 'secret/data/app/x', 'secret/data/ap']),
      ['secret/data/app', 'secret/data/app2', 'secret/data/app/x'],
    );
    assert.deepEqual(allowed(['transit/+/cosign/*'], ['transit/sign/cosign/x', 'transit/a/b/cosign/x']), [
      'transit/sign/cosign/x',
    ]);
    assert.deepEqual(allowed(['*'], ['sys/mounts', '']), ['sys/mounts', '']);
  });

  test('several patterns: a path any of them allows', () => {
    assert.deepEqual(
      allowed(
        ['transit/keys/cosign', 'transit/sign/cosign/*'],
        ['transit/keys/cosign', 'transit/sign/cosign/x', 'sys/mounts'],
      ),
      ['transit/keys/cosign', 'transit/sign/cosign/x'],
    );
  });

  test('leading slashes, a v1/ prefix and surrounding space are dropped', () => {
    const list = parseAllowList([' /v1/transit/keys/cosign ', '//secret/data/+'], '--allow');
    assert.deepEqual(list.patterns, ['transit/keys/cosign', 'secret/data/+']);
    assert.equal(list.allows('transit/keys/cosign'), true);
    assert.equal(list.allows('secret/data/app'), true);
  });

  for (const bad of [
    '',
    '  ',
    'transit/*/cosign',
    '**',
    'transit/keys/co?ign',
    'a b',
    'a#b',
    '../sys/mounts',
    'a/./b',
    'a/../b',
  ]) {
    test(`'${bad}' is refused, naming the input and the pattern`, () => {
      assert.throws(
        () => parseAllowList(['transit/keys/cosign', bad], 'proxy-allow'),
        (error: unknown) =>
          error instanceof InputError &&
          error.message.startsWith(`proxy-allow: '${bad.trim()}' is not a Vault path pattern`) &&
          /trailing \*/.test(error.message),
      );
    });
  }
});

describe('apiPathOf', () => {
  const cases: [string, string][] = [
    ['/v1/transit/keys/cosign', 'transit/keys/cosign'],
    ['/v1/transit/keys/cosign?version=1', 'transit/keys/cosign'],
    ['/v1/secret/metadata/?list=true', 'secret/metadata/'],
    ['/v1/transit/keys/cos%69gn', 'transit/keys/cosign'],
    ['/v1/secret/data/a%20b', 'secret/data/a b'],
    ['/v1/sys/health', 'sys/health'],
  ];
  for (const [target, path] of cases) {
    test(`${target} → ${path}`, () => {
      assert.deepEqual(apiPathOf(target), { path });
    });
  }

  const refusals: [string, RegExp][] = [
    ['/sys/mounts', /only the Vault API/],
    ['/v2/sys/mounts', /only the Vault API/],
    ['/v1', /only the Vault API/],
    ['', /only the Vault API/],
    ['/V1/sys/mounts', /only the Vault API/],
    ['/v1/transit//keys', /empty segment/],
    ['/v1//sys/mounts', /empty segment/],
    ['/v1/transit/keys/../../sys/mounts', /\.\. or encoded slash/],
    ['/v1/transit/./keys', /\.\. or encoded slash/],
    ['/v1/transit/keys/%2e%2e/%2E%2E/sys/mounts', /\.\. or encoded slash/],
    ['/v1/transit%2Fkeys%2Fcosign', /\.\. or encoded slash/],
    ['/v1/transit/keys/..%2f..%2fsys', /\.\. or encoded slash/],
    ['/v1/transit%5ckeys', /\.\. or encoded slash/],
    ['/v1/transit/%zz', /not valid percent-encoding/],
  ];
  for (const [target, reason] of refusals) {
    test(`'${target}' is refused`, () => {
      const result = apiPathOf(target);
      assert.ok('refused' in result, `${target} gave ${JSON.stringify(result)}`);
      assert.match(result.refused, reason);
    });
  }
});
