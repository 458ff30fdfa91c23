// `spiffe-vault sign-image` on the real stack: images signed in the registry verify with cosign.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CLI, cli, cliEnv, leaks } from '../helpers/cli-run.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { writeTransitPublicKey } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let pub: string;
before(async () => {
  stack = loadStackEnv();
  ({ path: pub } = await writeTransitPublicKey(stack));
});

test('sign-image inside exec signs by digest; cosign verifies; nothing secret is printed', () => {
  const repo = `${stack.STACK_REGISTRY2}/cli-${Date.now().toString(36)}`;
  const digest = pushImage(stack, `${repo}:v1`, 'cli image');
  const r = cli(
    [
      'exec',
      '--role',
      stack.STACK_ROLE,
      '--',
      process.execPath,
      CLI,
      'sign-image',
      '--json',
      '--annotations',
      'build=7',
      `${repo}:v1`,
    ],
    { env: cliEnv(stack) },
  );
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { keyVersion: number; images: { image: string; digest: string }[] };
  assert.equal(result.images[0]?.digest, digest);
  assert.deepEqual(leaks(r.stdout + r.stderr), []);
  const verify = cosign(
    stack,
    'cosign',
    ['verify', '--key', pub, '--insecure-ignore-tlog=true', '-a', 'build=7', `${repo}@${digest}`],
    {},
  );
  assert.equal(verify.status, 0, verify.stderr);
});

test('sign-image with --role logs in itself; an unknown format is a usage error', () => {
  const repo = `${stack.STACK_REGISTRY}/cli-${Date.now().toString(36)}`;
  const digest = pushImage(stack, `${repo}:v1`, 'cli image 2');
  const r = cli(['sign-image', '--role', stack.STACK_ROLE, `${repo}@${digest}`], { env: cliEnv(stack) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    cosign(stack, 'cosign', ['verify', '--key', pub, '--insecure-ignore-tlog=true', `${repo}@${digest}`], {}).status,
    0,
  );
  const bad = cli(['sign-image', '--role', stack.STACK_ROLE, '--format', 'v9', `${repo}@${digest}`], {
    env: cliEnv(stack),
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format/);
});
