/**
 * Image references: a reference parses to registry/repository/tag/digest that keep the
 * distribution grammar and format back to an equivalent reference, or fails with
 * IMAGE_REFERENCE_INVALID, quickly, without echoing a secret.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatReference, parseImageReference, type ImageReference } from '../../../src/core/oci/reference.ts';
import { hostileText, nearValid } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('image references', 0x1a6e);
const CODES = ['IMAGE_REFERENCE_INVALID'];
const DIGEST = `sha256:${'ab'.repeat(32)}`;

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function isWellFormed(ref: ImageReference): void {
  assert.ok(ref.registry !== '' && !/[\s/@]/.test(ref.registry), `registry ${ref.registry}`);
  assert.ok(ref.repository.length <= 255, 'repository length');
  for (const c of ref.repository.split('/')) assert.match(c, COMPONENT);
  assert.ok(ref.tag !== undefined || ref.digest !== undefined, 'a tag or a digest');
  if (ref.tag !== undefined) assert.match(ref.tag, /^\w[\w.-]{0,127}$/);
  if (ref.digest !== undefined) assert.match(ref.digest, /^sha256:[a-f0-9]{64}$/);
  // Formats back to a reference naming the same thing.
  const again = parseImageReference(formatReference(ref));
  assert.equal(again.registry, ref.registry);
  assert.equal(again.repository, ref.repository);
  assert.equal(again.digest, ref.digest);
  if (ref.digest === undefined) assert.equal(again.tag, ref.tag);
}

const PIECES = [
  'registry.example.com',
  'localhost',
  'ghcr.io',
  'docker.io',
  'index.docker.io',
  '127.0.0.1',
  '[::1]',
  ':5000',
  ':65536',
  '/',
  'team',
  'app',
  'a__b',
  'a--b',
  'a.b',
  'A',
  '_a',
  ':',
  'latest',
  'v1.0',
  '@',
  DIGEST,
  'sha256:',
  'https://',
  '..',
  '-',
  ' ',
];

const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,6}){0,2}$/);
const validReference = fc
  .record({
    host: fc.constantFrom('registry.example.com', 'localhost:5000', '127.0.0.1:5000', '[::1]:5000', 'docker.io'),
    path: fc.array(component, { minLength: 1, maxLength: 4 }),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/)),
    digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`)),
  })
  .map(({ host, path, tag, digest }) => ({
    text: `${host}/${path.join('/')}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
    tag,
    digest,
    repository: path.join('/'),
  }));

test('any text: a well-formed reference or IMAGE_REFERENCE_INVALID', () => {
  fuzz.check(
    'image references',
    fc.oneof(hostileText(PIECES, 10), nearValid(validReference.map((r) => r.text))),
    (text) => expectParsedOrCoded(() => parseImageReference(text), { codes: CODES, valid: isWellFormed }),
    2500,
  );
});

test('valid references parse to their parts', () => {
  fuzz.check(
    'image references',
    validReference,
    ({ text, tag, digest, repository }) => {
      const ref = parseImageReference(text);
      isWellFormed(ref);
      assert.ok(ref.repository.endsWith(repository), `${ref.repository} ends with ${repository}`);
      assert.equal(ref.digest, digest ?? undefined);
      assert.equal(ref.tag, tag ?? (digest ? undefined : 'latest'));
      return 'parsed';
    },
    800,
  );
});

test('long adversarial references are refused quickly', () => {
  for (const text of [
    'a.'.repeat(30_000) + '!',
    'a-'.repeat(30_000) + '!',
    'a' + '_'.repeat(60_000) + 'a',
    `r.example/${'a/'.repeat(30_000)}`,
    `[${':'.repeat(60_000)}/a`,
  ]) {
    expectParsedOrCoded(() => parseImageReference(text), { codes: CODES });
  }
});
