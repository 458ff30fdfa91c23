/**
 * The `run` input: the command gets the token in its own environment only. When the token is
 * not exported to later steps, every token of the session is revoked as soon as it ends.
 */
import { exec } from '@actions/exec';
import { CodedError } from '../core/errors.ts';
import { revokeTokens } from '../core/login/revoke.ts';
import type { VaultClient } from '../core/vault/client.ts';
import type { VaultSession } from '../core/vault/session.ts';
import type { ActionConfig } from './config.ts';
import { stepEnvironment } from './environment.ts';
import type { ActionRunner } from './runner.ts';

export class RunCommandError extends CodedError<'RUN_COMMAND_FAILED'> {
  constructor(message: string) {
    super('RUN_COMMAND_FAILED', message);
  }
}

export async function runWithToken(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly session: VaultSession;
  readonly vault: VaultClient;
  readonly workspace: string;
}): Promise<void> {
  const { runner, config, session, vault } = options;
  const token = await session.getToken();
  const env = { ...(runner.env as Record<string, string>), ...stepEnvironment({ runner, config, token }) };
  let code: number;
  try {
    code = await exec(config.run, [], { env, ignoreReturnCode: true, cwd: options.workspace });
  } catch (error: unknown) {
    throw new RunCommandError(
      `could not start the run command '${config.run}': ${error instanceof Error ? error.message : String(error)} — check the program name and that it is on PATH`,
    );
  } finally {
    if (!config.exportToken) {
      const report = await revokeTokens(vault, { tokens: session.tokens.map((t) => t.token), logger: runner });
      if (report.failed > 0) runner.warning('the post step will try again to revoke what could not be revoked now');
    }
  }
  if (code !== 0) throw new RunCommandError(`the run command '${config.run}' exited with code ${code}`);
}
