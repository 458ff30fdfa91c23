/**
 * Where a signing command's tokens come from (a login with the identity, or $VAULT_TOKEN), and
 * revoking what it minted, also on a stop signal.
 */
import { InputError } from '../core/errors.ts';
import type { VaultClient } from '../core/vault/client.ts';
import type { TokenProvider } from '../core/vault/session.ts';
import type { CommandContext } from './command.ts';
import type { AttestationRequest, LoginOptions, VaultConnection } from '../core/options/config.ts';
import { flagString, parseLoginConfig } from './config.ts';
import type { FlagValues } from './args.ts';
import { exitAfterSignal, LOGIN_ABORT_GRACE_MS, settledWithin, TerminationWatch } from './signals.ts';

/** Where a signing command's tokens come from: a login with the identity, or $VAULT_TOKEN. */
export interface SigningTokens {
  readonly vault: VaultConnection;
  /** Set with --role: log in (again when a short token expires) and revoke at the end. */
  readonly login: LoginOptions | undefined;
  /** $VAULT_TOKEN (e.g. inside `spiffe-vault exec`), used as is when there is no --role. */
  readonly envToken: string;
}

/** Checks, before any work, that the command will have a token. */
export function prepareSigningTokens(
  ctx: CommandContext,
  { values, vault }: { readonly values: FlagValues; readonly vault: VaultConnection },
): SigningTokens {
  const envToken = ctx.env.VAULT_TOKEN?.trim() || ctx.env.BAO_TOKEN?.trim() || '';
  ctx.logger.redact(envToken);
  const useLogin = flagString(values, 'role') !== '';
  if (!useLogin && !envToken) {
    throw new InputError(
      '--role: required to log in with the SPIFFE identity — or set VAULT_TOKEN (e.g. run inside spiffe-vault exec)',
    );
  }
  const login = useLogin ? parseLoginConfig(values, ctx.env) : undefined;
  if (login && envToken)
    ctx.logger.info('--role given: logging in with the SPIFFE identity; $VAULT_TOKEN is not used.');
  return { vault, login, envToken };
}

/**
 * The variable `exec` sets for its command: the SPIFFE ID its token was issued for (not a
 * secret). A signing command given that token names it as the builder of its provenance.
 */
export const SPIFFE_ID_VARIABLE = 'SPIFFE_VAULT_SPIFFE_ID';

/** Who the token belongs to: the SPIFFE ID it was issued for, when known. */
export interface TokenIdentity {
  readonly spiffeId: string | undefined;
}

/**
 * Runs `session.sign` with a Vault client and a token provider. With a login, every token minted is
 * revoked at the end, also when a SIGTERM/SIGINT stops the command.
 */
export async function withSigningTokens(
  ctx: CommandContext,
  session: {
    readonly tokens: SigningTokens;
    readonly sign: (client: VaultClient, tokens: TokenProvider, identity: TokenIdentity) => Promise<void>;
  },
): Promise<void> {
  const { vault, login, envToken } = session.tokens;
  const { sign } = session;
  const { cliLogin, cliVaultClient, cliRevoke } = await import('./vault.ts');
  if (!login) {
    ctx.logger.info('Using the Vault token in $VAULT_TOKEN (no --role given).');
    // Nothing to revoke, but a stop signal must not end the process in the middle of a write.
    const watch = new TerminationWatch();
    watch.onSignal((signal) => exitAfterSignal(signal));
    try {
      const { FixedTokenProvider } = await import('../core/vault/session.ts');
      const spiffeId = ctx.env[SPIFFE_ID_VARIABLE]?.trim() || undefined;
      await sign(cliVaultClient(ctx, { connection: vault }), new FixedTokenProvider(envToken), { spiffeId });
    } finally {
      watch.dispose();
    }
    return;
  }
  const identity = cliLogin(ctx, { connection: vault, login });
  const watch = new TerminationWatch();
  let stopped = false;
  const minted: string[] = [];
  let spiffeId: string | undefined;
  let loggingIn: Promise<unknown> = Promise.resolve();
  watch.onSignal((signal) => {
    if (stopped) return;
    stopped = true;
    ctx.logger.warning(`stopped by ${signal}: revoking the Vault token(s)`);
    // A login under way may still bring a token: wait for it (briefly) so it is revoked too.
    void settledWithin(loggingIn, LOGIN_ABORT_GRACE_MS)
      .then(() => cliRevoke(ctx, { connection: vault, tokens: minted }))
      .finally(() => exitAfterSignal(signal));
  });
  const mint = async () => {
    const attempt = identity.login();
    loggingIn = attempt;
    const result = await attempt;
    minted.push(result.token);
    spiffeId ??= result.spiffeId;
    if (stopped) throw new Error('stopped by a signal');
    return result;
  };
  try {
    const { VaultSession } = await import('../core/vault/session.ts');
    const session = await VaultSession.start({ login: mint, logger: ctx.logger });
    await sign(identity.vault, session, { spiffeId });
  } finally {
    identity.close();
    if (!stopped) {
      watch.dispose();
      await cliRevoke(ctx, { connection: vault, tokens: minted });
    }
  }
}

/**
 * Provenance names the token's SPIFFE ID as its builder: known after a login (--role), or from
 * `exec` (SPIFFE_VAULT_SPIFFE_ID) with $VAULT_TOKEN. Checked before any work.
 */
export function checkBuilderIdentity(
  ctx: Pick<CommandContext, 'env'>,
  { requests, tokens }: { readonly requests: readonly AttestationRequest[]; readonly tokens: SigningTokens },
): void {
  const provenance = requests.some((r) => r.predicate.kind === 'provenance');
  if (provenance && !tokens.login && !ctx.env[SPIFFE_ID_VARIABLE]?.trim()) {
    throw new InputError(
      `--provenance: the builder is the SPIFFE ID of the token, unknown for $VAULT_TOKEN alone — give --role, or run inside spiffe-vault exec (it sets ${SPIFFE_ID_VARIABLE})`,
    );
  }
}
