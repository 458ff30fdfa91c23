/**
 * `spiffe-vault exec`: log in, run a command with the token in its environment only, and always
 * revoke the token afterwards.
 */
import { InputError } from '../../core/errors.ts';
import type { LoginToken, VaultLogin } from '../../core/login/types.ts';
import type { VaultConnection } from '../../core/options/config.ts';
import { baoTwins, vaultEnvironment } from '../../core/vault/environment.ts';
import { splitAtCommand } from '../args.ts';
import { parseCommandFlags, type Command, type CommandContext } from '../command.ts';
import { parseLoginConfig, parseTransitConfig, parseVaultConfig } from '../config.ts';
import { LOGIN_FLAGS, mergeFlags, QUIET_HELP_FLAGS, TRANSIT_PATH_FLAG, VAULT_FLAGS } from '../flags.ts';
import { runChild } from '../child-process.ts';
import { SPIFFE_ID_VARIABLE } from '../signing-session.ts';
import { LOGIN_ABORT_GRACE_MS, settledWithin, signalExitCode, TerminationWatch } from '../signals.ts';

/** After a stop signal is forwarded, the command may use the token this long before it is revoked. */
export const EXEC_REVOKE_GRACE_MS = 5_000;

export const execCommand: Command = {
  name: 'exec',
  summary: 'log in, run a command with the token in its environment only, then revoke the token',
  usage: ['spiffe-vault exec --role ROLE [flags] -- COMMAND [ARGS...]'],
  description: [
    'Logs in like `auth`, runs COMMAND (no shell: use `sh -c` for one) with VAULT_TOKEN, VAULT_ADDR,',
    'VAULT_NAMESPACE (when set), TRANSIT_SECRET_ENGINE_PATH and VAULT_CACERT & co. (when given as',
    'files) added to ITS environment only, and revokes the token when it ends: also when it fails,',
    'cannot be started, or is interrupted. SIGINT, SIGTERM and SIGHUP are forwarded to the command;',
    `the token is revoked when it exits, or ${EXEC_REVOKE_GRACE_MS / 1000} s after the signal if it is still running.`,
    "stdout is the command's alone. Without `--`, the command starts at the first argument that is",
    'not a flag. SPIFFE_VAULT_SPIFFE_ID tells the command the SPIFFE ID of the token (sign-blob',
    '--provenance names it as the builder).',
  ].join('\n'),
  groups: [LOGIN_FLAGS, VAULT_FLAGS, TRANSIT_PATH_FLAG, QUIET_HELP_FLAGS],
  examples: [
    'spiffe-vault exec -role ci -- vault kv get -field=password secret/db',
    "spiffe-vault exec --role ci -- sh -c 'cosign sign-blob --key hashivault://cosign --tlog-upload=false app.tar.gz > app.sig'",
    "spiffe-vault exec --role ci -- spiffe-vault sign-blob 'dist/*'   # sign-blob uses the token",
  ],
  exitCodes: [
    "the command's exit status; 128+N when it died of signal N (SIGTERM: 143)",
    '127 the command was not found, 126 it could not be run',
    '1 the login failed (the command did not run), 2 bad usage',
  ],
  async run(ctx) {
    const specs = mergeFlags(this.groups);
    const { flags: flagArgs, command } = splitAtCommand(ctx.argv, specs);
    const flags = parseCommandFlags(this, { ...ctx, argv: flagArgs });
    if (!flags) return 0;
    if (flags.positionals.length > 0 || command.length === 0) {
      throw new InputError('no command given — spiffe-vault exec --role ROLE -- COMMAND [ARGS...]');
    }
    const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const login = parseLoginConfig(flags.values, ctx.env);
    const { transitPath } = parseTransitConfig(flags.values, ctx.env);

    const { cliLogin } = await import('../vault.ts');
    const watch = new TerminationWatch();
    try {
      const result = await loginUnlessStopped(ctx, {
        watch,
        vault,
        identity: cliLogin(ctx, { connection: vault, login }),
      });
      if (!result) return signalExitCode(watch.received ?? 'SIGTERM');
      ctx.logger.debug(`running ${command[0]} with the Vault token in its environment`);
      const ours = vaultEnvironment(vault, { token: result.token, transitPath });
      // The token's identity (not a secret): sign-blob names it as the builder of its provenance.
      const env = { ...ctx.env, ...ours, ...baoTwins(ctx.env, ours), [SPIFFE_ID_VARIABLE]: result.spiffeId };
      return await runAndRevoke({ ctx, vault, token: result.token, command, env, watch });
    } finally {
      watch.dispose();
    }
  },
};

/** Logs in; on a stop signal meanwhile, revokes the token if it still arrives and returns undefined. */
async function loginUnlessStopped(
  ctx: CommandContext,
  login: { readonly watch: TerminationWatch; readonly vault: VaultConnection; readonly identity: VaultLogin },
): Promise<LoginToken | undefined> {
  const { watch, vault, identity } = login;
  const pending = identity.login().finally(() => identity.close());
  pending.catch(() => undefined); // awaited below, or abandoned after a signal
  const first = await Promise.race([pending, watch.signaled()]);
  if (typeof first === 'object' && !watch.received) return first;
  const late = await settledWithin(pending, LOGIN_ABORT_GRACE_MS);
  // A login still waiting (for an agent that does not answer, say) must not keep the process
  // alive until --timeout: closing the identity source ends its next attempt.
  identity.close();
  ctx.logger.warning(`stopped by ${watch.received} before the command started`);
  if (late) await (await import('../vault.ts')).cliRevoke(ctx, { connection: vault, tokens: [late.token] });
  return undefined;
}

interface RunOptions {
  readonly ctx: CommandContext;
  readonly vault: VaultConnection;
  readonly token: string;
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly watch: TerminationWatch;
}

/** Runs the command, forwarding stop signals, and revokes the token however it ends. */
async function runAndRevoke({ ctx, vault, token, command, env, watch }: RunOptions): Promise<number> {
  const { cliRevoke } = await import('../vault.ts');
  let revoking: Promise<boolean> | undefined;
  const revokeOnce = () => (revoking ??= cliRevoke(ctx, { connection: vault, tokens: [token] }));
  try {
    return await runChild({
      command,
      env,
      watch,
      logger: ctx.logger,
      graceMs: EXEC_REVOKE_GRACE_MS,
      onGraceExpired: (signal) => {
        ctx.logger.warning(
          `the command still runs ${EXEC_REVOKE_GRACE_MS / 1000} s after ${signal}: revoking its token now`,
        );
        void revokeOnce();
      },
    });
  } finally {
    await revokeOnce();
  }
}
