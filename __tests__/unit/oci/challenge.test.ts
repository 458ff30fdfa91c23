import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthChallenge } from '../../../src/core/oci/challenge.ts';

test('parses a Bearer challenge with a scope holding commas', () => {
  assert.deepEqual(
    parseAuthChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
    ),
    {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    },
  );
});

test('parses Basic, unquoted values, spaces and escaped quotes', () => {
  assert.deepEqual(parseAuthChallenge('Basic realm="Registry Realm"'), {
    scheme: 'basic',
    params: { realm: 'Registry Realm' },
  });
  assert.deepEqual(parseAuthChallenge('BEARER  realm = "https://a/t" , service=reg, error="insufficient_scope"'), {
    scheme: 'bearer',
    params: { realm: 'https://a/t', service: 'reg', error: 'insufficient_scope' },
  });
  assert.deepEqual(parseAuthChallenge('Bearer realm="a\\"b"'), { scheme: 'bearer', params: { realm: 'a"b' } });
});

test('no header, no challenge', () => {
  assert.equal(parseAuthChallenge(undefined), undefined);
  assert.equal(parseAuthChallenge(''), undefined);
});
