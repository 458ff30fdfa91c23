// Vault really killed: a single server (OpenBao or HashiCorp Vault, as the suite runs) with real
// raft storage (cluster.sh --nodes 1), holding the transit key and the JWT role as the stack's dev
// servers do, is SIGKILLed in the middle of a sign-blob run, once the first group is signed. Not
// restarted: the run fails within its --timeout with a coded error, and what it says is signed is
// complete and valid on disk. Restarted from its data: the run completes with the same key, every
// file signed once, the token revoked. Killed during the revocation: said, and true.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, liveTokensOfRole, spawnCli, type RunningCli } from '../helpers/cli-run.ts';
import { startLatencyRelay, type LatencyRelay } from '../helpers/latency-relay.ts';
import { healthStatus, RaftCluster } from '../helpers/raft-cluster.ts';
import { blobWorkspace, checkOutputs } from '../helpers/signed-outputs.ts';
import { describeRun, loadStackEnv, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem, vaultFetch } from '../helpers/vault-admin.ts';

const FILES = 1_000;
// A slow link to the server: groups are still in flight when the first one is written.
const RELAY_DELAY_MS = 200;
/** --timeout of the runs whose server stays dead, and what a process may take beyond it. */
const TIMEOUT_S = 3;
const SLACK_MS = 3_000;
/** How long the restarted server answers "sealed" before it is unsealed. */
const SEALED_MS = 1_500;

let stack: StackEnv;
let cluster: RaftCluster;
/** The stack with the single server's address and root token. */
let server: StackEnv;
let pubPem: string;
before(async () => {
  stack = loadStackEnv();
  cluster = RaftCluster.start({ nodes: 1 });
  console.log(`# single ${stack.STACK_VAULT_NAME} server with raft storage started in ${cluster.startMs} ms`);
  server = { ...stack, VAULT_ADDR: cluster.nodes[0] as string, STACK_ADMIN_TOKEN: cluster.rootToken };
  pubPem = await transitPublicKeyPem(server);
});
after(() => cluster?.stop());

interface KilledRun {
  readonly dir: string;
  readonly running: RunningCli;
  readonly relay: LatencyRelay;
  /** Date.now() when the run was started. */
  readonly started: number;
  /** Resolves with the time (ms after the start) the server was killed. */
  readonly killed: Promise<number>;
}

/** A sign-blob run through a slow relay; the server is SIGKILLed as soon as stderr matches `killOn`. */
async function runAndKill(killOn: RegExp, timeout: string): Promise<KilledRun> {
  const dir = blobWorkspace(FILES);
  const relay = await startLatencyRelay(server.VAULT_ADDR, RELAY_DELAY_MS);
  const started = Date.now();
  const running = spawnCli(
    [
      'sign-blob',
      '--role',
      stack.STACK_ROLE,
      '--timeout',
      timeout,
      '--vault-addr',
      relay.address,
      '--json',
      'out/*.bin',
    ],
    { env: cliEnv(server, { SPIFFE_VAULT_DEBUG: '1' }), cwd: dir },
  );
  const killed = new Promise<number>((resolve) => {
    const onData = () => {
      if (!killOn.test(running.stderr())) return;
      running.child.stderr?.off('data', onData);
      // At once, in this turn: the run must not get further before the server is gone.
      process.kill(cluster.pid(0), 'SIGKILL');
      resolve(Date.now() - started);
    };
    running.child.stderr?.on('data', onData);
  });
  return { dir, running, relay, started, killed };
}

const FIRST_GROUP = new RegExp(`signed \\d+ of ${FILES} file`);

/** The "signed N of M" counts, in order. */
function progress(stderr: string): number[] {
  return [...stderr.matchAll(new RegExp(`signed (\\d+) of ${FILES} file`, 'g'))].map((m) => Number(m[1]));
}

/** The run for an assertion message, without the debug line of each file signed. */
function described(r: RunResult): string {
  const stderr = r.stderr
    .split('\n')
    .filter((line) => !line.includes('debug: signed /'))
    .join('\n');
  return describeRun('sign-blob', { ...r, stderr });
}

/** After a test: the server running again (restarted if it is down), no token of the role alive. */
async function serveAgain(): Promise<void> {
  if ((await healthStatus(server.VAULT_ADDR)) === 0) await cluster.restart(0);
  for (const accessor of await liveTokensOfRole(server, stack.STACK_ROLE))
    await vaultFetch(server, 'auth/token/revoke-accessor', { method: 'POST', body: { accessor } });
}

function retries(stderr: string): number {
  return stderr.split('\n').filter((line) => / retry \d+ in /.test(line)).length;
}

