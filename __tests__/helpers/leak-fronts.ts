// The leak matrix's fronts: the action's bundles run as the Actions runner runs them, and the
// CLI run as users do, each in a scenario folder of its own, turned into the places a leak scan
// searches, with the rule (and its reason) that lets a place hold a secret.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ActionsRunner, type StepResult } from './actions-runner.ts';
import { CLI, cliEnv, spawnCli } from './cli-run.ts';
import { filesUnder } from './leak-capture.ts';
import {
  CHILD_BEGIN,
  CHILD_END,
  childOutput,
  fileCommandValue,
  maskCommand,
  maskedValues,
  tokenOnLines,
  type Place,
} from './leak-scan.ts';
import { repoRoot, type StackEnv } from './stack-env.ts';

export const MAIN = join(repoRoot, 'dist', 'main.js');
export const POST = join(repoRoot, 'dist', 'post.js');

/** A scenario's own folders: everything a run may write lands in one of them. */
export interface ScenarioDirs {
  readonly root: string;
  readonly workspace: string;
  readonly home: string;
  readonly tmp: string;
  /** The probe command (`sh PROBE ARGS_FILE EXIT_CODE`) and where it writes its and its parent's arguments. */
  readonly probe: string;
  readonly probeArgs: string;
}

export function scenarioDirs(): ScenarioDirs {
  const root = mkdtempSync(join(tmpdir(), 'leak-matrix-'));
  const [workspace, home, tmp, probeDir] = ['workspace', 'home', 'tmp', 'probe'].map((name) => {
    mkdirSync(join(root, name), { mode: 0o700 });
    return join(root, name);
  }) as [string, string, string, string];
  const probe = join(probeDir, 'child.sh');
  // The child prints its arguments and environment (the token is in it, on purpose) between
  // markers, and writes its own and its parent's arguments (what `ps` shows) to a file.
  writeFileSync(
    probe,
    [
      'args_file=$1',
      `{ tr '\\0' ' ' < /proc/$$/cmdline; echo; tr '\\0' ' ' < /proc/$PPID/cmdline; echo; } > "$args_file"`,
      `echo '${CHILD_BEGIN}'`,
      'echo "args: $*"',
      'env',
      `echo '${CHILD_END}'`,
      'exit "${2:-0}"',
      '',
    ].join('\n'),
  );
  chmodSync(probe, 0o700);
  writeFileSync(join(workspace, 'artifact.txt'), `built ${Date.now()}\n`);
  writeFileSync(join(workspace, 'sbom.spdx.json'), JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
  return { root, workspace, home, tmp, probe, probeArgs: join(probeDir, 'args.txt') };
}

/** What the probe child saw of process arguments, if it ran. */
function probePlaces(dirs: ScenarioDirs): Place[] {
  try {
    return [{ name: 'child process arguments (the probe and its parent)', text: readFileSync(dirs.probeArgs, 'utf8') }];
  } catch {
    return [];
  }
}

export interface ActionStep {
  readonly script: typeof MAIN | typeof POST;
  readonly inputs: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs the steps in order with one runner (state flows from main to post); `between` runs after each. */
export async function runActionSteps(
  dirs: ScenarioDirs,
  steps: readonly ActionStep[],
  between: (step: StepResult, index: number) => Promise<void> = async () => undefined,
): Promise<{ results: StepResult[]; runner: ActionsRunner }> {
  const runner = new ActionsRunner({ HOME: dirs.home, TMPDIR: dirs.tmp, GITHUB_WORKSPACE: dirs.workspace });
  const results: StepResult[] = [];
  for (const [index, step] of steps.entries()) {
    const result = await runner.runStep(step.script, step.inputs, step.env);
    results.push(result);
    await between(result, index);
  }
  return { results, runner };
}

/** Everything the action's steps produced, each place with what it may hold and why. */
export function actionPlaces(
  dirs: ScenarioDirs,
  run: { results: readonly StepResult[]; runner: ActionsRunner },
  options: {
    /** What the main step's inputs hand out: the exported token, the token output, the token to `run`. */
    readonly exportToken: boolean;
    readonly outputToken: boolean;
    readonly runGetsToken: boolean;
    readonly extraFiles?: readonly Place[];
  },
): Place[] {
  const masked = new Set(run.results.flatMap((r) => [...maskedValues(r.stdout)]));
  // The run command's output: it prints its environment on purpose; the runner masks the token
  // there because its add-mask line came first (checked per occurrence).
  const child = options.runGetsToken
    ? [childOutput('the run command prints its own environment; masked by the runner', true)]
    : [];
  const places: Place[] = run.results.flatMap((result, index) => {
    const step = `step ${index + 1} (${index === 0 ? 'main' : 'post'})`;
    return [
      { name: `${step} stdout`, text: result.stdout, allowances: [...child, maskCommand] },
      { name: `${step} stderr`, text: result.stderr, allowances: child },
      ...result.stdout
        .split('\n')
        .filter((line) => /^::(error|warning)::/.test(line))
        .map((text) => ({ name: `${step} error message`, text })),
    ];
  });
  for (const file of filesUnder({ RUNNER_TEMP: run.runner.dir })) {
    const kind = /^file RUNNER_TEMP\/(github_env|github_output|github_state|github_step_summary)-/.exec(file.name)?.[1];
    if (kind === 'github_env') {
      // export-token: VAULT_TOKEN is handed to later steps by design, after it was masked.
      places.push({
        ...file,
        name: 'GITHUB_ENV',
        allowances: options.exportToken ? [fileCommandValue('export-token', ['VAULT_TOKEN'], masked)] : [],
      });
    } else if (kind === 'github_output') {
      // output-token: true asks for the token as an output; masked, and only then. The runner
      // reads GITHUB_OUTPUT (and GITHUB_ENV) when the step has ended, after every add-mask line
      // the step printed: a mask printed during the step comes first.
      const allowed = options.outputToken ? [fileCommandValue('output-token', ['token'], masked)] : [];
      places.push({ ...file, name: 'GITHUB_OUTPUT', allowances: allowed });
    } else if (kind === 'github_state') {
      // The post step revokes the tokens it finds in the state; the runner never prints state.
      places.push({
        ...file,
        name: 'GITHUB_STATE',
        allowances: [fileCommandValue('post step', ['spiffe-vault'], masked)],
      });
    } else if (kind === 'github_step_summary') {
      places.push({ ...file, name: 'step summary' });
    } else places.push(file);
  }
  places.push(...filesUnder({ workspace: dirs.workspace, HOME: dirs.home, TMPDIR: dirs.tmp }));
  places.push(...probePlaces(dirs), ...(options.extraFiles ?? []));
  return places;
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

/** `spiffe-vault ARGS…` in the scenario's folders; `whileRunning` sees the process (e.g. its arguments). */
export async function runCli(
  stack: StackEnv,
  dirs: ScenarioDirs,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliRun> {
  const running = spawnCli(args, {
    env: cliEnv(stack, { HOME: dirs.home, TMPDIR: dirs.tmp, ...env }),
    cwd: dirs.workspace,
  });
  const done = await running.done;
  return { status: done.status, stdout: done.stdout, stderr: done.stderr, pid: running.child.pid ?? 0 };
}

/** How the CLI's stdout may hold the token: not at all, as `auth`'s eval lines, or as the exec child's output. */
export type CliStdout = 'no secret' | 'auth exports' | 'auth json' | 'exec child';

export function cliPlaces(dirs: ScenarioDirs, run: CliRun, stdout: CliStdout, extra: readonly Place[] = []): Place[] {
  const allowances = {
    'no secret': [],
    // `eval "$(spiffe-vault auth)"`: the export line is the command's result, for the shell.
    'auth exports': [tokenOnLines('auth prints the token for eval', /^export VAULT_TOKEN='[^']*'$/)],
    // `auth --json`: the token fields are the result, for the program that reads it.
    'auth json': [tokenOnLines('auth --json returns the token', /^\s*"(token|VAULT_TOKEN)": "[^"]*",?$/)],
    // exec: stdout is the command's alone, and the probe prints the environment it was given.
    'exec child': [childOutput('the command prints its own environment')],
  }[stdout];
  return [
    { name: 'stdout', text: run.stdout, allowances },
    { name: 'stderr', text: run.stderr },
    ...run.stderr
      .split('\n')
      .filter((line) => /error|warning/i.test(line))
      .map((text) => ({ name: 'error message', text })),
    ...filesUnder({ workspace: dirs.workspace, HOME: dirs.home, TMPDIR: dirs.tmp }),
    ...probePlaces(dirs),
    ...extra,
  ];
}

export const cliScript = basename(CLI);
