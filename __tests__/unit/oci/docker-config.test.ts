import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  credentialSourceFor,
  credentialsFor,
  defaultDockerConfigDir,
  normalizeConfigHost,
  readDockerConfig,
} from '../../../src/core/oci/docker-config.ts';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function configDir(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('reads auth (base64 user:pass, a colon in the password), username/password and identitytoken', () => {
  const dir = configDir({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub-user:p:w') },
      'http://127.0.0.1:5000': { auth: b64('local:secret') },
      'acr.example.io': { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: 'refresh-token' },
      'plain.example': { username: 'u', password: 'p' },
      'empty.example': {},
    },
    credsStore: 'desktop',
    credHelpers: { 'gcr.io': 'gcloud' },
  });
  const config = readDockerConfig(dir);
  assert.equal(config.path, join(dir, 'config.json'));
  assert.deepEqual(credentialsFor(config, 'docker.io'), { username: 'hub-user', password: 'p:w' });
  assert.deepEqual(credentialsFor(config, '127.0.0.1:5000'), { username: 'local', password: 'secret' });
  assert.deepEqual(credentialsFor(config, 'acr.example.io'), {
    username: '00000000-0000-0000-0000-000000000000',
    password: '',
    identityToken: 'refresh-token',
  });
  assert.deepEqual(credentialsFor(config, 'plain.example'), { username: 'u', password: 'p' });
  assert.equal(credentialsFor(config, 'empty.example'), undefined);
  assert.equal(credentialsFor(config, '127.0.0.1:50001'), undefined, 'no prefix matching between hosts');
  assert.deepEqual([...config.helpers], [['gcr.io', 'gcloud']]);
  assert.equal(config.credsStore, 'desktop');
  assert.deepEqual(credentialSourceFor(config, 'gcr.io'), { kind: 'helper', helper: 'gcloud', setting: 'credHelpers' });
  assert.deepEqual(credentialSourceFor(config, 'docker.io'), {
    kind: 'helper',
    helper: 'desktop',
    setting: 'credsStore',
  });
  const withoutStore = readDockerConfig(configDir({ auths: {}, credHelpers: { 'https://GCR.io/': 'gcloud', x: 7 } }));
  assert.deepEqual([...withoutStore.helpers], [['gcr.io', 'gcloud']], 'keys normalized, non-string helpers dropped');
  assert.deepEqual(credentialSourceFor(withoutStore, 'ghcr.io'), { kind: 'auths' });
});

test('a missing file means anonymous; a broken one is an error naming it', () => {
  const missing = readDockerConfig(join(tmpdir(), 'no-such-docker-config-dir'));
  assert.equal(missing.path, undefined);
  assert.equal(missing.auths.size, 0);
  const dir = configDir('{not json');
  assert.throws(
    () => readDockerConfig(dir),
    (e: unknown) => (e as Error).message.includes(join(dir, 'config.json')),
  );
});

test('a broken config is named, never quoted (the text around the fault can hold credentials)', () => {
  // V8 quotes the text near the fault ("…"{"auths": c2VjcmV0On"… is not valid JSON").
  const secret = b64('builder:hunter2-registry-password');
  const dir = configDir(`{"auths": ${secret}}`);
  const broken = configDir(`{"auths": {"r": {"auth": "${secret}"}}`);
  assert.throws(
    () => readDockerConfig(broken),
    (e: unknown) =>
      /config\.json' is not JSON \((line \d+ column \d+|it ends too soon)\)/.test((e as Error).message) &&
      !(e as Error).message.includes(secret.slice(0, 10)) &&
      (e as Error).cause === undefined,
  );
  assert.throws(
    () => readDockerConfig(dir),
    (e: unknown) => {
      const error = e as Error;
      assert.match(error.message, /config\.json' is not JSON — fix or remove it/);
      assert.equal(error.cause, undefined);
      for (const piece of [secret, secret.slice(0, 10)]) assert.ok(!error.message.includes(piece), error.message);
      return true;
    },
  );
});

test('normalizes config keys and finds the config dir like the docker CLI', () => {
  assert.equal(normalizeConfigHost('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeConfigHost('registry-1.docker.io'), 'docker.io');
  assert.equal(normalizeConfigHost('HTTPS://Reg.Example:443/v2/'), 'reg.example:443');
  assert.equal(defaultDockerConfigDir({ DOCKER_CONFIG: '/x/y' }), '/x/y');
  assert.match(defaultDockerConfigDir({}), /\.docker$/);
});
