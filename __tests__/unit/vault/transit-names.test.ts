// The transit mount path and key name: one set of rules for the action, the CLI and the signer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TRANSIT_KEY, DEFAULT_TRANSIT_PATH } from '../../../src/core/defaults.ts';
import { InputError } from '../../../src/core/errors.ts';
import { parseTransitKeyName, parseTransitPath } from '../../../src/core/vault/transit-names.ts';

test('transit path: default, surrounding slashes dropped, nested mounts kept', () => {
  assert.equal(parseTransitPath('transit-path', ''), DEFAULT_TRANSIT_PATH);
  assert.equal(parseTransitPath('transit-path', '/team/transit/'), 'team/transit');
});

test('transit path: whitespace, an empty segment or only slashes is INVALID_INPUT naming the option', () => {
  for (const bad of ['a b', 'a//b', '///', 'tab\there']) {
    assert.throws(
      () => parseTransitPath('--transit-path', bad),
      (e: unknown) => e instanceof InputError && e.message.startsWith('--transit-path:'),
      bad,
    );
  }
  assert.throws(() => parseTransitPath('transit-path', 'a b'), /e\.g\. transit-path transit/);
  assert.throws(() => parseTransitPath('TRANSIT_SECRET_ENGINE_PATH', 'a b'), /e\.g\. --transit-path transit/);
});

test('transit key name: default, and a mount or whitespace in it is INVALID_INPUT', () => {
  assert.equal(parseTransitKeyName('transit-key', ''), DEFAULT_TRANSIT_KEY);
  assert.equal(parseTransitKeyName('transit-key', 'release-2'), 'release-2');
  for (const bad of ['transit/cosign', 'a b']) {
    assert.throws(
      () => parseTransitKeyName('--transit-key', bad),
      (e: unknown) => e instanceof InputError && /the mount goes in --transit-path/.test(e.message),
    );
  }
});
