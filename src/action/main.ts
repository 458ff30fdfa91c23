import * as core from '@actions/core';
import { describeError, errorCode } from '../core/errors.ts';
import { loginWithIdentity, type IdentityLoginResult } from '../core/login.ts';
import { VaultSession } from '../core/vault/session.ts';
import { createWorkloadApiClient } from './clients.ts';
import { exportVaultEnvironment } from './environment.ts';
import { envInputReader, parseActionInputs, type ActionConfig } from './inputs.ts';
import { actionsLogger, maskSecret } from './logger.ts';
import { rememberMintedToken } from './state.ts';
import { writeLoginSummary } from './summary.ts';
import { createVaultClient, warnIfTlsUnchecked } from './vault-client.ts';

export async function run(): Promise<void> {
  let closeWorkloadApi = () => {};
  try {
    const config = parseActionInputs(envInputReader(process.env), process.env);
    const svids = createWorkloadApiClient(config, actionsLogger);
    closeWorkloadApi = () => svids.close();
    warnIfTlsUnchecked(config, actionsLogger);
    const vault = createVaultClient(config, actionsLogger, config.timeoutMs);
    const login = () =>
      loginWithIdentity({
        svids,
        vault,
        audiences: config.audiences,
        spiffeId: config.spiffeId,
        role: config.role,
        authPath: config.authPath,
        ...(config.maxTokenTtlSeconds !== undefined ? { maxTokenTtlSeconds: config.maxTokenTtlSeconds } : {}),
        onSecret: maskSecret,
        logger: actionsLogger,
      });
    const first = await login();
    // Every token the session mints (the first, and any re-login during a long signing run) is
    // remembered at once, so the post step revokes them all even if a later step of ours fails.
    const session = VaultSession.from(
      { login: async () => (await login()).token, onToken: rememberMintedToken, logger: actionsLogger },
      first.token,
    );
    exportVaultEnvironment(config, session.current.token);
    setLoginOutputs(config, first);
    if (config.signing.blobs.length > 0 || config.signing.images.length > 0) {
      // Initialised only when there is something to sign (the bundler defers a dynamically
      // imported module): a login-only run does not pay for it.
      const { signStep } = await import('./signing.ts');
      await signStep({ config, session, vault });
      if (session.current.token !== first.token.token) exportVaultEnvironment(config, session.current.token);
    }
    if (config.run) {
      const { runWithToken } = await import('./run-command.ts');
      await runWithToken({ config, session, vault });
    }
    await writeLoginSummary(config, first);
  } catch (error: unknown) {
    core.setFailed(`spiffe-vault-action${errorCode(error)}: ${describeError(error)}`);
  } finally {
    closeWorkloadApi();
  }
}

function setLoginOutputs(config: ActionConfig, result: IdentityLoginResult): void {
  core.setOutput('spiffe-id', result.spiffeId);
  core.setOutput('token-expires-at', result.token.expiresAt.toISOString());
  core.setOutput('token-ttl', String(result.token.ttlSeconds));
  core.setOutput('token-policies', result.token.policies.join(','));
  if (config.outputToken) core.setOutput('token', result.token.token);
}

void run();
