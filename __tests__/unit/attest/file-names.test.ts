// Where the files' attestations go and what the files are called in a statement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attestationPaths, checkAttestationPaths, subjectName } from '../../../src/core/attest/file-names.ts';
import type { AttestationRequest } from '../../../src/core/options/config.ts';

const provenance: AttestationRequest = {
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: { kind: 'provenance' },
};
const sbom: AttestationRequest = {
  predicateType: 'https://spdx.dev/Document',
  predicate: { kind: 'file', value: {}, path: '/ws/build/sbom.spdx.json' },
};

test('defaults: provenance, and the predicate file name without .json', () => {
  assert.deepEqual(attestationPaths([provenance, sbom], { dir: '/ws/sigs', name: '' }), [
    '/ws/sigs/provenance.intoto.sigstore.json',
    '/ws/sigs/sbom.spdx.intoto.sigstore.json',
  ]);
});

test('attestation-name names the first; a second adds its own name', () => {
  assert.deepEqual(attestationPaths([provenance, sbom], { dir: '/ws/', name: 'app-1.0' }), [
    '/ws/app-1.0.intoto.sigstore.json',
    '/ws/app-1.0.sbom.spdx.intoto.sigstore.json',
  ]);
  assert.deepEqual(attestationPaths([sbom], { dir: '/ws', name: 'sbom' }), ['/ws/sbom.intoto.sigstore.json']);
});

test('a predicate file called provenance.json does not take the provenance name', () => {
  const named: AttestationRequest = { ...sbom, predicate: { kind: 'file', value: {}, path: '/x/provenance.json' } };
  assert.deepEqual(attestationPaths([provenance, named], { dir: '/ws', name: '' }), [
    '/ws/provenance.intoto.sigstore.json',
    '/ws/provenance-predicate.intoto.sigstore.json',
  ]);
});

test('an attestation that would overwrite an input or a signature output: OUTPUT_NAME_COLLISION', () => {
  const collision = (error: unknown) => (error as { code?: string }).code === 'OUTPUT_NAME_COLLISION';
  checkAttestationPaths(['/ws/provenance.intoto.sigstore.json'], { files: ['/ws/a.bin'] });
  assert.throws(
    () =>
      checkAttestationPaths(['/ws/provenance.intoto.sigstore.json'], {
        files: ['/ws/provenance.intoto.sigstore.json'],
      }),
    collision,
  );
  assert.throws(
    () =>
      checkAttestationPaths(['/ws/sigs/provenance.intoto.sigstore.json'], {
        files: ['/ws/out/provenance.intoto'],
        signatures: { signatureDir: '/ws/sigs', writeBundle: true },
      }),
    collision,
  );
  assert.throws(() => checkAttestationPaths(['/ws/x', '/ws/x'], { files: [] }), collision);
});

test('subject names: relative to the base with /, absolute outside it', () => {
  assert.equal(subjectName('/ws/out/a.bin', '/ws'), 'out/a.bin');
  assert.equal(subjectName('/ws/a.bin', '/ws/'), 'a.bin');
  assert.equal(subjectName('/elsewhere/a.bin', '/ws'), '/elsewhere/a.bin');
});
