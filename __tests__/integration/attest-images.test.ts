// Image attestations against the REAL registries of the stack (crane's, with the referrers API;
// Debian's docker-registry, without it), REAL Vault/OpenBao transit, and REAL cosign v3 and v2
// verifying what was written; the offline verifier of src/core/attest/image-verify.ts too.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner } from '../helpers/actions-runner.ts';
import { cli, cliEnv, leaks } from '../helpers/cli-run.ts';
import { cosign, crane, pushImage, pushIndex } from '../helpers/oci-images.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { describeRun, loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { enableFileAudit } from '../helpers/vault-admin.ts';
import { SLSA_PROVENANCE_V1, PREDICATE_TYPES } from '../../src/core/attest/predicate-type.ts';
import { DSSE_ENVELOPE_MEDIA_TYPE } from '../../src/core/attest/image-att-tag.ts';
import type { ImageAttestationOptions } from '../../src/core/attest/image-attestations.ts';
import { verifyImageAttestations } from '../../src/core/attest/image-verify.ts';
import { RegistryClient } from '../../src/core/oci/client.ts';
import { getManifest } from '../../src/core/oci/manifests.ts';
import { listReferrers } from '../../src/core/oci/referrers.ts';
import type { AttestationRequest } from '../../src/core/options/config.ts';
import { signImages, type SignImagesOptions } from '../../src/core/signing/images.ts';
import type { DigestSigner } from '../../src/core/signing/types.ts';
import { VaultClient } from '../../src/core/vault/client.ts';
import { TransitSigner } from '../../src/core/vault/transit.ts';

let stack: StackEnv;
let signer: TransitSigner;
let work: string;
let pubPem: string;
const run = randomBytes(3).toString('hex');

/** A GitHub Actions context, as the runner's variables give it. */
const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'org/app',
  GITHUB_WORKFLOW_REF: 'org/app/.github/workflows/release.yml@refs/heads/main',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '1',
  RUNNER_ENVIRONMENT: 'self-hosted',
};
const PROVENANCE: AttestationRequest = { predicateType: SLSA_PROVENANCE_V1, predicate: { kind: 'provenance' } };
const SPDX: AttestationRequest = {
  predicateType: PREDICATE_TYPES.spdxjson as string,
  predicate: {
    kind: 'file',
    value: { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: `app-${run}`, packages: [] },
  },
};

before(async () => {
  stack = loadStackEnv();
  assert.ok(stack.STACK_REGISTRY2, 'restart the stack: it has no STACK_REGISTRY2');
  const token = stack.STACK_ADMIN_TOKEN;
  signer = await TransitSigner.open({
    client: new VaultClient({ address: stack.VAULT_ADDR }),
    tokens: { getToken: async () => token, renewToken: async () => assert.fail('renewToken should not be called') },
    transitKey: stack.STACK_TRANSIT_KEY,
  });
  work = mkdtempSync(join(tmpdir(), 'attest-images-'));
  pubPem = join(work, 'pub.pem');
  writeFileSync(pubPem, signer.publicKeyPem);
});
after(() => rmSync(work, { recursive: true, force: true }));

const attestations = (requests: readonly AttestationRequest[] = [PROVENANCE]): ImageAttestationOptions => ({
  requests,
  context: { builderId: stack.STACK_SPIFFE_ID, env: GITHUB_ENV },
});
const attest = (references: string[], more: Partial<SignImagesOptions> = {}) =>
  signImages({
    references,
    signer,
    format: 'both',
    registry: {},
    attestations: attestations(),
    signatures: false,
    ...more,
  });

/** The signer, counting the digests of each signDigests call (one call = one batch). */
function counting(batches: number[]): DigestSigner {
  return {
    keyVersion: signer.keyVersion,
    publicKeyPem: signer.publicKeyPem,
    keyHint: signer.keyHint,
    signDigests: (d) => (batches.push(d.length), signer.signDigests(d)),
  };
}

