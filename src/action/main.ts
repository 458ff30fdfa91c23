/**
 * The action's main step: log in with the runner's SPIFFE identity, mask and export the token,
 * sign what the inputs name, run the `run` command, and leave the post step what it needs to
 * revoke every token. `run()` takes its runner and login method as arguments, so unit tests
 * drive it in-process.
 */
import { dirname, join } from 'node:path';
import { describeError, errorCode } from '../core/errors.ts';
import { revokeTokens } from '../core/login/revoke.ts';
import { createLogin, type CreateLoginOptions } from '../core/login/create.ts';
import type { LoginToken, VaultLogin } from '../core/login/types.ts';
import { rawValue } from '../core/options/spec.ts';
import { OPTIONS } from '../core/options/table.ts';
import { tlsSkipVerifyWarning } from '../core/vault/connect.ts';
import type { VaultClient } from '../core/vault/client.ts';
import { VaultSession } from '../core/vault/session.ts';
import { actionOptionSource, parseActionConfig, type ActionConfig } from './config.ts';
import type { DoctorRunner } from './doctor.ts';
import type { ImageReads } from '../core/signing/images.ts';
import { exportVaultEnvironment, proxyStepEnvironment } from './environment.ts';
import { githubRunner, maskSecret, type ActionRunner } from './runner.ts';
import { savedConnection, StateKeeper } from './state.ts';
import { writeLoginSummary } from './summary.ts';

export interface MainDependencies {
  readonly runner: ActionRunner;
  readonly createLogin: (options: CreateLoginOptions) => VaultLogin;
  /** dist/proxy.js, which `proxy: true` starts (default: next to the running script, dist/main.js). */
  readonly proxyScript?: string;
  /** Runs the set-up checks (`doctor: true`, and after a failure); default the core's runDoctor. */
  readonly runDoctor?: DoctorRunner;
}

export function defaultMainDependencies(): MainDependencies {
  return { runner: githubRunner(), createLogin };
}

export async function run(deps: MainDependencies = defaultMainDependencies()): Promise<void> {
  const { runner } = deps;
  let login: VaultLogin | undefined;
  let config: ActionConfig | undefined;
  let imageReads: ImageReads | undefined;
  try {
    const workspace = runner.env.GITHUB_WORKSPACE || process.cwd();
    config = parseActionConfig(runner.env, workspace);
    const warning = tlsSkipVerifyWarning(config.connection);
    if (warning) runner.warning(warning);
    if (config.doctor) {
      const { doctorStep } = await import('./doctor.ts');
      await doctorStep({ runner, config, check: deps.runDoctor });
      return;
    }
    login = deps.createLogin({
      connection: config.connection,
      login: config.login,
      logger: runner,
      onSecret: (secret) => maskSecret(runner, secret),
      proxyEnv: runner.env,
    });
    const state = new StateKeeper(runner, {
      connection: savedConnection(config.connection, clientKeyVariable(runner)),
      revoke: config.revoke,
    });
    // The registry reads of sign-images need no token: started now, they overlap the login. Only
    // when images are all there is to sign: after blob signing, the `.sig` tags they read could
    // have been added to by another job meanwhile.
    if (config.images.length > 0 && config.blobs.length === 0) {
      imageReads = (await import('./sign-images.ts')).startActionImageReads(runner, config);
    }
    const first = await login.login();
    // Every token the session mints (the first, and any re-login during a long signing run) is
    // saved at once, so the post step revokes them all even if a later step of ours fails. In the
    // same turn as its login returns: a stop signal waits only for that (stop-signal.ts).
    const session = VaultSession.from(
      {
        login: () => (login as VaultLogin).login(),
        onToken: (token) => state.rememberToken(token.token),
        logger: runner,
      },
      first,
    );
    if (!config.proxy) exportVaultEnvironment({ runner, config, token: first.token });
    setLoginOutputs(runner, { config, token: first });
    if (config.blobs.length > 0 || config.images.length > 0) {
      // Initialised only when there is something to sign: a login-only run does not pay for it.
      const { signStep } = await import('./signing.ts');
      await signStep({
        runner,
        config,
        session,
        vault: login.vault,
        workspace,
        spiffeId: first.spiffeId,
        ...(imageReads ? { imageReads } : {}),
      });
      if (!config.proxy && session.current.token !== first.token) {
        exportVaultEnvironment({ runner, config, token: session.current.token });
      }
    }
    let proxyAddr: string | undefined;
    try {
      if (config.proxy) {
        const { startActionProxy } = await import('./proxy-start.ts');
        const proxy = await startActionProxy({
          runner,
          config,
          script: deps.proxyScript ?? join(dirname(process.argv[1] ?? '.'), 'proxy.js'),
          workspace,
          onStarted: (started) => state.rememberProxy(started),
        });
        proxyAddr = proxy.vaultAddr;
        for (const [name, value] of Object.entries(proxyStepEnvironment(runner, config, proxyAddr))) {
          runner.exportVariable(name, value);
        }
        runner.info(
          `Later steps reach Vault through the job-local proxy at ${proxyAddr} (pid ${proxy.pid}); no token is exported.`,
        );
      }
      if (config.run) {
        const { runCommand } = await import('./run-command.ts');
        await runCommand({ runner, config, session, proxyAddr, workspace });
      }
    } finally {
      // Tokens no later step holds (the command's, or ours when the proxy serves the job) are
      // revoked as soon as this step is done with them.
      if (!config.exportToken && !config.outputToken && (config.run !== '' || config.proxy)) {
        await revokeNow(runner, login.vault, session);
      }
    }
    await writeLoginSummary(runner, { config, first, proxyAddr });
  } catch (error: unknown) {
    runner.setFailed(`spiffe-vault-action${errorCode(error)}: ${describeError(error)}`);
    // What to change, in the job summary. Not for doctor mode (it reported already), nor for
    // inputs that could not be read (nothing to check).
    if (config && !config.doctor) {
      const { explainFailure } = await import('./doctor.ts');
      await explainFailure({ runner, config, error, check: deps.runDoctor });
    }
  } finally {
    imageReads?.abort();
    login?.close();
  }
}

async function revokeNow(runner: ActionRunner, vault: VaultClient, session: VaultSession): Promise<void> {
  const report = await revokeTokens(vault, { tokens: session.tokens.map((t) => t.token), logger: runner });
  if (report.failed > 0) runner.warning('the post step will try again to revoke what could not be revoked now');
}

/** Where the post step finds a client key given as PEM text: its input or variable. */
function clientKeyVariable(runner: ActionRunner): string {
  const raw = rawValue(actionOptionSource(runner.env), OPTIONS['client-key']);
  return raw.fromEnv ? raw.source : 'INPUT_CLIENT-KEY';
}

function setLoginOutputs(
  runner: ActionRunner,
  { config, token }: { readonly config: ActionConfig; readonly token: LoginToken },
): void {
  runner.setOutput('spiffe-id', token.spiffeId);
  runner.setOutput('token-expires-at', token.expiresAt.toISOString());
  runner.setOutput('token-ttl', String(token.ttlSeconds));
  runner.setOutput('token-policies', token.policies.join(','));
  if (config.outputToken) runner.setOutput('token', token.token);
}
