import * as core from '@actions/core';
import { describeError } from '../core/errors.ts';
import { revokeSelf } from '../core/vault/token.ts';
import { createVaultClient } from './vault-client.ts';
import { envInputReader, parseActionInputs } from './inputs.ts';
import { actionsLogger } from './logger.ts';
import { readMintedTokens } from './state.ts';

const REVOKE_DEADLINE_MS = 15_000;

/** Revokes every token the main step minted. Never fails the job: problems are warnings. */
export async function runPost(): Promise<void> {
  const tokens = readMintedTokens();
  for (const { token } of tokens) core.setSecret(token);
  if (tokens.length === 0) {
    core.info('No Vault token to revoke.');
    return;
  }
  try {
    const config = parseActionInputs(envInputReader(process.env), process.env);
    if (!config.revoke) {
      core.info(`revoke is false: leaving ${tokens.length} Vault token(s) to expire at their TTL.`);
      return;
    }
    const vault = createVaultClient(config, actionsLogger, REVOKE_DEADLINE_MS);
    for (const [index, { token }] of tokens.entries()) {
      const label = tokens.length > 1 ? `Vault token ${index + 1} of ${tokens.length}` : 'Vault token';
      try {
        const outcome = await revokeSelf(vault, token);
        core.info(
          outcome === 'revoked' ? `Revoked the ${label}.` : `The ${label} had already expired or been revoked.`,
        );
      } catch (error: unknown) {
        core.warning(
          `could not revoke the ${label}: ${describeError(error)}. It stays valid until its TTL ends; ` +
            'check that Vault is reachable from the runner and that the token may use auth/token/revoke-self (the default policy allows it).',
        );
      }
    }
  } catch (error: unknown) {
    core.warning(`could not revoke the Vault token(s): ${describeError(error)}. They stay valid until their TTL ends.`);
  }
}

void runPost();
