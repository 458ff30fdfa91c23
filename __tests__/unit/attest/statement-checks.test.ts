// verify-attestation's statement checks: subjects by digest, predicate type, builder ID glob.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  builderIdOf,
  checkBuilderId,
  checkPredicateType,
  findSubject,
  globMatches,
  parseStatement,
} from '../../../src/core/attest/statement-checks.ts';
import { statementPayload } from '../../../src/core/attest/statement.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const provenance = parseStatement(
  statementPayload({
    subjects: [
      { name: 'out/a.bin', sha256: A },
      { name: 'out/b.bin', sha256: B },
    ],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { runDetails: { builder: { id: 'spiffe://example.org/ci/runner' } } },
  }),
);
const code = (expected: string) => (error: unknown) => (error as { code?: string }).code === expected;

test('parseStatement reads what statementPayload writes; anything else is STATEMENT_INVALID', () => {
  assert.deepEqual(provenance.subjects, [
    { name: 'out/a.bin', sha256: A },
    { name: 'out/b.bin', sha256: B },
  ]);
  for (const text of ['nope', '{}', '{"_type":"https://in-toto.io/Statement/v1"}', '[]']) {
    assert.throws(() => parseStatement(Buffer.from(text)), code('STATEMENT_INVALID'), text);
  }
});

test('findSubject: by SHA-256; another digest is SUBJECT_MISMATCH', () => {
  assert.equal(findSubject(provenance, B, 'b').name, 'out/b.bin');
  assert.throws(() => findSubject(provenance, 'c'.repeat(64), "'c'"), code('SUBJECT_MISMATCH'));
});

test('checkPredicateType: exact URI', () => {
  checkPredicateType(provenance, 'https://slsa.dev/provenance/v1');
  assert.throws(() => checkPredicateType(provenance, 'https://spdx.dev/Document'), code('PREDICATE_TYPE_MISMATCH'));
});

test('checkBuilderId: * any characters (also /), ? one, the rest literal; no builder is a mismatch', () => {
  assert.equal(builderIdOf(provenance), 'spiffe://example.org/ci/runner');
  for (const glob of ['spiffe://example.org/ci/runner', 'spiffe://example.org/*', 'spiffe://*/ci/runne?', '*'])
    assert.equal(checkBuilderId(provenance, glob), 'spiffe://example.org/ci/runner', glob);
  for (const glob of ['spiffe://example.org/ci', 'spiffe://example.org/ci/runner/*', 'spiffe://example?org.x/*'])
    assert.throws(() => checkBuilderId(provenance, glob), code('BUILDER_ID_MISMATCH'), glob);
  const sbom = parseStatement(
    statementPayload({ subjects: [], predicateType: 'https://spdx.dev/Document', predicate: {} }),
  );
  assert.throws(() => checkBuilderId(sbom, '*'), code('BUILDER_ID_MISMATCH'));
  assert.equal(globMatches('a.b', 'aXb'), false);
  assert.equal(globMatches('a(b)[c]+', 'a(b)[c]+'), true);
});
