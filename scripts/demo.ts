// The demo: what a GitHub job does with this action, on the local real stack, step by step.
// STACK_VAULT=hashicorp runs it against the stack's HashiCorp Vault, STACK_VAULT=openbao (the
// default) against its OpenBao.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionInputs, cosignSignBlobArgs } from '../__tests__/helpers/action-inputs.ts';
import { ActionsRunner } from '../__tests__/helpers/actions-runner.ts';
import { pushImage } from '../__tests__/helpers/oci-images.ts';
import { loadStackEnv, repoRoot } from '../__tests__/helpers/stack-env.ts';
import { lookupSelfStatus } from '../__tests__/helpers/vault-admin.ts';

const stack = loadStackEnv();
const workspace = mkdtempSync(join(tmpdir(), 'demo-'));
const cosign = join(stack.STACK_BIN, 'cosign');
const say = (text: string) => console.log(`\n== ${text}`);
const hide = (text: string, secrets: readonly string[]) => secrets.reduce((t, s) => t.split(s).join('***'), text);
const runCosign = (args: readonly string[], env: Record<string, string> = {}) => {
  const r = spawnSync(cosign, args, {
    env: { PATH: process.env.PATH ?? '', HOME: workspace, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cosign ${args[0]} failed: ${hide(r.stderr, Object.values(env))}`);
  return r.stderr.trim().split('\n').at(-1);
};

const health = await fetch(`${stack.VAULT_ADDR}/v1/sys/health`);
const { version } = (await health.json()) as { version?: string };
console.log(
  `Vault server: ${stack.STACK_VAULT_NAME} ${version ?? '(version unknown)'} at ${stack.VAULT_ADDR} ` +
    `(STACK_VAULT=${stack.STACK_VAULT}; openbao or hashicorp)`,
);

mkdirSync(join(workspace, 'dist'));
const artifact = join(workspace, 'dist', 'app.tar');
writeFileSync(artifact, `demo artifact built at ${new Date().toISOString()}\n`);

const image = `${stack.STACK_REGISTRY}/demo-app:1.0`;
const imageDigest = pushImage(stack, image, `demo image ${new Date().toISOString()}`);
console.log(`pushed ${image} (${imageDigest}) to the local registry`);

say(
  `Step 1: uses: spiffe-vault-action (dist/main.js) with role '${stack.STACK_ROLE}', sign-blobs: dist/*.tar, sign-images: ${image} and provenance: true`,
);
const runner = new ActionsRunner({ GITHUB_WORKSPACE: workspace });
// provenance: 'true' also signs SLSA provenance for the file and the image (checked in Step 2b).
const inputs = actionInputs(stack, { 'sign-blobs': 'dist/*.tar', 'sign-images': image, provenance: 'true' });
const main = await runner.runStep(join(repoRoot, 'dist', 'main.js'), inputs);
// What the job log shows: masked values appear as ***.
console.log(hide(main.stdout, main.masks).trim());
if (main.status !== 0) throw new Error('the action failed');
const token = main.env.VAULT_TOKEN ?? '';
const pub = main.outputs['public-key-path'] ?? '';
console.log(`exported to later steps: ${Object.keys(main.env).join(', ')}`);
console.log(
  `outputs: spiffe-id=${main.outputs['spiffe-id']} token-ttl=${main.outputs['token-ttl']} key-version=${main.outputs['key-version']}`,
);
console.log(`signed-blobs: ${main.outputs['signed-blobs']}`);
console.log(`Vault says the token lives ${(await lookupSelfStatus(stack, token)).ttl} s more`);

say(
  'Step 2: anyone verifies the file (signature and Sigstore bundle) and the image with the public key (no Vault access)',
);
console.log(
  `cosign verify-blob --signature: ${runCosign(['verify-blob', '--key', pub, '--signature', `${artifact}.sig`, '--insecure-ignore-tlog=true', artifact])}`,
);
console.log(
  `cosign verify-blob --bundle:    ${runCosign(['verify-blob', '--key', pub, '--bundle', `${artifact}.sigstore.json`, '--insecure-ignore-tlog=true', artifact])}`,
);

console.log(`signed-images: ${main.outputs['signed-images']}`);
const signedImage = `${image.replace(/:1\.0$/, '')}@${imageDigest}`;
console.log(
  `cosign verify (image):          ${runCosign(['verify', '--key', pub, '--insecure-ignore-tlog=true', signedImage]) ?? ''}`.trim(),
);

// ---- Attestations: the provenance that `provenance: 'true'` signed, verified by cosign v3 ----
say('Step 2b: anyone verifies the SLSA provenance of the file and of the image, and reads its builder');
const provenanceBundle = readdirSync(workspace, { recursive: true, encoding: 'utf8' }).find((name) =>
  name.endsWith('.intoto.sigstore.json'),
);
if (!provenanceBundle) throw new Error('the action wrote no *.intoto.sigstore.json provenance bundle');
const attestationArgs = ['--key', pub, '--type', 'slsaprovenance1', '--insecure-ignore-tlog=true'];
console.log(
  `cosign verify-blob-attestation (${provenanceBundle}): ${runCosign(['verify-blob-attestation', ...attestationArgs, '--bundle', join(workspace, provenanceBundle), artifact])}`,
);
const imageAttestation = spawnSync(cosign, ['verify-attestation', ...attestationArgs, signedImage], {
  env: { PATH: process.env.PATH ?? '', HOME: workspace },
  encoding: 'utf8',
});
if (imageAttestation.status !== 0) throw new Error(`cosign verify-attestation failed: ${imageAttestation.stderr}`);
const statement = JSON.parse(
  Buffer.from(
    (JSON.parse(imageAttestation.stdout.split('\n')[0] ?? '') as { payload: string }).payload,
    'base64',
  ).toString(),
) as { predicate: { runDetails: { builder: { id: string } } } };
const builder = statement.predicate.runDetails.builder.id;
console.log(`cosign verify-attestation (image): verified; runDetails.builder.id = ${builder}`);
if (builder !== main.outputs['spiffe-id']) throw new Error(`the provenance names ${builder} as builder`);
// ---- end of attestations ----

say('Step 3: a later step runs `cosign sign-blob --key hashivault://cosign` with only the exported environment');
const vaultEnv = { VAULT_ADDR: main.env.VAULT_ADDR ?? '', VAULT_TOKEN: token };
runCosign(cosignSignBlobArgs(stack, artifact, `${artifact}.cosign.sig`), vaultEnv);
console.log(
  `cosign signed it too; verified: ${runCosign(['verify-blob', '--key', pub, '--signature', `${artifact}.cosign.sig`, '--insecure-ignore-tlog=true', artifact])}`,
);

say('Step 4: the job ends; the post step (dist/post.js) revokes the token');
const post = await runner.runStep(join(repoRoot, 'dist', 'post.js'), inputs);
console.log(hide(post.stdout, [token]).trim());
const after = await lookupSelfStatus(stack, token);
console.log(`lookup-self with the old token now answers ${after.status}${after.status === 403 ? ' (revoked)' : ''}`);
if (after.status !== 403) throw new Error('the token is still valid');
console.log(`\nDemo complete (${stack.STACK_VAULT_NAME}).`);
