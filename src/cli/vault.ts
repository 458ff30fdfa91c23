// The CLI's Vault access, loaded only by the commands that talk to Vault (help, version and
// verify-blob do not pay for it). Thin: the client, the login method and revocation are the core's.
import { createLogin } from '../core/login/create.ts';
import { revokeDeadlineMs, revokeTokens, type RevokeReport } from '../core/login/revoke.ts';
import type { VaultLogin } from '../core/login/types.ts';
import type { LoginOptions, VaultConnection } from '../core/options/config.ts';
import type { VaultClient } from '../core/vault/client.ts';
import { connectVault, tlsSkipVerifyWarning } from '../core/vault/connect.ts';
import type { CommandContext } from './command.ts';

type Ctx = Pick<CommandContext, 'env' | 'logger'>;

let warnedInsecure = false;

function warnOnce(ctx: Ctx, connection: VaultConnection): void {
  const warning = tlsSkipVerifyWarning(connection);
  if (warning && !warnedInsecure) {
    warnedInsecure = true;
    ctx.logger.warning(warning.replace('tls-skip-verify', '--tls-skip-verify').replace('ca-cert', '--ca-cert'));
  }
}

/** The Vault client the connection describes; retries stop at `deadlineMs` (default its timeout). */
export function cliVaultClient(
  ctx: Ctx,
  { connection, deadlineMs }: { readonly connection: VaultConnection; readonly deadlineMs?: number },
): VaultClient {
  warnOnce(ctx, connection);
  return connectVault(connection, {
    logger: ctx.logger,
    proxyEnv: ctx.env,
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
  });
}

/** The configured login method; every secret it handles is redacted from our output. */
export function cliLogin(ctx: Ctx, config: { connection: VaultConnection; login: LoginOptions }): VaultLogin {
  warnOnce(ctx, config.connection);
  return createLogin({
    ...config,
    logger: ctx.logger,
    onSecret: (secret) => ctx.logger.redact(secret),
    proxyEnv: ctx.env,
  });
}

/**
 * Revokes tokens we minted, never throwing; whether every token is gone. Its retries stop at
 * --timeout too (revokeDeadlineMs).
 */
export async function cliRevoke(
  ctx: Ctx,
  { connection, tokens }: { readonly connection: VaultConnection; readonly tokens: readonly string[] },
): Promise<boolean> {
  if (tokens.length === 0) return true;
  const deadlineMs = revokeDeadlineMs(connection.timeoutMs);
  const report: RevokeReport = await revokeTokens(cliVaultClient(ctx, { connection, deadlineMs }), {
    tokens,
    logger: ctx.logger,
  });
  return report.failed === 0;
}
