/**
 * Runs the command of `exec` and `proxy -- CMD`: no shell, stdio inherited, stop signals
 * forwarded, and a grace period after a signal after which the caller withdraws Vault access
 * (revokes the token, stops the proxy) even if the command still runs.
 */
import { CliError } from './errors.ts';
import type { RedactingLogger } from './logger.ts';
import { signalExitCode, type TerminationWatch } from './signals.ts';

export interface ChildOptions {
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly watch: TerminationWatch;
  readonly logger: RedactingLogger;
  readonly graceMs: number;
  /** Called once when the command still runs `graceMs` after a stop signal. */
  readonly onGraceExpired: (signal: NodeJS.Signals) => void;
}

/** The command's exit status: its code, 128+N for death by signal N, 127/126 when it cannot start. */
export async function runChild(options: ChildOptions): Promise<number> {
  const { command, env, watch, logger } = options;
  // Loaded here, not at start-up: child_process is only needed once Vault access is ready.
  const { spawn } = await import('node:child_process');
  let graceTimer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<number>((resolve) => {
      const child = spawn(command[0] as string, command.slice(1), { stdio: 'inherit', env });
      const stopForwarding = watch.onSignal((signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        graceTimer ??= setTimeout(() => options.onGraceExpired(signal), options.graceMs);
      });
      if (watch.received && child.pid !== undefined) child.kill(watch.received);
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return; // a failed kill(); the exit event still comes
        stopForwarding();
        const notFound = error.code === 'ENOENT';
        const failure = new CliError(
          notFound ? 'COMMAND_NOT_FOUND' : 'COMMAND_NOT_EXECUTABLE',
          notFound
            ? `cannot run '${command[0]}': no such command (ENOENT) — check its name and PATH`
            : `cannot run '${command[0]}': ${error.message} — check that it is an executable file`,
        );
        logger.error(failure.code, failure.message);
        resolve(notFound ? 127 : 126);
      });
      child.once('exit', (code, signal) => {
        stopForwarding();
        resolve(code ?? signalExitCode(signal ?? 'SIGTERM'));
      });
    });
  } finally {
    if (graceTimer) clearTimeout(graceTimer);
  }
}
