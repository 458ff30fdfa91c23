/**
 * OCI manifests and indexes as registries serve them: any bytes give a manifest whose fields
 * have their spec's types (descriptors with a digest of the OCI grammar), or
 * REGISTRY_PROTOCOL_ERROR, quickly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseManifestJson } from '../../../src/core/oci/manifest-json.ts';
import type { ManifestJson } from '../../../src/core/oci/manifests.ts';
import { OCI_INDEX, OCI_MANIFEST, type Descriptor } from '../../../src/core/oci/media-types.ts';
import {
  edgeNumber,
  hostileJson,
  hostileText,
  jsonText,
  mutated,
  nearValid,
  objectOf,
  prototypeKey,
} from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('OCI manifests and indexes', 0x0c1a);
const ANSWER = { what: 'read manifest r.example/app:1', host: 'r.example' };
const CODES = ['REGISTRY_PROTOCOL_ERROR'];

const isOptional = (value: unknown, type: string) => value === undefined || value === null || typeof value === type;
const isStringMap = (value: unknown) =>
  value === undefined || value === null || Object.values(value as object).every((v) => typeof v === 'string');

function isDescriptor(d: Descriptor): void {
  assert.match(d.digest, /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/);
  assert.ok(d.size === undefined || (Number.isSafeInteger(d.size) && d.size >= 0), `size ${d.size}`);
  assert.ok(isOptional(d.mediaType, 'string') && isOptional(d.artifactType, 'string'));
  assert.ok(isStringMap(d.annotations));
  if (d.platform) assert.ok(typeof d.platform.os === 'string' && typeof d.platform.architecture === 'string');
}

function isManifest(json: ManifestJson): void {
  assert.ok(typeof json === 'object' && json !== null && !Array.isArray(json));
  assert.ok(isOptional(json.schemaVersion, 'number') && isOptional(json.mediaType, 'string'));
  for (const list of [json.layers, json.manifests]) for (const d of list ?? []) isDescriptor(d);
  for (const d of [json.config, json.subject]) if (d) isDescriptor(d);
  assert.ok(isStringMap(json.annotations));
  // What the signing code does with an index: nothing here may throw.
  for (const child of json.manifests ?? []) void child.annotations?.['vnd.docker.reference.type'];
}

const digest = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `sha256:${Buffer.from(b).toString('hex')}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('sha256:', 'sha256:../../x', '../x', 'SHA256:AB', 'sha512:ab', '') },
);
const annotations = objectOf(
  fc.oneof(prototypeKey, fc.string({ maxLength: 8 })),
  fc.oneof({ weight: 12, arbitrary: fc.string() }, { weight: 1, arbitrary: hostileJson }),
);
const descriptor = mutated({
  mediaType: fc.constantFrom(OCI_MANIFEST, 'application/vnd.dev.sigstore.bundle.v0.3+json'),
  digest,
  size: fc.oneof({ weight: 12, arbitrary: fc.nat() }, { weight: 1, arbitrary: edgeNumber }),
  artifactType: fc.string({ maxLength: 10 }),
  annotations,
  platform: mutated({ os: fc.constantFrom('linux', 'windows'), architecture: fc.constantFrom('amd64', 'arm64') }),
});
const manifest = mutated({
  schemaVersion: fc.oneof({ weight: 12, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: edgeNumber }),
  mediaType: fc.constantFrom(OCI_MANIFEST, OCI_INDEX),
  config: descriptor,
  layers: fc.array(descriptor, { maxLength: 3 }),
  manifests: fc.array(descriptor, { maxLength: 3 }),
  subject: descriptor,
  annotations,
});
const cleanDescriptor = fc.record({ mediaType: fc.constant(OCI_MANIFEST), digest, size: fc.nat() });
const cleanManifest = fc.record(
  { schemaVersion: fc.constant(2), config: cleanDescriptor, layers: fc.array(cleanDescriptor), annotations },
  { requiredKeys: ['schemaVersion'] },
);
const bytes = fc
  .oneof(
    { weight: 3, arbitrary: jsonText(cleanManifest) },
    { weight: 6, arbitrary: jsonText(manifest) },
    { weight: 2, arbitrary: nearValid(jsonText(manifest)) },
    { weight: 1, arbitrary: jsonText(hostileJson) },
    { weight: 1, arbitrary: hostileText(['{', '}', '"manifests"', '"layers"', ':', '[', ']', 'null']) },
  )
  .map((text) => Buffer.from(text));

test('any bytes: a manifest whose fields have their types, or REGISTRY_PROTOCOL_ERROR', () => {
  fuzz.check(
    'manifests',
    bytes,
    (body) => expectParsedOrCoded(() => parseManifestJson(body, ANSWER), { codes: CODES, valid: isManifest }),
    2000,
  );
});

// Counterexamples the properties found, kept as examples.
test('JSON null, a string for manifests, a null child or a digest that is a path are refused', () => {
  for (const json of ['null', '{"manifests":"abc"}', '{"manifests":[null]}', '{"layers":[{"digest":"../../x"}]}']) {
    assert.throws(() => parseManifestJson(Buffer.from(json), ANSWER), { code: 'REGISTRY_PROTOCOL_ERROR' }, json);
  }
});
