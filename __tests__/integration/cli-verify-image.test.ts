// `spiffe-vault verify-image` on the real stack: what sign-image and real cosign write verifies
// offline with the public key; unsigned images, another key and a missing annotation do not.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { cosignSignImageArgs } from '../helpers/action-inputs.ts';
import { CLI, cli, cliEnv } from '../helpers/cli-run.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let dir: string;
let pub: string;
let otherPub: string;
const run = Date.now().toString(36);

before(async () => {
  stack = loadStackEnv();
  dir = mkdtempSync(join(tmpdir(), 'verify-image-'));
  pub = join(dir, 'cosign.pub');
  writeFileSync(pub, await transitPublicKeyPem(stack));
  otherPub = join(dir, 'other.pub');
  writeFileSync(
    otherPub,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
  );
});

function signWithCli(ref: string, more: readonly string[] = []): void {
  const r = cli(['exec', '--role', stack.STACK_ROLE, '--', process.execPath, CLI, 'sign-image', ...more, ref], {
    env: cliEnv(stack),
  });
  assert.equal(r.status, 0, describeRun('sign-image', r));
}

function verifyImage(args: readonly string[]) {
  return cli(['verify-image', ...args], { env: cliEnv(stack) });
}

test('an image sign-image signed (by tag) verifies; --json parses; another key and a missing annotation fail', () => {
  const repo = `${stack.STACK_REGISTRY}/verify-${run}`;
  const digest = pushImage(stack, `${repo}:v1`, 'verify image legacy');
  signWithCli(`${repo}:v1`, ['--annotations', 'build=7']);

  const ok = verifyImage(['--json', '--key', pub, '--annotations', 'build=7', `${repo}:v1`]);
  assert.equal(ok.status, 0, describeRun('verify-image', ok));
  const result = JSON.parse(ok.stdout) as {
    verified: boolean;
    images: { digest: string; verified: boolean; format: string; image: string }[];
  };
  assert.equal(result.verified, true);
  assert.equal(result.images[0]?.digest, digest);
  assert.equal(result.images[0]?.format, 'legacy');
  assert.equal(result.images[0]?.image, `${repo}@${digest}`);

  const otherKey = verifyImage(['--key', otherPub, `${repo}@${digest}`]);
  assert.equal(otherKey.status, 1, describeRun('verify-image other key', otherKey));
  assert.match(otherKey.stderr, /\[SIGNATURE_INVALID\]: .*does not verify with the key/);

  const missing = verifyImage(['--key', pub, '--annotations', 'build=7,env=prod', `${repo}@${digest}`]);
  assert.equal(missing.status, 1, describeRun('verify-image missing annotation', missing));
  assert.match(missing.stderr, /\[SIGNATURE_INVALID\]: .*lack env=prod/);
});

test('an image real cosign signed through hashivault:// verifies', () => {
  const repo = `${stack.STACK_REGISTRY2}/verify-cosign-${run}`;
  const digest = pushImage(stack, `${repo}:v1`, 'verify image cosign');
  const signed = cosign(stack, 'cosign', cosignSignImageArgs(stack, `${repo}@${digest}`), {
    HOME: dir,
    VAULT_ADDR: stack.VAULT_ADDR,
    VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
  });
  assert.equal(signed.status, 0, describeRun('cosign sign', signed));
  const r = verifyImage(['--key', pub, `${repo}:v1`]);
  assert.equal(r.status, 0, describeRun('verify-image', r));
  assert.match(r.stderr, /Verified OK: .*legacy signature/);
});

test('a bundle-only signature (sign-image --format bundle) verifies as a bundle', () => {
  const repo = `${stack.STACK_REGISTRY}/verify-bundle-${run}`;
  const digest = pushImage(stack, `${repo}:v1`, 'verify image bundle');
  signWithCli(`${repo}@${digest}`, ['--format', 'bundle', '--annotations', 'build=9']);
  const r = verifyImage(['--json', '--key', pub, '--annotations', 'build=9', `${repo}@${digest}`]);
  assert.equal(r.status, 0, describeRun('verify-image bundle', r));
  assert.equal((JSON.parse(r.stdout) as { images: { format: string }[] }).images[0]?.format, 'bundle');
  const other = verifyImage(['--key', otherPub, `${repo}@${digest}`]);
  assert.equal(other.status, 1, describeRun('verify-image bundle other key', other));
  assert.match(other.stderr, /\[SIGNATURE_INVALID\]: .*bundle referrer/);
});

test('an unsigned image fails (and says which), a signed one alongside still verifies; bad usage is exit 2', () => {
  const repo = `${stack.STACK_REGISTRY}/verify-unsigned-${run}`;
  const unsigned = pushImage(stack, `${repo}:unsigned`, 'verify image unsigned');
  const signedDigest = pushImage(stack, `${repo}:signed`, 'verify image signed');
  signWithCli(`${repo}@${signedDigest}`);
  const r = verifyImage(['--json', '--key', pub, `${repo}:signed`, `${repo}:unsigned`]);
  assert.equal(r.status, 1, describeRun('verify-image unsigned', r));
  const errors = r.stderr.split('\n').filter((line) => line.startsWith('spiffe-vault: error'));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0] ?? '', new RegExp(`\\[NO_SIGNATURES\\]: ${repo}:unsigned \\(${unsigned}\\): no signatures`));
  const json = JSON.parse(r.stdout) as { verified: boolean; images: { verified: boolean }[] };
  assert.equal(json.verified, false);
  assert.deepEqual(
    json.images.map((i) => i.verified),
    [true, false],
  );

  const notFound = verifyImage(['--key', pub, `${repo}:nope`]);
  assert.equal(notFound.status, 1);
  assert.match(notFound.stderr, /\[IMAGE_NOT_FOUND\]/);

  for (const args of [
    [`${repo}:signed`],
    ['--key', pub],
    ['--key', 'hashivault://cosign', `${repo}:signed`],
    ['--key', pub, 'Not A Reference'],
    ['--key', pub, '--annotations', 'novalue', `${repo}:signed`],
  ]) {
    const bad = verifyImage(args);
    assert.equal(bad.status, 2, describeRun(`verify-image ${args.join(' ')}`, bad));
    assert.match(bad.stderr, /^spiffe-vault: error \[INVALID_INPUT\]: [^\n]+\n$/);
  }
});
