// One job of the load benchmark: a workspace of small files, the action's main step (login and
// sign-blobs) then its post step (revocation), each a node process started as the runner starts
// it (__tests__/helpers/actions-runner.ts), with the state main saved handed to post.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionInputs } from '../__tests__/helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../__tests__/helpers/actions-runner.ts';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');
export const FILES_PER_JOB = 100;
/** A step still running after this long is killed, and its job counted as failed. */
export const STEP_TIMEOUT_MS = 300_000;

export interface JobResult {
  /** Wall time of main + post, in ms (the time between them is the runner's, not counted). */
  readonly ms: number;
  readonly mainMs: number;
  readonly postMs: number;
  /** Why the job failed: a step's non-zero exit or signal, or a token the post step could not revoke. */
  readonly failure?: string;
}

/** Runs one job against `vaultAddr`; never throws (a failure is in the result). */
export async function runJob(stack: StackEnv, vaultAddr: string): Promise<JobResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  let runner: ActionsRunner | undefined;
  try {
    mkdirSync(join(dir, 'out'));
    for (let i = 0; i < FILES_PER_JOB; i++) writeFileSync(join(dir, 'out', `file-${i}.txt`), `file ${i} of ${dir}\n`);
    runner = new ActionsRunner({ HOME: dir });
    const inputs = actionInputs({ ...stack, VAULT_ADDR: vaultAddr }, { 'sign-blobs': 'out/*.txt' });
    const env = { GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir };
    const main = await runStep(runner, MAIN, inputs, env);
    const post = main.status === 0 ? await runStep(runner, POST, inputs, env) : undefined;
    const failure = stepFailure('main', main) ?? (post ? postFailure(post) : undefined);
    return {
      ms: main.durationMs + (post?.durationMs ?? 0),
      mainMs: main.durationMs,
      postMs: post?.durationMs ?? 0,
      ...(failure ? { failure } : {}),
    };
  } catch (error: unknown) {
    return { ms: 0, mainMs: 0, postMs: 0, failure: `the job could not run: ${String(error)}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (runner) rmSync(runner.dir, { recursive: true, force: true });
  }
}

function runStep(
  runner: ActionsRunner,
  script: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<StepResult> {
  let timer: NodeJS.Timeout | undefined;
  const killLater = (child: ChildProcess) => {
    timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
  };
  return runner.runStep(script, inputs, env, killLater).finally(() => clearTimeout(timer));
}

function stepFailure(name: string, step: StepResult): string | undefined {
  if (step.status === 0) return undefined;
  const how = step.signal ? `signal ${step.signal}` : `exit ${step.status}`;
  const error = /^::error[^:]*::(.*)$/m.exec(step.stdout)?.[1] ?? step.stderr.trim().split('\n').at(-1) ?? '';
  return `${name}: ${how}: ${error.slice(0, 300)}`;
}

/** The post step exits 0 when it cannot revoke (a warning): that is a failure here. */
function postFailure(post: StepResult): string | undefined {
  const failed = stepFailure('post', post);
  if (failed) return failed;
  const warning = /^::warning[^:]*::(.*(?:could not revoke|stay valid until).*)$/m.exec(post.stdout)?.[1];
  if (warning) return `post: ${warning.slice(0, 300)}`;
  if (/already expired/.test(post.stdout))
    return 'post: the token expired before the post step (the job outlived its TTL)';
  if (!/Revoked the Vault token/.test(post.stdout)) return 'post: no token revoked';
  return undefined;
}

/** All `count` jobs started at once, the addresses taken in turn; results in job order. */
export function runConcurrent(stack: StackEnv, addresses: readonly string[], count: number): Promise<JobResult[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => runJob(stack, addresses[i % addresses.length] as string)));
}

/** The same jobs one after another. */
export async function runSequential(
  stack: StackEnv,
  addresses: readonly string[],
  count: number,
): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (let i = 0; i < count; i++) results.push(await runJob(stack, addresses[i % addresses.length] as string));
  return results;
}
