/**
 * `spiffe-vault proxy`: a job-local Vault proxy. Later commands reach Vault through it with no
 * token of their own; it logs in with fresh SVIDs when its short-lived token runs out, and
 * revokes every token it minted when it stops.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { baoTwins, proxyClientEnvironment } from '../../core/vault/environment.ts';
import { splitAtCommand } from '../args.ts';
import { runChild } from '../child-process.ts';
import { parseCommandFlags, type Command } from '../command.ts';
import { flagString, parseLoginConfig, parseProxyConfig, parseTransitConfig, parseVaultConfig } from '../config.ts';
import { LOGIN_FLAGS, mergeFlags, PROXY_FLAGS, QUIET_HELP_FLAGS, TRANSIT_PATH_FLAG, VAULT_FLAGS } from '../flags.ts';
import { signalExitCode, TerminationWatch } from '../signals.ts';

/** After a stop signal is forwarded, the command may use the proxy this long before it stops. */
export const PROXY_STOP_GRACE_MS = 5_000;

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'serve Vault to later commands through a local socket, with no token in their environment',
  usage: [
    'spiffe-vault proxy --role ROLE [flags] -- COMMAND [ARGS...]',
    'eval "$(spiffe-vault proxy --role ROLE --background [flags])"',
    'spiffe-vault proxy --role ROLE [--listen ADDR] [--ready-file FILE]',
  ],
  description: [
    'Logs in like `auth`, then serves the Vault API on a unix socket in a new private folder (or',
    "--listen 127.0.0.1:PORT). Each request is forwarded to Vault with the proxy's own token, which",
    'replaces any X-Vault-Token the client sends; when the token is about to expire (or Vault no',
    'longer accepts it) the proxy logs in again with a fresh SVID. --allow limits the paths it',
    'forwards (others get 403 from the proxy). Clients get VAULT_ADDR=unix:///…/vault.sock and',
    "VAULT_TOKEN=spiffe-vault-proxy, a placeholder: the vault and bao CLIs and cosign's",
    'hashivault:// KMS work unchanged. On SIGINT, SIGTERM or SIGHUP it stops serving and revokes',
    "every token it minted. With a COMMAND, it serves for the command's lifetime only (signals",
    'are forwarded to it). With --background it starts detached and prints shell exports, among',
    'them SPIFFE_VAULT_PROXY_PID: stop it with kill (it revokes its tokens on the way out).',
  ].join('\n'),
  groups: [LOGIN_FLAGS, VAULT_FLAGS, TRANSIT_PATH_FLAG, PROXY_FLAGS, QUIET_HELP_FLAGS],
  examples: [
    'spiffe-vault proxy --role ci -- cosign sign-blob --key hashivault://cosign --tlog-upload=false app.tar.gz',
    "spiffe-vault proxy --role ci --allow 'transit/sign/cosign/*,transit/keys/cosign' -- ./release.sh",
    'eval "$(spiffe-vault proxy --role ci --background)"; vault kv get secret/app; kill "$SPIFFE_VAULT_PROXY_PID"',
  ],
  exitCodes: [
    "with a COMMAND: the command's exit status (128+N when it died of signal N; 127/126 when it cannot run)",
    'without: 0 after a stop signal; 1 the login or the listen address failed, 2 bad usage',
  ],
  async run(ctx) {
    const specs = mergeFlags(this.groups);
    const { flags: flagArgs, command } = splitAtCommand(ctx.argv, specs);
    const flags = parseCommandFlags(this, { ...ctx, argv: flagArgs });
    if (!flags) return 0;
    if (flags.positionals.length > 0)
      throw new InputError(`unexpected argument '${flags.positionals[0]}' — put the command after --`);
    const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const login = parseLoginConfig(flags.values, ctx.env);
    const { transitPath } = parseTransitConfig(flags.values, ctx.env);
    const proxy = parseProxyConfig(flags.values, ctx);
    const given = flagString(flags.values, 'ready-file');
    const readyFile = given && (isAbsolute(given) ? given : resolve(ctx.cwd, given));
    if (readyFile && !isDirectory(dirname(readyFile))) {
      throw new InputError(`--ready-file: the folder ${dirname(readyFile)} does not exist — create it first`);
    }
    if (flags.values.background === true) {
      if (command.length > 0) throw new InputError('--background runs no command — drop one of them');
      const { startInBackground } = await import('../proxy-background.ts');
      return startInBackground(ctx, { flagArgs, readyFile, transitPath, startTimeoutMs: 2 * vault.timeoutMs + 10_000 });
    }

    const [{ cliLogin }, { startProxyService, describeStop }, { writeReadyFile }] = await Promise.all([
      import('../vault.ts'),
      import('../../core/proxy/service.ts'),
      import('../../core/proxy/ready.ts'),
    ]);
    const watch = new TerminationWatch();
    try {
      const identity = cliLogin(ctx, { connection: vault, login });
      const starting = startProxyService({
        login: identity,
        connection: vault,
        proxyEnv: ctx.env,
        ...proxy,
        tempDir: ctx.env.TMPDIR || tmpdir(),
        logger: ctx.logger,
      });
      starting.catch(() => undefined); // awaited below, also after a signal
      await Promise.race([starting, watch.signaled()]);
      if (watch.received) {
        // Stopped during the first login (which may wait up to --timeout for the agent): end it
        // now — the Workload API client gives up at its next attempt — and run no command; a
        // proxy that started meanwhile is stopped at once, revoking its token.
        identity.close();
        const late = await starting.catch(() => undefined);
        ctx.logger.warning(`stopped by ${watch.received} before the proxy served`);
        if (late) ctx.logger.info(describeStop(await late.stop()));
        return signalExitCode(watch.received);
      }
      const service = await starting;
      try {
        if (readyFile) writeReadyFile(readyFile, { vaultAddr: service.vaultAddr, pid: process.pid });
        if (command.length > 0) {
          const ours = proxyClientEnvironment(service.vaultAddr, { transitPath });
          return await runChild({
            command,
            env: { ...ctx.env, ...ours, ...baoTwins(ctx.env, ours) },
            watch,
            logger: ctx.logger,
            graceMs: PROXY_STOP_GRACE_MS,
            onGraceExpired: (signal) => {
              ctx.logger.warning(
                `the command still runs ${PROXY_STOP_GRACE_MS / 1000} s after ${signal}: stopping the proxy now`,
              );
              void service.stop();
            },
          });
        }
        ctx.logger.info(
          `Vault proxy serving at ${service.vaultAddr} (pid ${process.pid}); stop it with SIGTERM or Ctrl-C`,
        );
        await watch.signaled();
        return 0;
      } finally {
        if (readyFile) rmSync(readyFile, { force: true });
        ctx.logger.info(describeStop(await service.stop()));
      }
    } finally {
      watch.dispose();
    }
  },
};

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
