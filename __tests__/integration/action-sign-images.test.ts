// sign-images: the action signs images in their registries; real cosign verifies them.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { cosign, pushImage, pushIndex } from '../helpers/oci-images.ts';
import { loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');

interface SignedImageOutput {
  reference: string;
  image: string;
  digest: string;
  platform?: string;
  format: string;
  signatureTag?: string;
  keyVersion: number;
}

let stack: StackEnv;
let pubKey: string;
before(() => {
  stack = loadStackEnv();
});

async function signWithAction(extra: Record<string, string>): Promise<StepResult> {
  const result = await new ActionsRunner().runStep(
    MAIN,
    actionInputs(stack, { timeout: '30s', revoke: 'false', ...extra }),
  );
  if (result.outputs['public-key']) {
    pubKey = join(mkdtempSync(join(tmpdir(), 'pub-')), 'cosign.pub');
    writeFileSync(pubKey, result.outputs['public-key']);
  }
  return result;
}

function verify(image: string, binary: 'cosign' | 'cosign2' = 'cosign', extra: readonly string[] = []) {
  return cosign(stack, binary, ['verify', '--key', pubKey, '--insecure-ignore-tlog=true', ...extra, image], {});
}

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function signedImages(result: StepResult): SignedImageOutput[] {
  return JSON.parse(result.outputs['signed-images'] ?? '[]') as SignedImageOutput[];
}

describe('sign-images', () => {
  test('signs images by tag on both registries; cosign v3 and v2 verify them by digest', async () => {
    const suffix = Date.now().toString(36);
    const refs = [`${stack.STACK_REGISTRY}/app-${suffix}:v1`, `${stack.STACK_REGISTRY2}/app-${suffix}:v1`];
    const digests = refs.map((ref) => pushImage(stack, ref, `image ${ref}`));
    const result = await signWithAction({ 'sign-images': refs.join('\n'), annotations: 'build=42' });
    assert.equal(result.status, 0, result.stdout);
    const signed = signedImages(result);
    assert.deepEqual(
      signed.map((s) => s.digest),
      digests,
    );
    for (const image of signed) {
      assert.equal(image.format, 'legacy');
      assert.equal(image.keyVersion, 1);
      assert.equal(image.signatureTag, `${image.digest.replace(':', '-')}.sig`);
      for (const binary of ['cosign', 'cosign2'] as const) {
        const r = verify(image.image, binary, ['-a', 'build=42']);
        assert.equal(r.status, 0, `${binary}: ${r.stderr}`);
      }
    }
    assert.match(result.summary, /app-/);
  });

  test('cosign verify --key hashivault:// accepts them with a Vault token', async () => {
    const ref = `${stack.STACK_REGISTRY}/kms-${Date.now().toString(36)}:v1`;
    const digest = pushImage(stack, ref, 'kms');
    const result = await signWithAction({ 'sign-images': ref });
    assert.equal(result.status, 0, result.stdout);
    const image = `${ref.replace(/:v1$/, '')}@${digest}`;
    const r = cosign(
      stack,
      'cosign',
      ['verify', '--key', `hashivault://${stack.STACK_TRANSIT_KEY}`, '--insecure-ignore-tlog=true', image],
      {
        VAULT_ADDR: stack.VAULT_ADDR,
        VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
      },
    );
    assert.equal(r.status, 0, r.stderr);
  });

  test('another image is not covered by the signature', async () => {
    const suffix = Date.now().toString(36);
    const signedRef = `${stack.STACK_REGISTRY}/one-${suffix}:v1`;
    pushImage(stack, signedRef, 'one');
    const otherDigest = pushImage(stack, `${stack.STACK_REGISTRY}/one-${suffix}:v2`, 'two');
    assert.equal((await signWithAction({ 'sign-images': signedRef })).status, 0);
    assert.notEqual(verify(`${stack.STACK_REGISTRY}/one-${suffix}@${otherDigest}`).status, 0);
  });

  test('recursive signs the index and every platform manifest', async () => {
    const ref = `${stack.STACK_REGISTRY}/multi-${Date.now().toString(36)}:v1`;
    const { index, children } = pushIndex(stack, ref, ['linux/amd64', 'linux/arm64']);
    const result = await signWithAction({ 'sign-images': ref, recursive: 'true' });
    assert.equal(result.status, 0, result.stdout);
    const signed = signedImages(result);
    assert.deepEqual(new Set(signed.map((s) => s.digest)), new Set([index, ...Object.values(children)]));
    for (const image of signed) assert.equal(verify(image.image).status, 0, image.image);
  });

  test('bundle format: a Sigstore bundle referrer that cosign v3 verifies', async () => {
    const ref = `${stack.STACK_REGISTRY}/bundled-${Date.now().toString(36)}:v1`;
    const digest = pushImage(stack, ref, 'bundled');
    const result = await signWithAction({ 'sign-images': ref, 'image-signature-format': 'bundle' });
    assert.equal(result.status, 0, result.stdout);
    assert.equal(verify(`${ref.replace(/:v1$/, '')}@${digest}`).status, 0);
  });

  test('errors: image not found, registry needing credentials, bad format', async () => {
    const missing = await signWithAction({ 'sign-images': `${stack.STACK_REGISTRY}/nope-${Date.now()}:v1` });
    assert.equal(missing.status, 1);
    assert.match(missing.stdout, /::error::.*\[IMAGE_NOT_FOUND\]/);
    const auth = await signWithAction({ 'sign-images': `${stack.STACK_REGISTRY_AUTH}/private:v1` });
    assert.equal(auth.status, 1);
    assert.match(auth.stdout, /::error::.*\[REGISTRY_AUTH_REQUIRED\].*docker login/);
    const format = await signWithAction({
      'sign-images': `${stack.STACK_REGISTRY}/x:v1`,
      'image-signature-format': 'v3',
    });
    assert.match(format.stdout, /::error::.*\[INVALID_INPUT\]: image-signature-format/);
  });

  test('a registry that does not answer is retried for the timeout input, then REGISTRY_UNAVAILABLE', async () => {
    const closed = await closedLoopbackPort();
    const down = await signWithAction({ 'sign-images': `127.0.0.1:${closed}/app:v1`, timeout: '2s' });
    assert.equal(down.status, 1);
    assert.match(down.stdout, /::error::.*\[REGISTRY_UNAVAILABLE\].*ECONNREFUSED.*up to 2 s/);
  });
});
