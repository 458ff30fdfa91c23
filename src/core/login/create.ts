/** Builds the configured login method (JWT-SVID or X.509-SVID) from the parsed options. */
import type { Logger } from '../logger.ts';
import type { LoginOptions, VaultConnection } from '../options/config.ts';
import { connectVault } from '../vault/connect.ts';
import { ignoredNamespaceWarning } from '../vault/namespace-support.ts';
import { checkDefaultSocket, withAudienceHint } from './go-cli-defaults.ts';
import { JwtSvidLogin } from './jwt-svid-login.ts';
import { lazyWorkloadApiClient } from './lazy-svid-source.ts';
import type { VaultLogin } from './types.ts';
import { X509SvidLogin } from './x509-svid-login.ts';

export interface CreateLoginOptions {
  readonly connection: VaultConnection;
  readonly login: LoginOptions;
  readonly logger: Logger;
  /** Masks a secret (the adapter's setSecret or redaction) the moment it exists. */
  readonly onSecret: (secret: string) => void;
  readonly proxyEnv: Readonly<Record<string, string | undefined>>;
}

export function createLogin(options: CreateLoginOptions): VaultLogin {
  const { connection, login, logger } = options;
  checkDefaultSocket(login);
  const svids = lazyWorkloadApiClient({ address: login.socketAddress, logger, timeoutMs: connection.timeoutMs });
  const connect = (tls: VaultConnection['tls']) =>
    connectVault({ ...connection, tls }, { logger, proxyEnv: options.proxyEnv });
  const common = {
    svids,
    vault: connect(connection.tls),
    spiffeId: login.spiffeId,
    role: login.role,
    authPath: login.authPath,
    maxTokenTtlSeconds: login.maxTokenTtlSeconds,
    onSecret: options.onSecret,
    logger,
  };
  const method: VaultLogin =
    login.method === 'cert'
      ? new X509SvidLogin({ ...common, connect: (svid) => connect({ ...connection.tls, ...svid }) })
      : new JwtSvidLogin({ ...common, audiences: login.audiences });
  let checkedNamespace = false;
  return {
    vault: method.vault,
    login: async () => {
      if (!checkedNamespace) {
        checkedNamespace = true;
        const warning = await ignoredNamespaceWarning(method.vault, connection.namespace);
        if (warning) logger.warning(warning);
      }
      return method
        .login()
        .catch((error: unknown) => Promise.reject(login.method === 'jwt' ? withAudienceHint(error, login) : error));
    },
    close: () => method.close(),
  };
}
