// The OpenBao 3-node Raft HA cluster of scripts/stack/cluster.sh, for the tests: start it next to
// the stack, find the active node and the standbys, kill, restart and seal nodes, stop it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRun, repoRoot, run } from './stack-env.ts';

const SCRIPT = join(repoRoot, 'scripts', 'stack', 'cluster.sh');
export const NODE_COUNT = 3;

/** sys/health's answer: 200 active, 429 standby, 503 sealed; 0 when nothing answers. */
export async function healthStatus(address: string): Promise<number> {
  try {
    const response = await fetch(`${address}/v1/sys/health`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

export class RaftCluster {
  /** Node addresses (http://127.0.0.1:PORT), by index. */
  readonly nodes: readonly string[];
  readonly rootToken: string;
  /** How long `cluster.sh start` took, in ms. */
  readonly startMs: number;

  readonly dir: string;

  private constructor(dir: string, startMs: number) {
    this.dir = dir;
    const env = readEnv(join(dir, 'env'));
    this.nodes = Array.from({ length: NODE_COUNT }, (_, i) => env[`CLUSTER_NODE${i}_ADDR`] as string);
    this.rootToken = readFileSync(env.CLUSTER_ROOT_TOKEN_FILE as string, 'utf8').trim();
    this.startMs = startMs;
  }

  /** Starts a cluster in a fresh directory (the stack in STACK_ENV_FILE gives binaries and JWT config). */
  static start(): RaftCluster {
    const parent = mkdtempSync(join(tmpdir(), 'raft-'));
    const dir = join(parent, 'cluster');
    const started = Date.now();
    const r = run('bash', [SCRIPT, 'start', dir], { timeoutMs: 60_000 });
    if (r.status !== 0) {
      rmSync(parent, { recursive: true, force: true });
      throw new Error(describeRun('cluster.sh start', r));
    }
    return new RaftCluster(dir, Date.now() - started);
  }

  stop(): void {
    run('bash', [SCRIPT, 'stop', this.dir]);
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }

  /** SIGKILL node `index` (its data stays). */
  kill(index: number): void {
    this.script('kill', index);
  }

  /** Starts node `index` again from its data and unseals it. */
  restart(index: number): void {
    this.script('restart', index);
  }

  seal(index: number): void {
    this.script('seal', index);
  }

  /** The pid of node `index`'s server process. */
  pid(index: number): number {
    return Number(readEnv(join(this.dir, 'env'))[`CLUSTER_PID_NODE${index}`]);
  }

  /** Index of the active node, waiting up to `timeoutMs` for one (after a failover). */
  async active(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await Promise.all(this.nodes.map(healthStatus));
      const index = statuses.indexOf(200);
      if (index >= 0) return index;
      if (Date.now() > deadline) throw new Error(`no active node (sys/health: ${statuses.join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Indexes of the nodes that answer as unsealed standbys now. */
  async standbys(): Promise<number[]> {
    const statuses = await Promise.all(this.nodes.map(healthStatus));
    return statuses.flatMap((status, i) => (status === 429 ? [i] : []));
  }

  private script(command: string, index: number): void {
    const r = run('bash', [SCRIPT, command, String(index), this.dir], { timeoutMs: 60_000 });
    if (r.status !== 0) throw new Error(describeRun(`cluster.sh ${command} ${index}`, r));
  }
}

function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
