// signImages against the REAL registries of the stack (crane's, with the referrers API; Debian's
// docker-registry, without it; a docker-registry that wants a password), REAL OpenBao transit
// and REAL cosign v3.1.2 and v2.6.4 verifying what was written.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cosignSignImageArgs } from '../helpers/action-inputs.ts';
import { cosign, crane, pushImage, pushIndex } from '../helpers/oci-images.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { describeRun, loadStackEnv, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { OciError } from '../../src/core/oci/errors.ts';
import { RegistryClient } from '../../src/core/oci/client.ts';
import { getManifest } from '../../src/core/oci/manifests.ts';
import { listReferrers } from '../../src/core/oci/referrers.ts';
import { parseImageReference } from '../../src/core/oci/reference.ts';
import { DEFAULT_IMAGE_SIGNATURE_FORMAT, signImages, type SignImagesOptions } from '../../src/core/signing/images.ts';
import { dssePreAuthEncoding } from '../../src/core/signing/bundle-builder.ts';
import { VaultClient } from '../../src/core/vault/client.ts';
import { TransitSigner } from '../../src/core/vault/transit.ts';

let stack: StackEnv;
let signer: TransitSigner;
let work: string;
let pubPem: string;
const run = randomBytes(3).toString('hex');

before(async () => {
  stack = loadStackEnv();
  assert.ok(stack.STACK_REGISTRY2 && stack.STACK_REGISTRY_AUTH, 'restart the stack: it has no STACK_REGISTRY2/AUTH');
  const token = stack.STACK_ADMIN_TOKEN;
  signer = await TransitSigner.open({
    client: new VaultClient({ address: stack.VAULT_ADDR }),
    tokens: { getToken: async () => token, renewToken: async () => assert.fail('renewToken should not be called') },
    transitKey: stack.STACK_TRANSIT_KEY,
  });
  work = mkdtempSync(join(tmpdir(), 'image-signing-'));
  pubPem = join(work, 'pub.pem');
  writeFileSync(pubPem, signer.publicKeyPem);
});
after(() => rmSync(work, { recursive: true, force: true }));

const cosignEnv = (extra: Record<string, string> = {}) => ({ HOME: work, ...extra });
const sign = (references: string[], more: Partial<SignImagesOptions> = {}) =>
  signImages({ references, signer, format: DEFAULT_IMAGE_SIGNATURE_FORMAT, registry: {}, ...more });

function verify(
  binary: 'cosign' | 'cosign2',
  ref: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): RunResult {
  return cosign(
    stack,
    binary,
    ['verify', '--key', pubPem, '--insecure-ignore-tlog=true', ...extra, ref],
    cosignEnv(env),
  );
}
function assertVerifies(
  binary: 'cosign' | 'cosign2',
  ref: string,
  extra: string[] = [],
  env: Record<string, string> = {},
) {
  const r = verify(binary, ref, extra, env);
  assert.equal(r.status, 0, describeRun(`${binary} verify ${ref}`, r));
}

async function sigLayers(registry: string, repo: string, digest: string): Promise<number> {
  const sig = await getManifest(new RegistryClient(), {
    repo: { registry, repository: repo },
    reference: `${digest.replace(':', '-')}.sig`,
  });
  return sig?.json.layers?.length ?? 0;
}

const registries = () => [
  { name: "crane's registry (referrers API)", host: stack.STACK_REGISTRY, api: true },
  { name: "Debian's docker-registry (referrers tag fallback)", host: stack.STACK_REGISTRY2 as string, api: false },
];

