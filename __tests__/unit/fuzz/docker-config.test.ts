/**
 * The Docker config file (`auths`, `credHelpers`, `credsStore`): any file text gives
 * credentials of the documented shape keyed by normalized host, or INVALID_INPUT naming the
 * file, quickly, never a credential in the message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDockerConfig, type DockerConfigCredentials } from '../../../src/core/oci/docker-config.ts';
import {
  hostileJson,
  hostileText,
  jsonText,
  mutated,
  nearValid,
  objectOf,
  plantedSecret,
  prototypeKey,
} from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('Docker config', 0xd0c4);
const PATH = '/home/runner/.docker/config.json';

function isCredentials(config: DockerConfigCredentials): void {
  assert.equal(config.path, PATH);
  for (const [host, creds] of config.auths) {
    assert.ok(host === host.toLowerCase() && !host.includes('://') && !host.includes('/'), `host key ${host}`);
    assert.ok(creds.username || creds.identityToken, 'a username or an identity token');
    for (const field of [creds.username, creds.password, creds.identityToken]) {
      assert.ok(field === undefined || typeof field === 'string');
    }
  }
  for (const [host, helper] of config.helpers) {
    assert.ok(host === host.toLowerCase() && !host.includes('/'), `helper host ${host}`);
    assert.ok(typeof helper === 'string' && helper !== '');
  }
  assert.ok(config.credsStore === undefined || (typeof config.credsStore === 'string' && config.credsStore !== ''));
}

const host = fc.oneof(
  fc.constantFrom('https://index.docker.io/v1/', 'ghcr.io', 'http://localhost:5000/path', 'REGISTRY.example', ''),
  prototypeKey,
  hostileText(['a', '.', ':', '/', 'https://'], 4),
);
const secretish = fc.oneof(plantedSecret, fc.string({ maxLength: 12 }));
const auth = fc
  .tuple(secretish, fc.constantFrom(':', ''), secretish)
  .map(([user, colon, pass]) => Buffer.from(`${user}${colon}${pass}`).toString('base64'));
const entry = mutated({ auth, username: secretish, password: secretish, identitytoken: secretish });
const config = mutated({
  auths: objectOf(host, entry),
  credHelpers: objectOf(host, fc.oneof(fc.constantFrom('gcloud', 'ecr-login', ''), hostileJson)),
  credsStore: fc.oneof(fc.constantFrom('desktop', 'pass', ''), hostileJson),
});
const configText = fc.oneof(
  { weight: 6, arbitrary: jsonText(config) },
  { weight: 2, arbitrary: nearValid(jsonText(config)) },
  { weight: 1, arbitrary: jsonText(hostileJson) },
  { weight: 1, arbitrary: hostileText(['{', '}', '"auths"', ':', 'null', '[', ']', ',']) },
);

test('any file text: credentials of the documented shape, or INVALID_INPUT', () => {
  fuzz.check(
    'config files',
    configText,
    (text) =>
      expectParsedOrCoded(() => parseDockerConfig(text, PATH), { codes: ['INVALID_INPUT'], valid: isCredentials }),
    2000,
  );
});

// Counterexamples the properties found, kept as examples.
test('a config that is JSON null is empty; one whose auths is not an object is refused', () => {
  const empty = parseDockerConfig('null', PATH);
  assert.equal(empty.auths.size + empty.helpers.size, 0);
  for (const text of ['[]', '"x"', '{"auths":"ghcr.io"}', '{"credHelpers":["gcloud"]}']) {
    assert.throws(() => parseDockerConfig(text, PATH), { code: 'INVALID_INPUT' }, text);
  }
});

test('an auths key with a line separator after its host keeps only the host', () => {
  const config = parseDockerConfig(JSON.stringify({ auths: { 'ghcr.io/\u2028a': { username: 'u' } } }), PATH);
  assert.deepEqual([...config.auths.keys()], ['ghcr.io']);
});
