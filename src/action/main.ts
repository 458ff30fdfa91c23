import * as core from '@actions/core';
import { describeError, errorCode } from '../core/errors.ts';
import { loginWithIdentity, type IdentityLoginResult } from '../core/login.ts';
import { createVaultClient, createWorkloadApiClient } from './clients.ts';
import { exportVaultEnvironment } from './environment.ts';
import { envInputReader, parseActionInputs, type ActionConfig } from './inputs.ts';
import { actionsLogger, maskSecret } from './logger.ts';
import { rememberMintedToken } from './state.ts';
import { writeLoginSummary } from './summary.ts';

export async function run(): Promise<void> {
  try {
    const config = parseActionInputs(envInputReader(process.env), process.env);
    const result = await login(config);
    exportVaultEnvironment(config, result.token.token);
    setOutputs(config, result);
    await writeLoginSummary(config, result);
  } catch (error: unknown) {
    core.setFailed(`spiffe-vault-action${errorCode(error)}: ${describeError(error)}`);
  }
}

async function login(config: ActionConfig): Promise<IdentityLoginResult> {
  const svids = createWorkloadApiClient(config, actionsLogger);
  try {
    const result = await loginWithIdentity({
      svids,
      vault: createVaultClient(config, actionsLogger, config.timeoutMs),
      audiences: config.audiences,
      spiffeId: config.spiffeId,
      role: config.role,
      authPath: config.authPath,
      ...(config.maxTokenTtlSeconds !== undefined ? { maxTokenTtlSeconds: config.maxTokenTtlSeconds } : {}),
      onSecret: maskSecret,
      logger: actionsLogger,
    });
    // Remember it at once, so the post step revokes it even if a later step of ours fails.
    rememberMintedToken({ token: result.token.token, accessor: result.token.accessor });
    return result;
  } finally {
    svids.close();
  }
}

function setOutputs(config: ActionConfig, result: IdentityLoginResult): void {
  core.setOutput('spiffe-id', result.spiffeId);
  core.setOutput('token-expires-at', result.token.expiresAt.toISOString());
  core.setOutput('token-ttl', String(result.token.ttlSeconds));
  core.setOutput('token-policies', result.token.policies.join(','));
  if (config.outputToken) core.setOutput('token', result.token.token);
}

void run();
