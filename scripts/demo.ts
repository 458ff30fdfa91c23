// The demo: what a GitHub job does with this action, on the local real stack, step by step.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionsRunner, type StepResult } from '../__tests__/helpers/actions-runner.ts';
import { loadStackEnv, repoRoot } from '../__tests__/helpers/stack-env.ts';
import { lookupSelfStatus, transitPublicKeyPem } from '../__tests__/helpers/vault-admin.ts';

const stack = loadStackEnv();
const work = mkdtempSync(join(tmpdir(), 'demo-'));
const say = (text: string) => console.log(`\n== ${text}`);
const hide = (text: string, secrets: readonly string[]) => secrets.reduce((t, s) => t.split(s).join('***'), text);

say(`Step 1: uses: spiffe-vault-action (dist/main.js) with role '${stack.STACK_ROLE}'`);
const runner = new ActionsRunner();
const inputs = {
  'vault-addr': stack.VAULT_ADDR,
  role: stack.STACK_ROLE,
  audience: stack.STACK_AUDIENCE,
  'socket-path': stack.SPIFFE_ENDPOINT_SOCKET,
};
const main: StepResult = await runner.runStep(join(repoRoot, 'dist', 'main.js'), inputs);
// What the runner shows in the job log: masked values appear as ***.
console.log(hide(main.stdout, main.masks).trim());
if (main.status !== 0) throw new Error('the action failed');
const token = main.env.VAULT_TOKEN ?? '';
console.log(`exported to later steps: ${Object.keys(main.env).join(', ')}`);
console.log(`outputs: ${JSON.stringify(main.outputs)}`);
const lookup = await lookupSelfStatus(stack, token);
console.log(`Vault says the token lives ${lookup.ttl} s more`);

say('Step 2: a later step runs `cosign sign-blob --key hashivault://cosign` with only the exported environment');
const artifact = join(work, 'artifact.tar');
writeFileSync(artifact, `demo artifact ${new Date().toISOString()}\n`);
const stepEnv = { PATH: process.env.PATH ?? '', HOME: work, VAULT_ADDR: main.env.VAULT_ADDR ?? '', VAULT_TOKEN: token };
const cosign = join(stack.STACK_BIN, 'cosign');
const signArgs = [
  'sign-blob',
  '--yes',
  '--key',
  `hashivault://${stack.STACK_TRANSIT_KEY}`,
  '--tlog-upload=false',
  '--use-signing-config=false',
  '--new-bundle-format=false',
  '--output-signature',
  `${artifact}.sig`,
  artifact,
];
const sign = spawnSync(cosign, signArgs, { env: stepEnv, encoding: 'utf8' });
if (sign.status !== 0) throw new Error(`cosign sign-blob failed: ${hide(sign.stderr, [token])}`);
console.log(`signed ${artifact} → ${artifact}.sig`);

say('Step 3: anyone verifies it with the public key (no Vault access needed)');
writeFileSync(join(work, 'cosign.pub'), await transitPublicKeyPem(stack));
const verify = spawnSync(
  cosign,
  [
    'verify-blob',
    '--key',
    join(work, 'cosign.pub'),
    '--signature',
    `${artifact}.sig`,
    '--insecure-ignore-tlog=true',
    artifact,
  ],
  { env: { PATH: stepEnv.PATH, HOME: work }, encoding: 'utf8' },
);
console.log(verify.stderr.trim());
if (verify.status !== 0) throw new Error('cosign verify-blob failed');

say('Step 4: the job ends; the post step (dist/post.js) revokes the token');
const post = await runner.runStep(join(repoRoot, 'dist', 'post.js'), inputs);
console.log(hide(post.stdout, [token]).trim());
const after = await lookupSelfStatus(stack, token);
console.log(`lookup-self with the old token now answers ${after.status}${after.status === 403 ? ' (revoked)' : ''}`);
if (after.status !== 403) throw new Error('the token is still valid');
console.log('\nDemo complete.');
