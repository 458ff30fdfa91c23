import * as core from '@actions/core';
import { exec } from '@actions/exec';
import { CodedError } from '../core/errors.ts';
import { revokeSelf } from '../core/vault/token.ts';
import type { VaultClient } from '../core/vault/client.ts';
import type { VaultSession } from '../core/vault/session.ts';
import { vaultEnvironment } from './environment.ts';
import type { ActionConfig } from './inputs.ts';

export class RunCommandError extends CodedError<'RUN_COMMAND_FAILED'> {
  constructor(message: string) {
    super('RUN_COMMAND_FAILED', message);
  }
}

/**
 * `run`: the command gets the token in its own environment only. When the token is not exported
 * to later steps, it is revoked as soon as the command ends, whatever the outcome.
 */
export async function runWithToken(options: {
  readonly config: ActionConfig;
  readonly session: VaultSession;
  readonly vault: VaultClient;
}): Promise<void> {
  const { config, session, vault } = options;
  const token = await session.getToken();
  const env = { ...(process.env as Record<string, string>), ...vaultEnvironment(config, token) };
  let code: number;
  try {
    code = await exec(config.run, [], {
      env,
      ignoreReturnCode: true,
      ...(process.env.GITHUB_WORKSPACE ? { cwd: process.env.GITHUB_WORKSPACE } : {}),
    });
  } catch (error: unknown) {
    throw new RunCommandError(
      `could not start the run command '${config.run}': ${error instanceof Error ? error.message : String(error)} — check the program name and that it is on PATH`,
    );
  } finally {
    if (!config.exportToken) await revokeAll(session, vault);
  }
  if (code !== 0) throw new RunCommandError(`the run command '${config.run}' exited with code ${code}`);
}

async function revokeAll(session: VaultSession, vault: VaultClient): Promise<void> {
  for (const minted of session.tokens) {
    try {
      await revokeSelf(vault, minted.token);
    } catch {
      core.warning('could not revoke a Vault token after the run command; the post step will try again');
    }
  }
  core.info('Revoked the Vault token(s) after the run command.');
}