function verifyAttestation(binary: 'cosign' | 'cosign2', ref: string, type: string, extra: string[] = []) {
  return cosign(
    stack,
    binary,
    ['verify-attestation', '--key', pubPem, '--type', type, '--insecure-ignore-tlog=true', ...extra, ref],
    { HOME: work },
  );
}
function assertAttestationVerifies(binary: 'cosign' | 'cosign2', ref: string, type: string, extra: string[] = []) {
  const r = verifyAttestation(binary, ref, type, extra);
  assert.equal(r.status, 0, describeRun(`${binary} verify-attestation --type ${type} ${ref}`, r));
  return r;
}

async function attLayers(registry: string, repo: string, digest: string) {
  const att = await getManifest(new RegistryClient(), {
    repo: { registry, repository: repo },
    reference: `${digest.replace(':', '-')}.att`,
  });
  return att?.json.layers ?? [];
}

interface StatementJson {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    runDetails?: { builder: { id: string }; metadata?: { invocationId?: string } };
    buildDefinition?: { externalParameters: { workflow?: { repository: string; ref: string; path: string } } };
  };
}

for (const which of [0, 1]) {
  const name = which === 0 ? "crane's registry (referrers API)" : "Debian's docker-registry (referrers tag fallback)";
  describe(`on ${name}`, () => {
    const host = () => (which === 0 ? stack.STACK_REGISTRY : (stack.STACK_REGISTRY2 as string));

    test('signature, provenance and an SPDX SBOM in one batch; cosign v3 (also hashivault://) and v2 verify', async () => {
      const repo = `att-${run}/both`;
      const digest = pushImage(stack, `${host()}/${repo}:v1`, `both ${run} ${which}`);
      const ref = `${host()}/${repo}@${digest}`;
      const batches: number[] = [];
      const [signed] = await attest([`${host()}/${repo}:v1`], {
        signer: counting(batches),
        signatures: true,
        attestations: attestations([PROVENANCE, SPDX]),
      });
      // One legacy payload, one signature statement, two attestation statements: one request.
      assert.deepEqual(batches, [4]);
      assert.equal(signed?.digest, digest);
      assert.ok(signed?.signatureTag && signed.referrerDigest);
      assert.equal(signed.attestations?.length, 2);
      const [prov, spdx] = signed.attestations ?? [];
      assert.equal(prov?.predicateType, SLSA_PROVENANCE_V1);
      assert.equal(spdx?.predicateType, 'https://spdx.dev/Document');
      assert.equal(prov?.attestationTag, `${digest.replace(':', '-')}.att`);
      assert.equal(prov?.addedToTag, true);
      assert.ok(prov?.referrerDigest && spdx?.referrerDigest);

      // cosign v3 reads the bundle referrers. cosign v2.6 does too once a bundle is there, and
      // then asks for a trusted root (an empty one suffices for a key); the .att tag alone is
      // what it reads in the legacy test below.
      assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
      assertAttestationVerifies('cosign', ref, 'spdxjson');
      const root = join(work, 'trusted-root.json');
      writeFileSync(root, '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}');
      assertAttestationVerifies('cosign2', ref, 'slsaprovenance1', ['--trusted-root', root]);
      assertAttestationVerifies('cosign2', ref, 'spdxjson', ['--trusted-root', root]);
      const viaVault = cosign(
        stack,
        'cosign',
        [
          'verify-attestation',
          '--key',
          `hashivault://${stack.STACK_TRANSIT_KEY}`,
          '--type',
          'slsaprovenance1',
          '--insecure-ignore-tlog=true',
          ref,
        ],
        { HOME: work, VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: stack.STACK_ADMIN_TOKEN },
      );
      assert.equal(viaVault.status, 0, describeRun('cosign verify-attestation --key hashivault://', viaVault));
      assert.notEqual(verifyAttestation('cosign', ref, 'cyclonedx').status, 0, 'a type never attested verified');
      // The image signature made in the same batch verifies too.
      const sig = cosign(stack, 'cosign', ['verify', '--key', pubPem, '--insecure-ignore-tlog=true', ref], {
        HOME: work,
      });
      assert.equal(sig.status, 0, describeRun('cosign verify', sig));

      // The referrers: cosign's annotations; every bundle verifies with @sigstore/verify.
      const client = new RegistryClient();
      const repoRef = { registry: host(), repository: repo };
      const referrers = await listReferrers(client, { repo: repoRef, digest });
      assert.equal(referrers.viaApi, which === 0);
      for (const att of [prov, spdx]) {
        assert.ok(referrers.descriptors.some((d) => d.digest === att?.referrerDigest));
        const manifest = await getManifest(client, { repo: repoRef, reference: att?.referrerDigest as string });
        assert.equal(manifest?.json.subject?.digest, digest);
        assert.equal(manifest?.json.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
        assert.equal(manifest?.json.annotations?.['dev.sigstore.bundle.content'], 'dsse-envelope');
        assert.equal(manifest?.json.annotations?.['dev.sigstore.bundle.predicateType'], att?.predicateType);
        const bundle = crane(stack, ['blob', `${host()}/${repo}@${manifest?.json.layers?.[0]?.digest}`]);
        const envelope = JSON.parse(bundle).dsseEnvelope as { payload: string };
        const payload = Buffer.from(envelope.payload, 'base64');
        await verifyBundleWithKey(bundle, payload, signer.publicKeyPem);
        const statement = JSON.parse(payload.toString()) as StatementJson;
        assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
        assert.deepEqual(statement.subject, [{ name: `${host()}/${repo}`, digest: { sha256: digest.slice(7) } }]);
        assert.equal(statement.predicateType, att?.predicateType);
        if (att === prov) {
          assert.equal(statement.predicate.runDetails?.builder.id, stack.STACK_SPIFFE_ID);
          assert.deepEqual(statement.predicate.buildDefinition?.externalParameters.workflow, {
            ref: 'refs/heads/main',
            repository: 'https://github.example.com/org/app',
            path: '.github/workflows/release.yml',
          });
          assert.equal(
            statement.predicate.runDetails?.metadata?.invocationId,
            'https://github.example.com/org/app/actions/runs/42/attempts/1',
          );
        } else {
          assert.equal((statement.predicate as { name?: string }).name, `app-${run}`);
        }
      }

      // The .att tag: one DSSE layer per statement, as cosign v2 writes them.
      const layers = await attLayers(host(), repo, digest);
      assert.deepEqual(
        layers.map((l) => [l.mediaType, l.annotations]),
        [
          [DSSE_ENVELOPE_MEDIA_TYPE, { 'dev.cosignproject.cosign/signature': '', predicateType: SLSA_PROVENANCE_V1 }],
          [DSSE_ENVELOPE_MEDIA_TYPE, { 'dev.cosignproject.cosign/signature': '', predicateType: SPDX.predicateType }],
        ],
      );
    });

    test('legacy attestations only: cosign v2 and v3 verify; twice adds no layer and signs nothing', async () => {
      const repo = `att-${run}/legacy`;
      const digest = pushImage(stack, `${host()}/${repo}:v1`, `legacy ${run} ${which}`);
      const ref = `${host()}/${repo}@${digest}`;
      const [first] = await attest([ref], { format: 'legacy' });
      assert.equal(first?.signatureTag, undefined, 'attestations only: no image signature');
      assert.equal(first?.referrerDigest, undefined);
      assert.deepEqual(first?.attestations, [
        {
          predicateType: SLSA_PROVENANCE_V1,
          statementDigest: first?.attestations?.[0]?.statementDigest,
          attestationTag: `${digest.replace(':', '-')}.att`,
          addedToTag: true,
        },
      ]);
      assert.equal((await attLayers(host(), repo, digest)).length, 1);
      assertAttestationVerifies('cosign2', ref, 'slsaprovenance1');
      assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
      const batches: number[] = [];
      const [second] = await attest([ref], { format: 'legacy', signer: counting(batches) });
      assert.deepEqual(batches, [], 'a statement already in the tag was signed again');
      assert.equal(second?.attestations?.[0]?.addedToTag, false);
      assert.equal((await attLayers(host(), repo, digest)).length, 1, 'attesting again added a layer');
      // Another statement (another run) is appended after it.
      await attest([ref], {
        format: 'legacy',
        attestations: { ...attestations(), context: { ...attestations().context, env: { GITHUB_RUN_ID: '43' } } },
      });
      assert.equal((await attLayers(host(), repo, digest)).length, 2);
      assertAttestationVerifies('cosign2', ref, 'slsaprovenance1');
    });

    test('recursive: the index and each platform manifest get their attestation', async () => {
      const repo = `att-${run}/multi`;
      const { index, children } = pushIndex(stack, `${host()}/${repo}:v1`, ['linux/amd64', 'linux/arm64']);
      const signed = await attest([`${host()}/${repo}:v1`], { recursive: true, format: 'bundle' });
      assert.deepEqual(
        signed.map((s) => s.digest),
        [index, children['linux/amd64'], children['linux/arm64']],
      );
      for (const digest of [index, ...Object.values(children)]) {
        assertAttestationVerifies('cosign', `${host()}/${repo}@${digest}`, 'slsaprovenance1');
      }
    });
  });
}

test('N images with provenance: one transit sign request for all of them', async () => {
  const host = stack.STACK_REGISTRY;
  const refs = Array.from({ length: 6 }, (_, i) => {
    const digest = pushImage(stack, `${host}/att-${run}/n${i}:v1`, `n ${run} ${i}`);
    return `${host}/att-${run}/n${i}@${digest}`;
  });
  const audit = await enableFileAudit(stack);
  try {
    const signed = await attest(refs, { format: 'both' });
    assert.equal(signed.length, 6);
    assert.equal(audit.requestsFor(`transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256`).length, 1);
  } finally {
    await audit.disable();
  }
  for (const ref of refs.slice(0, 2)) assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
});

describe('verifyImageAttestations (offline, with the public key)', () => {
  let ref: string;
  let legacyRef: string;
  const verify = (references: string[], more: { predicateType?: string; builderId?: string; key?: string } = {}) =>
    verifyImageAttestations({
      references,
      publicKey: createPublicKey(more.key ?? signer.publicKeyPem),
      predicateType: more.predicateType ?? SLSA_PROVENANCE_V1,
      ...(more.builderId !== undefined ? { builderId: more.builderId } : {}),
      registry: {},
    });
  before(async () => {
    const host = stack.STACK_REGISTRY2 as string;
    const digest = pushImage(stack, `${host}/att-${run}/verify:v1`, `verify ${run}`);
    ref = `${host}/att-${run}/verify@${digest}`;
    await attest([ref], { format: 'bundle', signatures: true });
    const legacyDigest = pushImage(stack, `${host}/att-${run}/verify-legacy:v1`, `verify legacy ${run}`);
    legacyRef = `${host}/att-${run}/verify-legacy@${legacyDigest}`;
    await attest([legacyRef], { format: 'legacy' });
  });

  test('accepts good attestations, from a bundle referrer and from the .att tag, with a builder glob', async () => {
    const [bundle, legacy] = await verify([ref, legacyRef], { builderId: 'spiffe://spiffe-vault.test/ci/*' });
    assert.equal(bundle?.verified, true, bundle?.reason);
    assert.equal(bundle?.attestations.length, 1, 'the image signature bundle is not an attestation');
    assert.equal(bundle?.attestations[0]?.source, 'bundle');
    assert.equal(bundle?.attestations[0]?.builderId, stack.STACK_SPIFFE_ID);
    assert.equal(legacy?.verified, true, legacy?.reason);
    assert.equal(legacy?.attestations[0]?.source, 'legacy');
  });

  test('rejects a wrong key, a wrong predicate type, a wrong builder; an image without any', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
    const [wrongKey] = await verify([ref], { key: other.toString() });
    assert.equal(wrongKey?.verified, false);
    assert.equal(wrongKey?.code, 'ATTESTATION_INVALID');
    assert.match(wrongKey?.reason ?? '', /does not verify/);
    const [wrongType] = await verify([legacyRef], { predicateType: 'https://cyclonedx.org/bom' });
    assert.equal(wrongType?.code, 'ATTESTATION_INVALID');
    assert.match(wrongType?.reason ?? '', /predicate type/);
    const [wrongBuilder] = await verify([ref], { builderId: 'spiffe://other.test/*' });
    assert.equal(wrongBuilder?.code, 'ATTESTATION_INVALID');
    assert.match(wrongBuilder?.reason ?? '', /builder/);
    const digest = pushImage(stack, `${stack.STACK_REGISTRY}/att-${run}/none:v1`, `none ${run}`);
    const [none] = await verify([`${stack.STACK_REGISTRY}/att-${run}/none@${digest}`]);
    assert.equal(none?.code, 'NO_ATTESTATIONS');
    const [missing] = await verify([`${stack.STACK_REGISTRY}/att-${run}/none:missing`]);
    assert.equal(missing?.code, 'IMAGE_NOT_FOUND');
  });
});

