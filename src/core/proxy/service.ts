/**
 * The proxy as a service: log in once (so a bad set-up fails where the proxy is started), serve,
 * and on stop revoke every token minted. The CLI's `proxy` command and the action's proxy
 * process both run this; they differ only in how they are told to stop.
 */
import { rmSync } from 'node:fs';
import type { Logger } from '../logger.ts';
import { revokeDeadlineMs, revokeTokens, type RevokeReport } from '../login/revoke.ts';
import type { VaultLogin } from '../login/types.ts';
import type { VaultConnection } from '../options/config.ts';
import { trimSlashes } from '../parse.ts';
import type { VaultClient } from '../vault/client.ts';
import { connectVault } from '../vault/connect.ts';
import { VaultHttpError } from '../vault/errors.ts';
import { isForbiddenAnswer } from '../diagnose/vault-answers.ts';
import { VaultSession } from '../vault/session.ts';
import { createVaultAgents } from '../vault/transport.ts';
import type { AllowList } from './allow-list.ts';
import type { ForwardStats } from './forward.ts';
import { prepareSocket, type ListenAddress } from './listen-address.ts';
import { VaultProxy } from './server.ts';

export interface ProxyServiceOptions {
  readonly login: VaultLogin;
  readonly connection: VaultConnection;
  readonly proxyEnv: Readonly<Record<string, string | undefined>>;
  readonly allow: AllowList;
  readonly listen: ListenAddress;
  /** Where the default socket's private folder is made (RUNNER_TEMP, TMPDIR). */
  readonly tempDir: string;
  /** How the listen address is spelled, for errors (`--listen`, `proxy-listen`). */
  readonly listenSource: string;
  readonly logger: Logger;
}

export interface ProxyStopReport extends ForwardStats {
  readonly logins: number;
  readonly revocation: RevokeReport;
}

export interface ProxyService {
  /** As clients write VAULT_ADDR: `unix:///…/vault.sock` or `http://127.0.0.1:PORT`. */
  readonly vaultAddr: string;
  readonly stats: ForwardStats;
  /** How many logins so far (the first included). */
  readonly logins: () => number;
  /** Stops serving, revokes every token minted, frees the identity source. Never throws. */
  stop(): Promise<ProxyStopReport>;
}

export async function startProxyService(options: ProxyServiceOptions): Promise<ProxyService> {
  const { login, connection, logger } = options;
  // The socket's folder first: a bad listen address costs no login.
  let listen: ListenAddress;
  let session: VaultSession;
  try {
    listen = prepareSocket(options.listen, options.tempDir, options.listenSource);
  } catch (error: unknown) {
    login.close();
    throw error;
  }
  try {
    session = await VaultSession.start({ login: () => login.login(), logger });
  } catch (error: unknown) {
    removePrivateDir(listen);
    login.close();
    throw error;
  }
  const revokeAll = () => revokeMinted(connection, session, options);
  const proxy = new VaultProxy({
    upstream: {
      address: trimSlashes(connection.vaultAddr, 'end'),
      namespace: connection.namespace,
      ...createVaultAgents({ ...connection.tls, proxyEnv: options.proxyEnv }),
    },
    tokens: session,
    tokenState: (token) => tokenState(login.vault, token),
    allow: options.allow,
    secrets: () => session.tokens.map((t) => t.token),
    logger,
  });
  let vaultAddr: string;
  try {
    vaultAddr = await proxy.listen(listen);
  } catch (error: unknown) {
    removePrivateDir(listen);
    await revokeAll();
    login.close();
    throw error;
  }
  if (listen.kind === 'tcp') {
    logger.warning(
      `the proxy listens on ${vaultAddr}: every process on this host that can reach it gets this job's Vault access; a unix socket (the default) is private to this user`,
    );
  }
  let stopping: Promise<ProxyStopReport> | undefined;
  return {
    vaultAddr,
    stats: proxy.stats,
    logins: () => session.tokens.length,
    stop: () =>
      (stopping ??= (async () => {
        await proxy.close();
        const revocation = await revokeAll();
        login.close();
        return { ...proxy.stats, logins: session.tokens.length, revocation };
      })()),
  };
}

function removePrivateDir(listen: ListenAddress): void {
  if (listen.kind === 'unix' && listen.privateDir) rmSync(listen.privateDir, { recursive: true, force: true });
}

/** Revocation gets a client of its own with a short budget: the runner may be stopping the job. */
function revokeMinted(
  connection: VaultConnection,
  session: VaultSession,
  options: ProxyServiceOptions,
): Promise<RevokeReport> {
  const vault = connectVault(connection, {
    logger: options.logger,
    proxyEnv: options.proxyEnv,
    deadlineMs: revokeDeadlineMs(connection.timeoutMs),
  });
  return revokeTokens(vault, { tokens: session.tokens.map((t) => t.token), logger: options.logger });
}

/** After a 403: whether Vault still knows the token (lookup-self answers 403 for one it does not). */
async function tokenState(vault: VaultClient, token: string): Promise<'valid' | 'invalid' | 'unknown'> {
  try {
    await vault.request({ method: 'GET', path: '/auth/token/lookup-self', token });
    return 'valid';
  } catch (error: unknown) {
    return error instanceof VaultHttpError && isForbiddenAnswer(error) ? 'invalid' : 'unknown';
  }
}

/** One line on how the proxy's life went: what it served, refused, and revoked. */
export function describeStop(report: ProxyStopReport): string {
  const { revocation } = report;
  return (
    `Vault proxy stopped: ${report.requests} request(s), ${report.denied} refused, ${report.failed} failed, ` +
    `${report.logins} login(s); ${revocation.revoked} token(s) revoked, ${revocation.alreadyGone} already gone, ` +
    `${revocation.failed} not revoked`
  );
}
