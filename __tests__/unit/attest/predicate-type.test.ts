// cosign's predicate type short names, or a URI; anything else is refused with the input's name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { parsePredicateType, PREDICATE_TYPES } from '../../../src/core/attest/predicate-type.ts';

test("cosign's short names map to cosign's URIs", () => {
  assert.equal(parsePredicateType('slsaprovenance1', 'attest-type'), 'https://slsa.dev/provenance/v1');
  assert.equal(parsePredicateType('slsaprovenance', 'attest-type'), 'https://slsa.dev/provenance/v0.2');
  assert.equal(parsePredicateType('spdxjson', 'attest-type'), 'https://spdx.dev/Document');
  assert.equal(parsePredicateType('spdx', 'attest-type'), 'https://spdx.dev/Document');
  assert.equal(parsePredicateType('cyclonedx', 'attest-type'), 'https://cyclonedx.org/bom');
  assert.equal(parsePredicateType('vuln', 'attest-type'), 'https://cosign.sigstore.dev/attestation/vuln/v1');
  assert.equal(parsePredicateType('openvex', 'attest-type'), 'https://openvex.dev/ns');
  assert.equal(parsePredicateType('custom', 'attest-type'), 'https://cosign.sigstore.dev/attestation/v1');
  assert.equal(parsePredicateType('link', 'attest-type'), 'https://in-toto.io/Link/v1');
  assert.equal(Object.keys(PREDICATE_TYPES).length, 10);
});

test('a URI is taken as it is', () => {
  for (const uri of ['https://example.com/scan/v1', 'https://in-toto.io/attestation/vulns/v0.1', 'urn-x://a/b']) {
    assert.equal(parsePredicateType(uri, '--type'), uri);
  }
});

test('anything else is INVALID_INPUT naming the input and the known names', () => {
  for (const value of ['slsa', 'SPDXJSON', 'spdx json', 'example.com/x', 'https://', '']) {
    assert.throws(
      () => parsePredicateType(value, '--type'),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'INVALID_INPUT' &&
        error.message.startsWith('--type:') &&
        error.message.includes('slsaprovenance1'),
      value,
    );
  }
});