for (const which of [0, 1]) {
  describe(`on ${which === 0 ? "crane's registry (referrers API)" : "Debian's docker-registry (referrers tag fallback)"}`, () => {
    const reg = () => registries()[which] as { host: string; api: boolean };

    test('the default (legacy) format verifies with cosign v3 and v2, also via hashivault://; twice adds no layer', async () => {
      const repo = `it-${run}/legacy`;
      const digest = pushImage(stack, `${reg().host}/${repo}:v1`, `legacy ${run} ${which}`);
      const other = pushImage(stack, `${reg().host}/${repo}:other`, `other ${run} ${which}`);
      const [signed] = await sign([`${reg().host}/${repo}:v1`]);
      assert.deepEqual(signed, {
        reference: `${reg().host}/${repo}:v1`,
        repository: `${reg().host}/${repo}`,
        digest,
        format: 'legacy',
        signatureTag: `${digest.replace(':', '-')}.sig`,
        keyVersion: signer.keyVersion,
      });
      const ref = `${reg().host}/${repo}@${digest}`;
      assertVerifies('cosign', ref);
      assertVerifies('cosign2', ref);
      const viaVault = cosign(
        stack,
        'cosign',
        ['verify', '--key', `hashivault://${stack.STACK_TRANSIT_KEY}`, '--insecure-ignore-tlog=true', ref],
        cosignEnv({ VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: stack.STACK_ADMIN_TOKEN }),
      );
      assert.equal(viaVault.status, 0, describeRun('cosign verify --key hashivault://', viaVault));
      assert.equal(await sigLayers(reg().host, repo, digest), 1);
      await sign([ref]);
      assert.equal(await sigLayers(reg().host, repo, digest), 1, 'signing again added a layer');
      const wrong = verify('cosign', `${reg().host}/${repo}@${other}`);
      assert.notEqual(wrong.status, 0, 'an unsigned image digest verified');
    });

    test('an image cosign already signed keeps that signature and gets ours with annotations', async () => {
      const repo = `it-${run}/presigned`;
      const digest = pushImage(stack, `${reg().host}/${repo}:v1`, `presigned ${run} ${which}`);
      const ref = `${reg().host}/${repo}@${digest}`;
      const signedByCosign = cosign(
        stack,
        'cosign',
        cosignSignImageArgs(stack, ref),
        cosignEnv({ VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: stack.STACK_ADMIN_TOKEN }),
      );
      assert.equal(signedByCosign.status, 0, describeRun('cosign sign', signedByCosign));
      assert.equal(await sigLayers(reg().host, repo, digest), 1);
      await sign([`${reg().host}/${repo}:v1`]);
      assert.equal(
        await sigLayers(reg().host, repo, digest),
        1,
        "cosign's own signature of the same payload counts as ours",
      );
      await sign([ref], { annotations: { pipeline: run, stage: 'it' } });
      assert.equal(await sigLayers(reg().host, repo, digest), 2);
      assertVerifies('cosign', ref, ['-a', `pipeline=${run}`]);
      assertVerifies('cosign2', ref, ['-a', `pipeline=${run}`, '-a', 'stage=it']);
      assert.notEqual(verify('cosign', ref, ['-a', 'pipeline=other']).status, 0);
    });

    test('the bundle format is an OCI 1.1 referrer that cosign v3 and @sigstore/verify accept', async () => {
      const repo = `it-${run}/bundle`;
      const digest = pushImage(stack, `${reg().host}/${repo}:v1`, `bundle ${run} ${which}`);
      const ref = `${reg().host}/${repo}@${digest}`;
      const [signed] = await sign([ref], { format: 'bundle' });
      assert.ok(signed?.referrerDigest);
      assert.equal(signed.signatureTag, undefined);
      assertVerifies('cosign', ref);
      const client = new RegistryClient();
      const repoRef = { registry: reg().host, repository: repo };
      const referrers = await listReferrers(client, { repo: repoRef, digest });
      assert.equal(referrers.viaApi, reg().api);
      assert.ok(referrers.descriptors.some((d) => d.digest === signed.referrerDigest));
      const manifest = await getManifest(client, { repo: repoRef, reference: signed.referrerDigest });
      assert.equal(manifest?.json.subject?.digest, digest);
      const layer = manifest?.json.layers?.[0];
      const bundle = crane(stack, ['blob', `${reg().host}/${repo}@${layer?.digest}`]);
      const envelope = JSON.parse(bundle).dsseEnvelope as { payload: string; payloadType: string };
      const statement = Buffer.from(envelope.payload, 'base64');
      assert.equal(JSON.parse(statement.toString()).subject[0].digest.sha256, digest.slice(7));
      await verifyBundleWithKey(bundle, statement, signer.publicKeyPem);
      assert.ok(dssePreAuthEncoding(envelope.payloadType, statement).length > statement.length);
      // With a bundle present, cosign v2.6 asks for a trusted root; an empty one suffices for a key.
      const root = join(work, 'trusted-root.json');
      writeFileSync(root, '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}');
      assert.notEqual(verify('cosign2', ref).status, 0, 'cosign v2.6 now verifies bundles without a trusted root');
      assertVerifies('cosign2', ref, ['--trusted-root', root]);
    });

    test('recursive signs an index and each platform manifest, in one transit batch', async () => {
      const repo = `it-${run}/multi`;
      const { index, children } = pushIndex(stack, `${reg().host}/${repo}:v1`, ['linux/amd64', 'linux/arm64']);
      const batches: number[] = [];
      const counting = {
        ...signer,
        keyVersion: signer.keyVersion,
        publicKeyPem: signer.publicKeyPem,
        keyHint: signer.keyHint,
        signDigests: (d: readonly Buffer[]) => (batches.push(d.length), signer.signDigests(d)),
      };
      const signed = await sign([`${reg().host}/${repo}:v1`], { recursive: true, format: 'both', signer: counting });
      assert.deepEqual(batches, [6]);
      assert.deepEqual(
        signed.map((s) => [s.digest, s.platform]),
        [
          [index, undefined],
          [children['linux/amd64'], 'linux/amd64'],
          [children['linux/arm64'], 'linux/arm64'],
        ],
      );
      for (const digest of [index, ...Object.values(children)]) {
        assertVerifies('cosign', `${reg().host}/${repo}@${digest}`);
        assert.equal(await sigLayers(reg().host, repo, digest), 1);
      }
    });
  });
}

