// A Docker config whose credentials live in a credential helper (credsStore), against the REAL
// password-protected docker-registry of the stack: signImages runs the helper (a small script on
// PATH, as Docker Desktop's or ecr-login's would be), and REAL cosign, whose keychain runs the
// same helper, verifies what was signed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cosign, crane, pushImage } from '../helpers/oci-images.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { OciError } from '../../src/core/oci/errors.ts';
import { signImages } from '../../src/core/signing/images.ts';
import { VaultClient } from '../../src/core/vault/client.ts';
import { TransitSigner } from '../../src/core/vault/transit.ts';

let stack: StackEnv;
let signer: TransitSigner;
let work: string;
let bin: string;
let helperConfig: string;
const run = randomBytes(3).toString('hex');

before(async () => {
  stack = loadStackEnv();
  assert.ok(stack.STACK_REGISTRY_AUTH, 'restart the stack: it has no STACK_REGISTRY_AUTH');
  const token = stack.STACK_ADMIN_TOKEN;
  signer = await TransitSigner.open({
    client: new VaultClient({ address: stack.VAULT_ADDR }),
    tokens: { getToken: async () => token, renewToken: async () => assert.fail('renewToken should not be called') },
    transitKey: stack.STACK_TRANSIT_KEY,
  });
  work = mkdtempSync(join(tmpdir(), 'cred-helper-it-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  // The helper knows the stack registry's account and logs each question it is asked.
  const user = stack.STACK_REGISTRY_AUTH_USER as string;
  const password = stack.STACK_REGISTRY_AUTH_PASSWORD as string;
  writeFileSync(
    join(bin, 'docker-credential-itest'),
    `#!/bin/sh\nserver=$(cat)\necho "$1 $server" >> "${join(work, 'asked.log')}"\n` +
      `[ "$server" = "${stack.STACK_REGISTRY_AUTH}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
      `printf '{"ServerURL":"%s","Username":"${user}","Secret":"${password}"}' "$server"\n`,
  );
  chmodSync(join(bin, 'docker-credential-itest'), 0o755);
  helperConfig = join(work, 'helper-config');
  mkdirSync(helperConfig);
  writeFileSync(join(helperConfig, 'config.json'), JSON.stringify({ auths: {}, credsStore: 'itest' }));
});
after(() => rmSync(work, { recursive: true, force: true }));

const pathWithHelper = () => `${bin}:${process.env.PATH ?? ''}`;

test('credsStore: the helper gives the credentials, the image is signed, cosign verifies through the helper', async () => {
  const host = stack.STACK_REGISTRY_AUTH as string;
  const loginDir = mkdtempSync(join(work, 'login-'));
  crane(
    stack,
    [
      'auth',
      'login',
      host,
      '-u',
      stack.STACK_REGISTRY_AUTH_USER as string,
      '-p',
      stack.STACK_REGISTRY_AUTH_PASSWORD as string,
    ],
    {
      DOCKER_CONFIG: loginDir,
    },
  );
  const digest = pushImage(stack, `${host}/it-${run}/helped:v1`, `helped ${run}`, { env: { DOCKER_CONFIG: loginDir } });

  const messages: string[] = [];
  const logger = { debug: (m: string) => messages.push(m), info: () => {}, warning: (m: string) => messages.push(m) };
  const [signed] = await signImages({
    references: [`${host}/it-${run}/helped:v1`],
    signer,
    format: 'legacy',
    registry: { dockerConfigDir: helperConfig, credentialHelperEnv: { PATH: pathWithHelper() } },
    logger,
  });
  assert.equal(signed?.digest, digest);
  assert.deepEqual(readFileSync(join(work, 'asked.log'), 'utf8').trim().split('\n'), [`get ${host}`]);
  assert.ok(!messages.some((m) => m.includes(stack.STACK_REGISTRY_AUTH_PASSWORD as string)), 'no secret logged');

  const pub = join(work, 'pub.pem');
  writeFileSync(pub, signer.publicKeyPem);
  const verified = cosign(
    stack,
    'cosign',
    ['verify', '--key', pub, '--insecure-ignore-tlog=true', `${host}/it-${run}/helped@${digest}`],
    { HOME: work, DOCKER_CONFIG: helperConfig, PATH: pathWithHelper() },
  );
  assert.equal(verified.status, 0, describeRun('cosign verify (credentials from the helper)', verified));
});

test('the helper missing from PATH: REGISTRY_CREDENTIAL_HELPER_FAILED naming it, nothing signed', async () => {
  const host = stack.STACK_REGISTRY_AUTH as string;
  let calls = 0;
  const counting = { ...signer, keyVersion: 1, signDigests: async () => (calls++, []) };
  await assert.rejects(
    signImages({
      references: [`${host}/it-${run}/helped:v1`],
      signer: counting,
      format: 'legacy',
      registry: { dockerConfigDir: helperConfig, credentialHelperEnv: { PATH: '/usr/bin:/bin' } },
    }),
    (e: unknown) => {
      assert.ok(e instanceof OciError && e.code === 'REGISTRY_CREDENTIAL_HELPER_FAILED', String(e));
      assert.match(e.message, /docker-credential-itest is not on PATH/);
      return true;
    },
  );
  assert.equal(calls, 0);
});
