/**
 * `proxy: true`, main step side: starts the job-local Vault proxy (dist/proxy.js) as a process of
 * its own that outlives the step, waits until it serves, and records its pid for the post step.
 * Its log goes to a file: a detached process must not hold the step's stdout open.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { readReadyFile, readyOrEnded } from '../core/proxy/ready.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../core/errors.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';
import type { SavedProxy } from './state.ts';

/** Tells dist/proxy.js where to say that it serves. */
export const READY_FILE_VARIABLE = 'SPIFFE_VAULT_PROXY_READY_FILE';
export const PROXY_LOG_NAME = 'proxy.log';

/** `proxy: true`: the proxy process ended, or did not serve in time, before it was ready. */
export const PROXY_START_ERROR_CODES = ['PROXY_START_FAILED'] as const;
export class ProxyStartError extends CodedError<(typeof PROXY_START_ERROR_CODES)[number]> {}

export interface StartedProxy extends SavedProxy {
  /** As clients write VAULT_ADDR: `unix:///…/vault.sock` or `http://127.0.0.1:PORT`. */
  readonly vaultAddr: string;
}

export async function startActionProxy(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  /** dist/proxy.js */
  readonly script: string;
  readonly workspace: string;
  /** Called with the pid as soon as the process exists, before it serves. */
  readonly onStarted: (proxy: SavedProxy) => void;
}): Promise<StartedProxy> {
  const { runner, config } = options;
  const parent = runner.env.RUNNER_TEMP || tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(parent, 'spiffe-vault-proxy-run-'));
    chmodSync(dir, 0o700);
  } catch (error: unknown) {
    throw new ProxyStartError(
      'PROXY_START_FAILED',
      `cannot create the Vault proxy's folder in ${parent} (${(error as NodeJS.ErrnoException).code ?? String(error)}) — the runner's RUNNER_TEMP must be a writable folder`,
    );
  }
  const readyFile = join(dir, 'ready.json');
  const logFile = join(dir, PROXY_LOG_NAME);
  const log = openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, [options.script], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...runner.env, [READY_FILE_VARIABLE]: readyFile },
    cwd: options.workspace,
  });
  closeSync(log);
  if (child.pid !== undefined) options.onStarted({ pid: child.pid, dir });
  const timeoutMs = 2 * config.connection.timeoutMs + 10_000;
  const outcome = await readyOrEnded(child, readyFile, timeoutMs);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') child.kill('SIGTERM');
    const why = lastError(logFile);
    throw new ProxyStartError(
      'PROXY_START_FAILED',
      outcome === 'timeout'
        ? `the Vault proxy did not serve within ${timeoutMs / 1000} s${why}`
        : `the Vault proxy stopped before it served (exit ${outcome})${why}`,
    );
  }
  child.unref();
  const { vaultAddr, pid } = readReadyFile(readyFile);
  return { vaultAddr, pid, dir };
}

/** The proxy's error line (its log is redacted as it is written), to repeat in the step's error. */
function lastError(logFile: string): string {
  const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
  const error = lines.reverse().find((line) => line.includes('spiffe-vault: error '));
  return error
    ? `: ${error.slice(error.indexOf('spiffe-vault: error ') + 'spiffe-vault: error '.length).replace(/^(\[\w+\]):/, '$1')}`
    : '';
}
