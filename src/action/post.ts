/**
 * The action's post step: stops the job-local proxy if the main step started one, and revokes
 * every token the main step minted, from the saved state alone (never the inputs). It never
 * fails the job: problems are warnings.
 */
import { describeError } from '../core/errors.ts';
import { revokeDeadlineMs, revokeTokens, type RevokeReport } from '../core/login/revoke.ts';
import { connectVault } from '../core/vault/connect.ts';
import { readPem } from '../core/parse.ts';
import type { VaultConnection } from '../core/options/config.ts';
import { githubRunner, type ActionRunner } from './runner.ts';
import { readSavedState, type SavedConnection } from './state.ts';

export interface PostDependencies {
  readonly runner: ActionRunner;
  readonly revoke: (connection: VaultConnection, tokens: readonly string[]) => Promise<RevokeReport>;
}

export function defaultPostDependencies(): PostDependencies {
  const runner = githubRunner();
  return {
    runner,
    revoke: (connection, tokens) =>
      revokeTokens(
        connectVault(connection, { logger: runner, proxyEnv: runner.env, deadlineMs: connection.timeoutMs }),
        {
          tokens,
          logger: runner,
        },
      ),
  };
}

export async function run(deps: PostDependencies = defaultPostDependencies()): Promise<void> {
  const { runner } = deps;
  const state = readSavedState(runner);
  if (state?.proxy) {
    const { stopActionProxy } = await import('./proxy-stop.ts');
    await stopActionProxy(runner, state.proxy);
  }
  if (!state || state.tokens.length === 0) {
    runner.info('No Vault token to revoke.');
    return;
  }
  for (const token of state.tokens) runner.setSecret(token);
  if (!state.revoke) {
    runner.info(`revoke is false: leaving ${state.tokens.length} Vault token(s) to expire at their TTL.`);
    return;
  }
  try {
    const report = await deps.revoke(connectionFrom(runner, state.connection), state.tokens);
    if (report.failed > 0)
      runner.warning(`${report.failed} of ${state.tokens.length} Vault token(s) stay valid until their TTL ends.`);
  } catch (error: unknown) {
    runner.warning(
      `could not revoke the Vault token(s): ${describeError(error)}. They stay valid until their TTL ends.`,
    );
  }
}

function connectionFrom(runner: ActionRunner, saved: SavedConnection): VaultConnection {
  const from = saved.clientKeyFrom;
  const clientKey =
    from === undefined
      ? undefined
      : 'file' in from
        ? readPem('client-key', from.file)
        : readPem(from.variable, runner.env[from.variable] ?? '');
  return {
    vaultAddr: saved.vaultAddr,
    namespace: saved.namespace,
    tls: {
      ...(saved.caCert ? { caCert: saved.caCert } : {}),
      ...(saved.clientCert ? { clientCert: saved.clientCert } : {}),
      ...(clientKey ? { clientKey } : {}),
      skipVerify: saved.skipVerify,
    },
    tlsFiles: {},
    timeoutMs: revokeDeadlineMs(saved.timeoutMs),
  };
}
