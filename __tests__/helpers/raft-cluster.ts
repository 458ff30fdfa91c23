// The Raft cluster of scripts/stack/cluster.sh (3 nodes, or 1: a single server with real storage)
// of the server the tests run against, OpenBao or HashiCorp Vault, for the tests: start it next to
// the stack, find the active node and the standbys, kill, restart and seal nodes, stop it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRun, repoRoot, run, selectedVaultServer, type RunResult, type VaultServer } from './stack-env.ts';

const SCRIPT = join(repoRoot, 'scripts', 'stack', 'cluster.sh');
export const NODE_COUNT = 3;

export interface ClusterOptions {
  /** 3 (HA: one active node, two standbys), the default, or 1. */
  readonly nodes?: 1 | 3;
  /** Default: the one STACK_VAULT chooses. */
  readonly server?: VaultServer;
}

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
  readonly server: VaultServer;

  private constructor(dir: string, startMs: number) {
    this.dir = dir;
    const env = readEnv(join(dir, 'env'));
    this.server = env.CLUSTER_SERVER as VaultServer;
    this.nodes = Array.from({ length: Number(env.CLUSTER_NODES) }, (_, i) => env[`CLUSTER_NODE${i}_ADDR`] as string);
    this.rootToken = readFileSync(env.CLUSTER_ROOT_TOKEN_FILE as string, 'utf8').trim();
    this.startMs = startMs;
  }

  /** Starts a cluster in a fresh directory (the stack in STACK_ENV_FILE gives binaries and JWT config). */
  static start(options: ClusterOptions = {}): RaftCluster {
    const parent = mkdtempSync(join(tmpdir(), 'raft-'));
    const dir = join(parent, 'cluster');
    const started = Date.now();
    const env = { ...process.env, STACK_VAULT: options.server ?? selectedVaultServer() };
    const args = [SCRIPT, 'start', '--nodes', String(options.nodes ?? NODE_COUNT), dir];
    const r = run('bash', args, { env, timeoutMs: 60_000 });
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
  kill(index: number): Promise<void> {
    return this.script('kill', index);
  }

  /**
   * Starts node `index` again from its data and unseals it; with `sealedMs`, it serves sealed for
   * that long first (as a restarted server does until an operator, or its auto-unseal, unseals it).
   */
  async restart(index: number, options: { sealedMs?: number } = {}): Promise<void> {
    if (!options.sealedMs) return this.script('restart', index);
    await this.script('boot', index);
    await new Promise((resolve) => setTimeout(resolve, options.sealedMs));
    await this.script('unseal', index);
  }

  /** Seals node `index` (a Vault standby, which cannot seal, is restarted and left sealed). */
  seal(index: number): Promise<void> {
    return this.script('seal', index);
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

  // Asynchronous: the event loop keeps running meanwhile (a CLI run's output is read, sockets to a
  // killed node are seen closed before a request would reuse them).
  private async script(command: string, index: number): Promise<void> {
    const r = await runAsync('bash', [SCRIPT, command, String(index), this.dir], { timeoutMs: 60_000 });
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

function runAsync(cmd: string, args: readonly string[], opts: { timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: opts.timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
