/**
 * `spiffe-vault proxy --background`: starts the proxy as a detached process of its own, waits
 * until it serves, and prints the shell exports that point later commands at it. The proxy's
 * log goes to a file (a detached process must not hold the caller's stdout or stderr open:
 * `$(…)` and CI job logs would wait for it).
 */
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { readReadyFile, readyOrEnded } from '../core/proxy/ready.ts';
import { baoTwins, proxyClientEnvironment } from '../core/vault/environment.ts';
import { shellQuote } from './args.ts';
import type { CommandContext } from './command.ts';
import { CliError } from './errors.ts';

export interface BackgroundOptions {
  /** The proxy command's flags as given (`--background` is dropped from them). */
  readonly flagArgs: readonly string[];
  /** The user's --ready-file, or '' for one of our own. */
  readonly readyFile: string;
  readonly transitPath: string;
  /** Longest wait for the first login and the socket. */
  readonly startTimeoutMs: number;
}

export async function startInBackground(ctx: CommandContext, options: BackgroundOptions): Promise<number> {
  const { spawn } = await import('node:child_process');
  const dir = logFolder(ctx.env.TMPDIR || tmpdir());
  const readyFile = options.readyFile || join(dir, 'ready.json');
  const logFile = join(dir, 'proxy.log');
  rmSync(readyFile, { force: true });
  const log = openSync(logFile, 'a', 0o600);
  const args = options.flagArgs.filter((arg) => !/^--?background(=.*)?$/.test(arg));
  if (!options.readyFile) args.push('--ready-file', readyFile);
  const script = process.argv[1] as string;
  const child = spawn(process.execPath, [...process.execArgv, script, 'proxy', ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', log],
    env: ctx.env,
    cwd: ctx.cwd,
  });
  closeSync(log);
  const outcome = await readyOrEnded(child, readyFile, options.startTimeoutMs);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') child.kill('SIGTERM');
    process.stderr.write(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    throw new CliError(
      'PROXY_START_FAILED',
      outcome === 'timeout'
        ? `the proxy did not serve within ${options.startTimeoutMs / 1000} s (its log is above and in ${logFile})`
        : `the proxy stopped before it served (exit ${outcome}; its log is above and in ${logFile})`,
    );
  }
  child.unref();
  const { vaultAddr, pid } = readReadyFile(readyFile);
  const ours = proxyClientEnvironment(vaultAddr, { transitPath: options.transitPath });
  const exports = {
    ...ours,
    ...baoTwins(ctx.env, ours),
    SPIFFE_VAULT_PROXY_PID: String(pid),
    SPIFFE_VAULT_PROXY_LOG: logFile,
  };
  ctx.out(
    Object.entries(exports)
      .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
      .join(''),
  );
  ctx.logger.info(`Vault proxy serving at ${vaultAddr} (pid ${pid}, log ${logFile}); stop it with: kill ${pid}`);
  return 0;
}

/** A new private folder for the log (and the ready file, unless the user gave one). */
function logFolder(tempDir: string): string {
  try {
    const dir = mkdtempSync(join(tempDir, 'spiffe-vault-proxy-'));
    chmodSync(dir, 0o700);
    return dir;
  } catch (error: unknown) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(
      `cannot create the proxy's log folder in ${tempDir} (${reason}) — point TMPDIR at a writable folder`,
    );
  }
}