describe('registry authentication (docker-registry with htpasswd)', () => {
  let configDir: string;
  before(() => {
    configDir = mkdtempSync(join(work, 'docker-config-'));
    // The real crane writes the Docker config entry that our client then reads.
    const host = stack.STACK_REGISTRY_AUTH as string;
    const user = stack.STACK_REGISTRY_AUTH_USER as string;
    crane(stack, ['auth', 'login', host, '-u', user, '-p', stack.STACK_REGISTRY_AUTH_PASSWORD as string], {
      DOCKER_CONFIG: configDir,
    });
  });

  test('without credentials: REGISTRY_AUTH_REQUIRED naming the host and docker login', async () => {
    const host = stack.STACK_REGISTRY_AUTH as string;
    pushImage(stack, `${host}/it-${run}/private:v1`, `private ${run}`, { env: { DOCKER_CONFIG: configDir } });
    await assert.rejects(
      sign([`${host}/it-${run}/private:v1`], { registry: { dockerConfigDir: join(work, 'none') } }),
      (e: unknown) => {
        assert.ok(e instanceof OciError && e.code === 'REGISTRY_AUTH_REQUIRED', String(e));
        assert.equal(e.host, host);
        assert.match(e.message, new RegExp(`docker login ${host}`));
        assert.doesNotMatch(e.message, new RegExp(stack.STACK_REGISTRY_AUTH_PASSWORD as string));
        return true;
      },
    );
  });

  test('with the Docker config credentials it signs, and cosign verifies with them', async () => {
    const host = stack.STACK_REGISTRY_AUTH as string;
    const digest = pushImage(stack, `${host}/it-${run}/private2:v1`, `private2 ${run}`, {
      env: { DOCKER_CONFIG: configDir },
    });
    const [signed] = await sign([`${host}/it-${run}/private2:v1`], { registry: { dockerConfigDir: configDir } });
    assert.equal(signed?.digest, digest);
    assertVerifies('cosign', `${host}/it-${run}/private2@${digest}`, [], { DOCKER_CONFIG: configDir });
  });
});

test('an image that does not exist is IMAGE_NOT_FOUND, before anything is signed', async () => {
  let calls = 0;
  const counting = { keyVersion: 1, publicKeyPem: '', keyHint: '', signDigests: async () => (calls++, []) };
  await assert.rejects(
    sign([`${stack.STACK_REGISTRY}/it-${run}/missing:nope`], { signer: counting }),
    (e: unknown) => e instanceof OciError && e.code === 'IMAGE_NOT_FOUND',
  );
  assert.equal(calls, 0);
  assert.equal(parseImageReference(`${stack.STACK_REGISTRY}/x`).registry, stack.STACK_REGISTRY);
});