describe(`a single server SIGKILLed after the first group of a ${FILES}-file sign-blob run`, () => {
  test('restarted from its data, sealed for a while, then unsealed: the run completes, same key, each file signed once, token revoked', async () => {
    const run = await runAndKill(FIRST_GROUP, '30s');
    try {
      const killedAt = await run.killed;
      const restartStart = Date.now();
      await cluster.restart(0, { sealedMs: SEALED_MS });
      const restartMs = Date.now() - restartStart;
      const r = await run.running.done;
      console.log(
        `# killed at ${killedAt} ms, serving again ${restartMs} ms later (${SEALED_MS} ms of it sealed); ` +
          `${retries(r.stderr)} retried request(s)`,
      );
      assert.equal(r.status, 0, described(r));
      assert.match(r.stderr, /failed \(ECONNRESET|failed \(ECONNREFUSED/, 'the run met the dead server');
      assert.match(r.stderr, /failed \(503 Vault is sealed\); retry/, 'and retried while it was sealed');
      const counts = progress(r.stderr);
      assert.ok(counts.length > 1 && (counts[0] as number) < FILES, `killed after ${counts[0]} of ${FILES}`);
      assert.ok(
        counts.every((n, i) => i === 0 || n > (counts[i - 1] as number)),
        `each group written once: ${counts.join(', ')}`,
      );
      assert.equal(counts.at(-1), FILES);
      const listed = (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
      assert.equal(listed.length, FILES);
      assert.equal(new Set(listed).size, FILES, 'each file listed once');
      const out = join(run.dir, 'out');
      // Verified with the key read before the kill: the restarted server signed with the same key.
      const outputs = checkOutputs(out, { filesDir: out, publicKeyPem: pubPem, bundles: true });
      assert.deepEqual(outputs.problems, []);
      assert.equal(outputs.signatures, FILES);
      assert.equal(await transitPublicKeyPem(server), pubPem, 'the same public key after the restart');
      assert.doesNotMatch(r.stderr, /could not revoke/);
      assert.deepEqual(await liveTokensOfRole(server, stack.STACK_ROLE), [], 'no live token of the role');
    } finally {
      await run.relay.close();
      await serveAgain();
    }
  });

  test('killed during the revocation: the signatures are complete, the failure is said within --timeout, the token is alive', async () => {
    const run = await runAndKill(new RegExp(`signed ${FILES} of ${FILES} file`), `${TIMEOUT_S}s`);
    try {
      const killedAt = await run.killed;
      const r = await run.running.done;
      const exitAt = Date.now() - run.started;
      assert.equal(r.status, 0, described(r));
      // The revocation retries for --timeout at most, not REVOKE_DEADLINE_MS (15 s).
      assert.ok(exitAt - killedAt < TIMEOUT_S * 1000 + SLACK_MS, `exited ${exitAt - killedAt} ms after the kill`);
      const out = join(run.dir, 'out');
      const outputs = checkOutputs(out, { filesDir: out, publicKeyPem: pubPem, bundles: true });
      assert.deepEqual(outputs.problems, []);
      assert.equal(outputs.signatures, FILES);
      assert.match(r.stderr, /could not revoke the Vault token/);
      await cluster.restart(0);
      // What it said is true: the token is still alive (until its TTL).
      assert.equal((await liveTokensOfRole(server, stack.STACK_ROLE)).length, 1);
    } finally {
      await run.relay.close();
      await serveAgain();
    }
  });

  test('not restarted: a coded error within --timeout, what is claimed signed is on disk and valid, the revocation failure said', async () => {
    const run = await runAndKill(FIRST_GROUP, `${TIMEOUT_S}s`);
    try {
      const killedAt = await run.killed;
      const r = await run.running.done;
      const exitAt = Date.now() - run.started;
      assert.equal(r.status, 1, described(r));
      // Signing gives up --timeout after its request was first sent, the revocation --timeout later.
      assert.ok(exitAt - killedAt < 2 * TIMEOUT_S * 1000 + SLACK_MS, `exited ${exitAt - killedAt} ms after the kill`);
      const error = /^spiffe-vault: error \[(\w+)\]: (.*)$/m.exec(r.stderr);
      assert.ok(error, r.stderr);
      assert.equal(error[1], 'TRANSIT_SIGN_FAILED');
      assert.match(error[2] as string, /Vault did not answer/);
      const claimed = Number(new RegExp(`(\\d+) of ${FILES} files were signed`).exec(error[2] as string)?.[1]);
      const out = join(run.dir, 'out');
      const outputs = checkOutputs(out, { filesDir: out, publicKeyPem: pubPem, bundles: true });
      assert.deepEqual(outputs.problems, []);
      assert.equal(outputs.signatures, claimed, 'what is reported signed is what is on disk');
      assert.ok(claimed > 0 && claimed < FILES, `${claimed} signed`);
      assert.match(r.stderr, /could not revoke the Vault token/);
      console.log(`# killed at ${killedAt} ms, exited ${exitAt - killedAt} ms later; ${claimed} of ${FILES} signed`);
    } finally {
      await run.relay.close();
      await serveAgain();
    }
  });
});
