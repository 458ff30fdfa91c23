// `npm run bench -- load`: N action jobs started at once against a 3-node Raft cluster of the
// stack's server (scripts/stack/cluster.sh, started and stopped here), each logging in, signing
// 100 files and revoking in its post step; N = 50, then 200 (`--jobs=50,200` or LOAD_JOBS).
// Reports jobs/s, p50/p95/p99 job time, Vault requests per job, failures, and tokens minted
// against revoked (the cluster's audit log, and its token accessors listed with the root token).
// The peer: the same jobs one after another (LOAD_SEQUENTIAL, default the first N), for the
// speed-up of running them at once. Any failure, or a token minted and not revoked, makes the
// bench exit non-zero.
import { cpus } from 'node:os';
import { RaftCluster } from '../__tests__/helpers/raft-cluster.ts';
import type { StackEnv } from '../__tests__/helpers/stack-env.ts';
import { vaultFetch } from '../__tests__/helpers/vault-admin.ts';
import { tallyVault } from './load-audit.ts';
import { FILES_PER_JOB, runConcurrent, runJob, runSequential, type JobResult } from './load-job.ts';
import { percentile, round } from './measure.ts';

export const DEFAULT_JOB_COUNTS = [50, 200];
const LOAD_ROLE = 'load';
const LOAD_ROLE_TTL = '15m';
const TARGETS = {
  spread: 'the jobs take the three nodes in turn, as behind a load balancer: the standbys forward to the active node',
  active: 'every job is pointed at the active node',
};
type Target = keyof typeof TARGETS;

export interface LoadRound {
  readonly jobs: number;
  readonly mode: 'concurrent' | 'sequential';
  readonly wall_s: number;
  readonly jobs_per_s: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly main_p50_ms: number;
  readonly post_p50_ms: number;
  /** Requests the cluster audited per job; `client_requests_per_job` leaves out the standbys' own tries. */
  readonly requests_per_job: number;
  readonly client_requests_per_job: number;
  readonly requests_per_job_by_path: Readonly<Record<string, number>>;
  readonly error_answers: number;
  readonly error_answers_by_text: Readonly<Record<string, number>>;
  readonly minted: number;
  readonly revoked: number;
  /** Tokens of the round alive at its end, listed with the root token. */
  readonly alive_at_end: number;
  readonly failures: number;
  readonly failure_examples: readonly string[];
}

export async function benchLoad(stackEnv: StackEnv): Promise<Record<string, unknown>> {
  const counts = jobCounts();
  const target = loadTarget();
  const cluster = RaftCluster.start();
  console.error(`[load] raft cluster up in ${cluster.startMs} ms`);
  try {
    const active = cluster.nodes[await cluster.active()] as string;
    const admin: StackEnv = { ...stackEnv, VAULT_ADDR: active, STACK_ADMIN_TOKEN: cluster.rootToken };
    const role = await createLoadRole(admin, stackEnv.STACK_ROLE);
    const stack: StackEnv = { ...stackEnv, STACK_ROLE: role };
    const addresses = target === 'active' ? [active] : cluster.nodes;
    const warmup = await runJob(stack, addresses[0] as string);
    if (warmup.failure) throw new Error(`the warm-up job failed: ${warmup.failure}`);
    const measureRound = async (jobs: number, mode: LoadRound['mode']) => {
      console.error(`[load] ${jobs} jobs, ${mode}…`);
      const started = process.hrtime.bigint();
      const run = () => (mode === 'concurrent' ? runConcurrent : runSequential)(stack, addresses, jobs);
      const { result, tally } = await tallyVault(admin, role, run);
      return summarize(jobs, mode, Number(process.hrtime.bigint() - started) / 1e9, result, tally);
    };
    const sequential = await measureRound(Number(process.env.LOAD_SEQUENTIAL ?? counts[0]), 'sequential');
    const rounds: LoadRound[] = [];
    for (const jobs of counts) rounds.push(await measureRound(jobs, 'concurrent'));
    const all = [sequential, ...rounds];
    printTable(all, sequential);
    const broken = all.filter((r) => r.failures > 0 || r.minted !== r.revoked || r.alive_at_end > 0);
    for (const r of broken) {
      console.error(
        `[load] FAILED: ${r.jobs} jobs ${r.mode}: ${r.failures} failure(s), ${r.minted} token(s) minted, ` +
          `${r.revoked} revoked, ${r.alive_at_end} alive at the end${r.failure_examples.map((f) => `\n  ${f}`).join('')}`,
      );
    }
    if (broken.length > 0) process.exitCode = 1;
    return {
      benchmark: 'load',
      cores: cpus().length,
      files_per_job: FILES_PER_JOB,
      role: `${role}: the stack's role with a ${LOAD_ROLE_TTL} token TTL`,
      cluster: 'OpenBao, 3-node Raft HA on loopback, a file audit device on during each round',
      target: `${target}: ${TARGETS[target]}`,
      peer: `the same jobs one after another (${sequential.jobs} jobs): speed-up = jobs/s at once ÷ jobs/s in sequence`,
      sequential,
      rounds: rounds.map((r) => ({ ...r, speedup: round(r.jobs_per_s / sequential.jobs_per_s, 2) })),
      minted: sum(all, 'minted'),
      revoked: sum(all, 'revoked'),
      failures: sum(all, 'failures'),
      target_check: 'failures 0, minted = revoked, no token of a round alive at its end',
    };
  } finally {
    cluster.stop();
  }
}

