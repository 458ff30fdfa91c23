// Runs the bundled `spiffe-vault` command line (dist/cli.js) as users do, against the real stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot, run, type RunOptions, type RunResult, type StackEnv } from './stack-env.ts';
import { vaultFetch } from './vault-admin.ts';

export const CLI = join(repoRoot, 'dist', 'cli.js');

/** A clean environment: the stack's Vault and agent, our node and the stack's binaries on PATH. */
export function cliEnv(stack: StackEnv, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: [dirname(process.execPath), stack.STACK_BIN, '/usr/bin', '/bin'].join(':'),
    HOME: mkdtempSync(join(tmpdir(), 'cli-home-')),
    VAULT_ADDR: stack.VAULT_ADDR,
    SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET,
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** `node dist/cli.js ARGS…`, synchronously. */
export function cli(args: readonly string[], opts: RunOptions = {}): RunResult {
  return run(process.execPath, [CLI, ...args], opts);
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  readonly done: Promise<RunResult & { signal: NodeJS.Signals | null }>;
}

/** `node dist/cli.js ARGS…` in the background, to signal it while it runs. */
export function spawnCli(args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd?: string }): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], { env: opts.env, cwd: opts.cwd, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<RunResult & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, stderr: () => stderr, done };
}

/** Waits until `check` holds (polling), or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The content of a file a child writes, once it is there and not empty. */
export async function readWhenWritten(path: string): Promise<string> {
  await waitFor(path, () => existsSync(path) && readFileSync(path, 'utf8').trim() !== '');
  return readFileSync(path, 'utf8').trim();
}

/**
 * A JWT role of its own, a copy of `from`: tokens are told apart by the role in their metadata,
 * so checks for tokens left alive see only this test's, whatever else runs against the stack.
 * `overrides` changes fields of the copy (token_ttl, token_policies…).
 */
export async function copyRole(
  stack: StackEnv,
  from: string,
  overrides: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  const source = await vaultFetch(stack, `auth/jwt/role/${from}`);
  if (source.status !== 200) throw new Error(`reading role ${from} answered ${source.status}`);
  const data = source.body.data as Record<string, unknown>;
  const name = `cli-${from}-${Math.random().toString(36).slice(2, 8)}`;
  const fields = [
    'role_type',
    'bound_audiences',
    'bound_subject',
    'user_claim',
    'token_policies',
    'token_ttl',
    'token_max_ttl',
  ];
  const body = { ...Object.fromEntries(fields.map((field) => [field, data[field]])), ...overrides };
  const written = await vaultFetch(stack, `auth/jwt/role/${name}`, { method: 'POST', body });
  if (written.status !== 204 && written.status !== 200)
    throw new Error(`writing role ${name} answered ${written.status}`);
  return name;
}

export async function deleteRole(stack: StackEnv, role: string): Promise<void> {
  await vaultFetch(stack, `auth/jwt/role/${role}`, { method: 'DELETE' });
}

/** Accessors of the live tokens minted through `role`: those a run left alive. */
export async function liveTokensOfRole(stack: StackEnv, role: string): Promise<string[]> {
  const list = await vaultFetch(stack, 'auth/token/accessors?list=true');
  if (list.status !== 200) throw new Error(`listing token accessors answered ${list.status}`);
  const alive: string[] = [];
  for (const accessor of (list.body.data as { keys: string[] }).keys) {
    const r = await vaultFetch(stack, 'auth/token/lookup-accessor', { method: 'POST', body: { accessor } });
    const meta = (r.body.data as { meta?: Record<string, string> | null } | undefined)?.meta;
    if (r.status === 200 && meta?.role === role) alive.push(accessor);
  }
  return alive;
}

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;

/** No JWT-shaped text and none of `secrets` in `text`. */
export function leaks(text: string, secrets: readonly string[] = []): string[] {
  const found = secrets.filter((secret) => secret && text.includes(secret)).map(() => 'a secret');
  if (JWT.test(text)) found.push('a JWT');
  return found;
}
