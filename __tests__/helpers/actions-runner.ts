// Runs a bundled action entry (dist/main.js, dist/post.js) the way the GitHub Actions runner
// does: inputs as INPUT_* variables, the GITHUB_ENV/OUTPUT/STATE/STEP_SUMMARY files, workflow
// commands read from stdout, and the saved state handed to the post step as STATE_* variables.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StepResult {
  readonly status: number | null;
  /** The signal that ended the step, when one did. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Values from `::add-mask::` commands, in order. */
  readonly masks: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  readonly state: Readonly<Record<string, string>>;
  readonly summary: string;
  /** Everything the step wrote anywhere, for leak checks. */
  readonly everything: string;
}

export class ActionsRunner {
  readonly dir = mkdtempSync(join(tmpdir(), 'runner-'));
  private state: Record<string, string> = {};
  private readonly baseEnv: Readonly<Record<string, string>>;

  constructor(baseEnv: Readonly<Record<string, string>> = {}) {
    this.baseEnv = baseEnv;
  }

  async runStep(
    script: string,
    inputs: Readonly<Record<string, string>>,
    extraEnv: Readonly<Record<string, string>> = {},
    /** Gets the step's process as soon as it runs (to signal it mid-run). */
    onStarted?: (child: ChildProcess) => void,
  ): Promise<StepResult> {
    const files = Object.fromEntries(
      ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map((name) => {
        const file = join(this.dir, `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
        writeFileSync(file, '');
        return [name, file];
      }),
    ) as Record<string, string>;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      RUNNER_TEMP: this.dir,
      ...this.baseEnv,
      ...files,
      ...Object.fromEntries(Object.entries(this.state).map(([k, v]) => [`STATE_${k}`, v])),
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])),
      ...extraEnv,
    };
    const started = Date.now();
    const { status, signal, stdout, stderr } = await spawnCollect(process.execPath, [script], env, onStarted);
    const durationMs = Date.now() - started;
    const read = (name: string) => readFileSync(files[name] as string, 'utf8');
    const state = parseFileCommands(read('GITHUB_STATE'));
    this.state = { ...this.state, ...state };
    const raw = [stdout, stderr, ...Object.keys(files).map(read)].join('\n');
    return {
      status,
      signal,
      stdout,
      stderr,
      durationMs,
      masks: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] as string),
      env: parseFileCommands(read('GITHUB_ENV')),
      outputs: parseFileCommands(read('GITHUB_OUTPUT')),
      state,
      summary: read('GITHUB_STEP_SUMMARY'),
      everything: raw,
    };
  }
}

/** Parses `NAME<<DELIM\nVALUE\nDELIM` (and `NAME=VALUE`) lines, as the runner does. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
      result[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      result[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return result;
}

function spawnCollect(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  onStarted?: (child: ChildProcess) => void,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    onStarted?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