describe('the action and the CLI (dist/)', () => {
  test('the action: provenance and an SPDX predicate for sign-images; outputs, summary, cosign verifies', async () => {
    const host = stack.STACK_REGISTRY2 as string;
    const digest = pushImage(stack, `${host}/att-${run}/action:v1`, `action ${run}`);
    const sbom = join(work, 'sbom.spdx.json');
    writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'action-sbom' }));
    const result = await new ActionsRunner().runStep(
      join(repoRoot, 'dist', 'main.js'),
      actionInputs(stack, {
        timeout: '30s',
        revoke: 'false',
        'sign-images': `${host}/att-${run}/action:v1`,
        'image-signature-format': 'both',
        provenance: 'true',
        'attest-predicate': sbom,
        'attest-type': 'spdxjson',
      }),
      GITHUB_ENV,
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const outputs = JSON.parse(result.outputs['image-attestations'] ?? '[]') as Record<string, unknown>[];
    assert.deepEqual(
      outputs.map((o) => [o.image, o.predicateType, o.attestationTag, o.addedToTag, o.keyVersion]),
      [
        [
          `${host}/att-${run}/action@${digest}`,
          SLSA_PROVENANCE_V1,
          `${digest.replace(':', '-')}.att`,
          true,
          signer.keyVersion,
        ],
        [
          `${host}/att-${run}/action@${digest}`,
          SPDX.predicateType,
          `${digest.replace(':', '-')}.att`,
          true,
          signer.keyVersion,
        ],
      ],
    );
    assert.ok(outputs.every((o) => typeof o.referrerDigest === 'string'));
    assert.match(result.summary, /attestation https:\/\/slsa\.dev\/provenance\/v1/);
    assert.match(result.summary, /cosign verify-attestation/);
    // The JWT-SVID appears only in its ::add-mask:: command; nowhere else, outputs included.
    const shown = result.everything.replace(/^::add-mask::.*$/gm, '');
    assert.deepEqual(leaks(shown, [stack.STACK_ADMIN_TOKEN]), []);
    const ref = `${host}/att-${run}/action@${digest}`;
    assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
    assertAttestationVerifies('cosign', ref, 'spdxjson');
    // The builder is the SPIFFE ID the action logged in with; the CI context is the runner's.
    const [verified] = await verifyImageAttestations({
      references: [ref],
      publicKey: createPublicKey(signer.publicKeyPem),
      predicateType: SLSA_PROVENANCE_V1,
      builderId: stack.STACK_SPIFFE_ID,
      registry: {},
    });
    assert.equal(verified?.verified, true, verified?.reason);
    const statement = verified?.attestations[0]?.statement as unknown as StatementJson;
    assert.equal(
      statement.predicate.buildDefinition?.externalParameters.workflow?.path,
      '.github/workflows/release.yml',
    );
  });

  test("attest-image: attestations only, with the login's SPIFFE ID; nothing to attest is a usage error", () => {
    const host = stack.STACK_REGISTRY;
    const digest = pushImage(stack, `${host}/att-${run}/cli:v1`, `cli ${run}`);
    const ref = `${host}/att-${run}/cli@${digest}`;
    const r = cli(['attest-image', '--role', stack.STACK_ROLE, '--provenance', '--json', `${host}/att-${run}/cli:v1`], {
      env: cliEnv(stack),
    });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      images: { digest: string; signatureTag?: string; attestations: { predicateType: string }[] }[];
    };
    assert.equal(result.images[0]?.digest, digest);
    assert.equal(result.images[0]?.signatureTag, undefined);
    assert.deepEqual(
      result.images[0]?.attestations.map((a) => a.predicateType),
      [SLSA_PROVENANCE_V1],
    );
    assert.deepEqual(leaks(r.stdout + r.stderr), []);
    assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
    const unsigned = cosign(stack, 'cosign', ['verify', '--key', pubPem, '--insecure-ignore-tlog=true', ref], {
      HOME: work,
    });
    assert.notEqual(unsigned.status, 0, 'attest-image signed the image');
    const nothing = cli(['attest-image', '--role', stack.STACK_ROLE, ref], { env: cliEnv(stack) });
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /nothing to attest/);

    // verify-attestation reads the image's attestations from the registry, offline of Vault.
    const verify = (...args: string[]) => cli(['verify-attestation', '--key', pubPem, ...args], { env: cliEnv(stack) });
    const good = verify('--type', 'slsaprovenance1', '--builder-id', 'spiffe://*/ci/*', '--json', ref);
    assert.equal(good.status, 0, good.stderr);
    const report = JSON.parse(good.stdout) as {
      verified: boolean;
      builderId?: string;
      artifacts: { sha256?: string }[];
    };
    assert.equal(report.verified, true);
    assert.equal(report.builderId, stack.STACK_SPIFFE_ID);
    assert.equal(`sha256:${report.artifacts[0]?.sha256}`, digest);
    const otherBuilder = verify('--builder-id', 'spiffe://elsewhere/*', ref);
    assert.equal(otherBuilder.status, 1, otherBuilder.stderr);
    assert.match(otherBuilder.stderr, /\[ATTESTATION_INVALID\]/);
    const bare = pushImage(stack, `${host}/att-${run}/cli-bare:v1`, `bare ${run}`);
    const none = verify(`${host}/att-${run}/cli-bare@${bare}`);
    assert.equal(none.status, 1, none.stderr);
    assert.match(none.stderr, /\[NO_ATTESTATIONS\]/);
  });

  test('sign-image --provenance: signature and provenance in one run; --predicate with --type spdxjson', () => {
    const host = stack.STACK_REGISTRY2 as string;
    const digest = pushImage(stack, `${host}/att-${run}/cli-sign:v1`, `cli sign ${run}`);
    const ref = `${host}/att-${run}/cli-sign@${digest}`;
    const sbom = join(work, 'cli-sbom.spdx.json');
    writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'cli-sbom' }));
    const r = cli(
      ['sign-image', '--role', stack.STACK_ROLE, '--provenance', '--predicate', sbom, '--type', 'spdxjson', ref],
      { env: cliEnv(stack) },
    );
    assert.equal(r.status, 0, r.stderr);
    assertAttestationVerifies('cosign', ref, 'slsaprovenance1');
    assertAttestationVerifies('cosign', ref, 'spdxjson');
    const signed = cosign(stack, 'cosign', ['verify', '--key', pubPem, '--insecure-ignore-tlog=true', ref], {
      HOME: work,
    });
    assert.equal(signed.status, 0, describeRun('cosign verify', signed));
  });
});
