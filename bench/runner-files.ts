// The Actions runner's file commands (GITHUB_ENV, GITHUB_OUTPUT, ...) for a timed run of our
// bundle, created empty, and what the run wrote into them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionInputs } from '../__tests__/helpers/action-inputs.ts';
import { parseFileCommands } from '../__tests__/helpers/actions-runner.ts';
import type { StackEnv } from '../__tests__/helpers/stack-env.ts';

const NAMES = ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'] as const;

export interface RunnerFiles {
  /** The variables to put in the run's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Empties the files before the next run. */
  reset(): void;
  /** The environment of one run of the action bundle: the runner's variables and the inputs. */
  actionEnv(stack: StackEnv, inputs?: Readonly<Record<string, string>>): Record<string, string>;
  /** What the run wrote to GITHUB_ENV or GITHUB_OUTPUT. */
  read(name: 'GITHUB_ENV' | 'GITHUB_OUTPUT'): Record<string, string>;
}

export function runnerFiles(dir: string): RunnerFiles {
  const env = Object.fromEntries(NAMES.map((name) => [name, join(dir, name)]));
  const reset = () => {
    for (const file of Object.values(env)) writeFileSync(file, '');
  };
  reset();
  const actionEnv = (stack: StackEnv, inputs: Readonly<Record<string, string>> = {}) => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    ...env,
    ...Object.fromEntries(Object.entries(actionInputs(stack, inputs)).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  return { env, reset, actionEnv, read: (name) => parseFileCommands(readFileSync(env[name] as string, 'utf8')) };
}
