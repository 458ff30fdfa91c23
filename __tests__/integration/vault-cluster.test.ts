// Vault as a distributed system: a 3-node Raft HA cluster (scripts/stack/cluster.sh) of the server
// the suite runs against, OpenBao or HashiCorp Vault, next to the stack. Standbys forward requests;
// a failover in the middle of a signing run costs the run nothing (during the election a standby
// answers 307, or Vault's 500 "active cluster node not found": both retried); a node restarted from
// its data keeps the transit key; a sealed node fails at once.
import assert from 'node:assert/strict';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner } from '../helpers/actions-runner.ts';
import { cli, cliEnv, spawnCli } from '../helpers/cli-run.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import { NODE_COUNT, RaftCluster } from '../helpers/raft-cluster.ts';
import { describeRun, loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const FAILOVER_FILES = 2_000;
const RELAY_DELAY_MS = 150;

interface SignResult {
  files: { path: string; signature: string }[];
}

let stack: StackEnv;
let cluster: RaftCluster;
let killedNode: number | undefined;
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
  for (let i = 0; i < files; i++)
    writeFileSync(join(dir, 'out', `artifact-${i}.bin`), `artifact ${i} ${Math.random()}\n`);
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

describe('the active node killed in the middle of a 2,000-file sign-blob run', () => {
  test('the run (pointed at a standby) completes: every file signed once, every signature valid', async () => {
    const killed = await cluster.active();
    killedNode = killed;
    const standby = (await cluster.standbys())[0] as number;
    const baseline = workspace(FAILOVER_FILES);
    let started = Date.now();
    const calm = signBlob(standby, baseline);
    const calmMs = Date.now() - started;
    assert.equal(calm.status, 0, describeRun('sign-blob', calm));

    const dir = workspace(FAILOVER_FILES);
    // A slow link to the standby: the run lasts long enough for most groups to be sent after the kill.
    const relay = await startLatencyRelay(cluster.nodes[standby] as string, RELAY_DELAY_MS);
    after(() => relay.close());
    started = Date.now();
    const running = spawnCli(['sign-blob', '--role', stack.STACK_ROLE, '--json', 'out/*.bin'], {
      env: cliEnv(onNode(standby), { VAULT_ADDR: relay.address, SPIFFE_VAULT_DEBUG: '1' }),
      cwd: dir,
    });
    // Killed as soon as the first group is signed: the next groups are in flight.
    let killedAt = 0;
    running.child.stderr?.on('data', () => {
      if (killedAt === 0 && /signed \d+ of 2000 file/.test(running.stderr())) {
        killedAt = Date.now() - started;
        process.kill(cluster.pid(killed), 'SIGKILL');
      }
    });
    const r = await running.done;
    const failoverMs = Date.now() - started;
    await cluster.active();
    const electedAt = Date.now() - started;
    const retries = r.stderr.split('\n').filter((line) => / retry \d+ in /.test(line));
    console.log(
      `# 2,000 files: ${calmMs} ms without a failover, ${failoverMs} ms with the active node killed at ` +
        `${killedAt} ms (a new active node by ${electedAt} ms); ${retries.length} retried request(s):\n${retries.map((l) => `#   ${l}`).join('\n')}`,
    );
    assert.equal(r.status, 0, describeRun('sign-blob', r));
    assert.ok(killedAt > 0, 'the active node was killed during the run');
    assert.match(r.stderr, /signed 2000 of 2000 file/);
    assertSignedOnce(dir, r.stdout, await publicKeyOf(standby), FAILOVER_FILES);
    assert.notEqual(await cluster.active(), killed);
    // The revocation at the end may meet the election: the standby's 307 is retried until a node
    // is active, so the token is revoked, not left alive until its TTL.
    assert.doesNotMatch(r.stderr, /could not revoke/, 'the token was not revoked');
  });
});

describe('a node restarted from its data', () => {
  test('keeps the transit key: signatures before and after verify with the same public key', async () => {
    const before = workspace(1);
    const first = signBlob(await cluster.active(), before);
    assert.equal(first.status, 0, describeRun('sign-blob', first));
    const keyBefore = await publicKeyOf(await cluster.active());
    // The node killed in the failover above, or else a standby killed now.
    const node = killedNode ?? ((await cluster.standbys())[0] as number);
    await cluster.kill(node);
    await cluster.restart(node);
    // Read through the restarted node: OpenBao's standbys serve reads from their own copy of the
    // data; Vault's forward them to the active node.
    const keyAfter = await publicKeyOf(node);
    assert.ok(keyAfter.equals(keyBefore), 'the restarted node has the same public key');
    const afterRestart = workspace(1);
    const second = signBlob(node, afterRestart);
    assert.equal(second.status, 0, describeRun('sign-blob', second));
    assertSignedOnce(before, first.stdout, keyAfter, 1);
    assertSignedOnce(afterRestart, second.stdout, keyAfter, 1);
  });
});

describe('a sealed node', () => {
  test('gives VAULT_SEALED at once, without a retry', async () => {
    const sealed = (await cluster.standbys())[0] as number;
    await cluster.seal(sealed);
    const r = signBlob(sealed, workspace(1), { SPIFFE_VAULT_DEBUG: '1' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /VAULT_SEALED/);
    assert.match(r.stderr, /debug: /, 'the debug log is on, so a retry would show');
    assert.doesNotMatch(r.stderr, / retry \d+ in /);
  });
});
