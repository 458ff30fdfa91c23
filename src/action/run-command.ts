/**
 * The `run` input: the command gets the token in its own environment only, or with `proxy` the
 * proxy's address and no token at all.
 */
import { exec } from '@actions/exec';
import { CodedError } from '../core/errors.ts';
import type { VaultSession } from '../core/vault/session.ts';
import type { ActionConfig } from './config.ts';
import { proxyStepEnvironment, stepEnvironment } from './environment.ts';
import type { ActionRunner } from './runner.ts';

/** The `run` input's command exited non-zero. */
export const RUN_COMMAND_ERROR_CODES = ['RUN_COMMAND_FAILED'] as const;
export class RunCommandError extends CodedError<(typeof RUN_COMMAND_ERROR_CODES)[number]> {
  constructor(message: string) {
    super('RUN_COMMAND_FAILED', message);
  }
}

export async function runCommand(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly session: VaultSession;
  /** The proxy's address, when the command reaches Vault through it. */
  readonly proxyAddr: string | undefined;
  readonly workspace: string;
}): Promise<void> {
  const { runner, config, session, proxyAddr } = options;
  const vaultEnv =
    proxyAddr !== undefined
      ? proxyStepEnvironment(runner, config, proxyAddr)
      : stepEnvironment({ runner, config, token: await session.getToken() });
  const env = { ...(runner.env as Record<string, string>), ...vaultEnv };
  let code: number;
  try {
    code = await exec(config.run, [], { env, ignoreReturnCode: true, cwd: options.workspace });
  } catch (error: unknown) {
    throw new RunCommandError(
      `could not start the run command '${config.run}': ${error instanceof Error ? error.message : String(error)} — check the program name and that it is on PATH`,
    );
  }
  if (code !== 0) throw new RunCommandError(`the run command '${config.run}' exited with code ${code}`);
}