/**
 * The stack's role with a CI-like token TTL: its 60 s would let an overloaded job's token expire
 * before the post step revokes it, and minted against revoked would measure the machine instead.
 */
async function createLoadRole(admin: StackEnv, from: string): Promise<string> {
  const read = await vaultFetch(admin, `auth/jwt/role/${from}`);
  if (read.status !== 200) throw new Error(`reading role ${from} answered ${read.status}`);
  const body = { ...(read.body.data as object), token_ttl: LOAD_ROLE_TTL, token_max_ttl: LOAD_ROLE_TTL };
  const written = await vaultFetch(admin, `auth/jwt/role/${LOAD_ROLE}`, { method: 'POST', body });
  if (written.status !== 204 && written.status !== 200) {
    throw new Error(`writing role ${LOAD_ROLE} answered ${written.status}: ${JSON.stringify(written.body)}`);
  }
  return LOAD_ROLE;
}

function summarize(
  jobs: number,
  mode: LoadRound['mode'],
  wallS: number,
  results: readonly JobResult[],
  tally: Awaited<ReturnType<typeof tallyVault>>['tally'],
): LoadRound {
  const times = results.map((r) => r.ms);
  const failed = results.filter((r) => r.failure);
  const perJob = (n: number) => round(n / jobs, 2);
  return {
    jobs,
    mode,
    wall_s: round(wallS, 2),
    jobs_per_s: round(jobs / wallS, 2),
    p50_ms: percentile(times, 0.5),
    p95_ms: percentile(times, 0.95),
    p99_ms: percentile(times, 0.99),
    max_ms: percentile(times, 1),
    main_p50_ms: percentile(
      results.map((r) => r.mainMs),
      0.5,
    ),
    post_p50_ms: percentile(
      results.map((r) => r.postMs),
      0.5,
    ),
    requests_per_job: perJob(tally.requests),
    client_requests_per_job: perJob(tally.requests - tally.standbyTries),
    requests_per_job_by_path: Object.fromEntries(
      Object.entries(tally.requestsByPath).map(([path, n]) => [path, perJob(n)]),
    ),
    error_answers: tally.errorAnswers - tally.standbyTries,
    error_answers_by_text: tally.clientErrors,
    minted: tally.minted,
    revoked: tally.revoked,
    alive_at_end: tally.alive,
    failures: failed.length,
    failure_examples: [...new Set(failed.map((r) => r.failure as string))].slice(0, 5),
  };
}

/** `--jobs=50,200`, else LOAD_JOBS, else the defaults. */
function jobCounts(): number[] {
  const arg = process.argv.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length);
  const raw = arg ?? process.env.LOAD_JOBS;
  if (!raw) return DEFAULT_JOB_COUNTS;
  const counts = raw.split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`job counts must be whole numbers: ${raw}`);
  return counts;
}

function loadTarget(): Target {
  const raw = process.env.LOAD_TARGET ?? 'spread';
  if (!(raw in TARGETS)) throw new Error(`LOAD_TARGET must be ${Object.keys(TARGETS).join(' or ')}: ${raw}`);
  return raw as Target;
}

function sum(rounds: readonly LoadRound[], key: 'minted' | 'revoked' | 'failures'): number {
  return rounds.reduce((total, r) => total + r[key], 0);
}

/** The rounds side by side on stderr. */
function printTable(rounds: readonly LoadRound[], sequential: LoadRound): void {
  const rows: [string, (r: LoadRound) => string | number][] = [
    ['wall time (s)', (r) => r.wall_s],
    ['jobs per second', (r) => r.jobs_per_s],
    ['speed-up vs sequential', (r) => round(r.jobs_per_s / sequential.jobs_per_s, 2)],
    ['job p50 (ms)', (r) => r.p50_ms],
    ['job p95 (ms)', (r) => r.p95_ms],
    ['job p99 (ms)', (r) => r.p99_ms],
    ['job max (ms)', (r) => r.max_ms],
    ['Vault requests per job', (r) => r.client_requests_per_job],
    ['  audited (+ standby)', (r) => r.requests_per_job],
    ['error answers to clients', (r) => r.error_answers],
    ['tokens minted', (r) => r.minted],
    ['tokens revoked', (r) => r.revoked],
    ['tokens alive at end', (r) => r.alive_at_end],
    ['failures', (r) => r.failures],
  ];
  const header = rounds.map((r) => `${r.mode === 'sequential' ? 'seq' : 'N'}=${r.jobs}`.padStart(12)).join('');
  console.error(`${''.padEnd(24)}${header}`);
  for (const [name, value] of rows) {
    console.error(`${name.padEnd(24)}${rounds.map((r) => String(value(r)).padStart(12)).join('')}`);
  }
}
