// Docker credential helpers run for real: small shell scripts named docker-credential-<name> on
// the PATH given to the client, asked `get` with the server URL on stdin, as the docker CLI does.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import { RegistryClient } from '../../../src/core/oci/client.ts';
import { runCredentialHelper } from '../../../src/core/oci/credential-helper.ts';
import { OciError } from '../../../src/core/oci/errors.ts';
import { resolveImage } from '../../../src/core/oci/manifests.ts';
import { parseImageReference } from '../../../src/core/oci/reference.ts';
import { instantClock } from '../../helpers/instant-clock.ts';
import { rejection } from '../../helpers/rejection.ts';
import { FakeRegistry, type Scripted } from './fake-registry.ts';

const SECRET = 'helper-secret-6f1c';
const work = mkdtempSync(join(tmpdir(), 'cred-helper-'));
const bin = join(work, 'bin');
const calls = join(work, 'calls.log');
after(() => rmSync(work, { recursive: true, force: true }));

/** Writes bin/docker-credential-<name>: it logs its argument and stdin, then runs `body`. */
function helper(name: string, body: string): void {
  const path = join(bin, `docker-credential-${name}`);
  writeFileSync(path, `#!/bin/sh\nserver=$(cat)\necho "$1 $server" >> "${calls}"\n${body}\n`);
  chmodSync(path, 0o755);
}
mkdirSync(bin);

const env = () => ({ PATH: `${bin}:/usr/bin:/bin` });
const callLog = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean);

let fake: FakeRegistry;
const messages: string[] = [];
const logger = {
  debug: (m: string) => messages.push(m),
  info: (m: string) => messages.push(m),
  warning: (m: string) => messages.push(m),
};
beforeEach(async () => {
  fake = await new FakeRegistry().start();
  writeFileSync(calls, '');
  messages.length = 0;
});
afterEach(() => fake.stop());

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A registry that serves the manifest only with the helper's Basic credentials. */
function wantsBasic(user = 'helper-user') {
  fake.on('GET /v2/team/app/manifests/v1', (req): Scripted =>
    req.authorization === basic(user, SECRET)
      ? { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: manifest }
      : { status: 401, headers: { 'www-authenticate': 'Basic realm="test"' } },
  );
}

function clientWith(config: unknown, options: { auths?: boolean } = {}): RegistryClient {
  const dir = mkdtempSync(join(work, 'docker-'));
  const auths = options.auths ? { [fake.host]: { auth: Buffer.from(`file-user:${SECRET}`).toString('base64') } } : {};
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths, ...(config as object) }));
  return new RegistryClient({
    dockerConfigDir: dir,
    credentialHelperEnv: env(),
    clock: instantClock(),
    retry: { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 100 },
    logger,
  });
}

const ref = () => parseImageReference(`${fake.host}/team/app:v1`);
const printCredentials = (user: string) =>
  `printf '{"ServerURL":"%s","Username":"${user}","Secret":"${SECRET}"}' "$server"`;

test('credHelpers: the helper is run once with `get` and the host on stdin; its credentials get in', async () => {
  helper('fake', printCredentials('helper-user'));
  wantsBasic();
  const client = clientWith({ credHelpers: { [fake.host]: 'fake' }, credsStore: 'not-this-one' });
  await resolveImage(client, ref());
  await resolveImage(client, ref());
  assert.deepEqual(callLog(), [`get ${fake.host}`]);
  assert.ok(!messages.some((m) => m.includes(SECRET)), 'the secret is never logged');
  assert.ok(
    messages.some((m) => m.includes('docker-credential-fake')),
    'which helper ran is logged',
  );
});

test('credsStore serves every registry without a credHelpers entry', async () => {
  helper('store', printCredentials('helper-user'));
  wantsBasic();
  await resolveImage(clientWith({ credsStore: 'store' }), ref());
  assert.deepEqual(callLog(), [`get ${fake.host}`]);
});

test('Docker Hub is asked for as https://index.docker.io/v1/; <token> is an identity token', async () => {
  helper('hub', printCredentials('<token>'));
  const creds = await runCredentialHelper({ helper: 'hub', registry: 'docker.io', env: env() });
  assert.deepEqual(creds, { identityToken: SECRET });
  assert.deepEqual(callLog(), ['get https://index.docker.io/v1/']);
});

test('"credentials not found" is no credentials: the 401 is REGISTRY_AUTH_REQUIRED, not a helper failure', async () => {
  helper('empty', 'echo "credentials not found in native keychain"; exit 1');
  wantsBasic();
  const error = await rejection(resolveImage(clientWith({ credsStore: 'empty' }), ref()), OciError);
  assert.equal(error.code, 'REGISTRY_AUTH_REQUIRED');
});

test('credentials the registry refuses are named by their helper', async () => {
  helper('stale', printCredentials('someone-else'));
  wantsBasic();
  const error = await rejection(resolveImage(clientWith({ credsStore: 'stale' }), ref()), OciError);
  assert.equal(error.code, 'REGISTRY_AUTH_REQUIRED');
  assert.match(error.message, /from docker-credential-stale \(credsStore in /);
  assert.ok(!error.message.includes(SECRET));
});

test('a helper not on PATH: REGISTRY_CREDENTIAL_HELPER_FAILED naming it and the way around it', async () => {
  wantsBasic();
  const error = await rejection(resolveImage(clientWith({ credsStore: 'absent' }), ref()), OciError);
  assert.equal(error.code, 'REGISTRY_CREDENTIAL_HELPER_FAILED');
  assert.match(error.message, /docker-credential-absent is not on PATH/);
  assert.match(error.message, /DOCKER_CONFIG=/);
  assert.equal(error.host, fake.host);
});

test('a helper not on PATH with an auths entry for the registry: the entry is used, with a warning', async () => {
  wantsBasic('file-user');
  await resolveImage(clientWith({ credsStore: 'absent' }, { auths: true }), ref());
  assert.ok(messages.some((m) => /docker-credential-absent is not on PATH; using the auths entry/.test(m)));
});

test('a failing helper: its exit and stderr are in the message, never what it printed on stdout', async () => {
  helper('broken', `echo '{"Secret":"${SECRET}"}'; echo "keychain locked" >&2; exit 3`);
  wantsBasic();
  const error = await rejection(resolveImage(clientWith({ credsStore: 'broken' }), ref()), OciError);
  assert.equal(error.code, 'REGISTRY_CREDENTIAL_HELPER_FAILED');
  assert.match(error.message, /exited with 3: keychain locked/);
  assert.ok(!error.message.includes(SECRET));
});

test('a helper printing no JSON, or hanging past the timeout, fails with what happened', async () => {
  helper('garbled', `echo "user ${SECRET}"`);
  const garbled = await rejection(
    runCredentialHelper({ helper: 'garbled', registry: 'r.example', env: env() }),
    OciError,
  );
  assert.match(garbled.message, /did not print the JSON/);
  assert.ok(!garbled.message.includes(SECRET));
  helper('slow', 'sleep 5');
  const slow = runCredentialHelper({ helper: 'slow', registry: 'r.example', env: env(), timeoutMs: 200 });
  const error = await rejection(slow, OciError, 'REGISTRY_CREDENTIAL_HELPER_FAILED');
  assert.match(error.message, /did not answer within/);
  await assert.rejects(runCredentialHelper({ helper: '../x', registry: 'r.example' }), /not a helper name/);
});
