import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OciError } from '../../../src/core/oci/errors.ts';
import { apiHost, cosignRepositoryName, isLoopbackHost, parseImageReference } from '../../../src/core/oci/reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

test('parses host, port, repository, tag and digest with Docker Hub defaults', () => {
  const cases: [string, object][] = [
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['team/app', { registry: 'docker.io', repository: 'team/app', tag: 'latest' }],
    ['docker.io/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['index.docker.io/team/app:v1', { registry: 'docker.io', repository: 'team/app', tag: 'v1' }],
    ['ghcr.io/org/sub/app:1.0', { registry: 'ghcr.io', repository: 'org/sub/app', tag: '1.0' }],
    ['127.0.0.1:5000/a/b', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'latest' }],
    ['localhost/a', { registry: 'localhost', repository: 'a', tag: 'latest' }],
    [`localhost:5000/a@${D}`, { registry: 'localhost:5000', repository: 'a', digest: D }],
    [`r.example/a:v1@${D}`, { registry: 'r.example', repository: 'a', tag: 'v1', digest: D }],
    ['[::1]:5000/a/b:x', { registry: '[::1]:5000', repository: 'a/b', tag: 'x' }],
    ['  r.example/a__b/c-d.e:v_1  ', { registry: 'r.example', repository: 'a__b/c-d.e', tag: 'v_1' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseImageReference(input), expected, input);
});

test('refuses what is not a reference with IMAGE_REFERENCE_INVALID', () => {
  for (const bad of [
    '',
    'a b',
    'https://r.example/a',
    'r.example/A',
    'r.example/a:',
    'r.example/a@sha256:abc',
    `r.example/a@sha512:${'a'.repeat(128)}`,
    'r.example/a//b',
    'r.example/-a',
    'bad_host.example:x/a',
    `r.example/a:${'t'.repeat(129)}`,
  ]) {
    assert.throws(
      () => parseImageReference(bad),
      (e: unknown) => e instanceof OciError && e.code === 'IMAGE_REFERENCE_INVALID',
      bad,
    );
  }
});

test('names repositories as cosign does and finds the API host', () => {
  assert.equal(cosignRepositoryName(parseImageReference('alpine')), 'index.docker.io/library/alpine');
  assert.equal(cosignRepositoryName(parseImageReference('127.0.0.1:5000/a/b')), '127.0.0.1:5000/a/b');
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('ghcr.io'), 'ghcr.io');
});

test('loopback hosts are recognised (plain http); others are not', () => {
  for (const h of ['localhost', 'localhost:5000', 'x.localhost:1', '127.0.0.1', '127.1.2.3:80', '[::1]:5000'])
    assert.ok(isLoopbackHost(h), h);
  for (const h of ['10.0.0.1:5000', 'ghcr.io', 'localhost.example.com', '128.0.0.1', '[::2]:5000'])
    assert.ok(!isLoopbackHost(h), h);
});
