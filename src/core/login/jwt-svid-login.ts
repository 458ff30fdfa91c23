/** The JWT-SVID login method: a JWT-SVID from the Workload API, then Vault's JWT auth method. */
import { NOOP_LOGGER } from '../logger.ts';
import { loginWithJwt } from '../vault/token.ts';
import type { VaultClient } from '../vault/client.ts';
import { acceptToken } from './accept-token.ts';
import type { LoginMethodOptions, LoginToken, VaultLogin } from './types.ts';

/** The slice of a JWT-SVID the login needs. `token` is a secret. */
export interface JwtSvidLike {
  readonly spiffeId: string;
  readonly token: string;
  readonly expiresAt: Date;
}

/** Where JWT-SVIDs come from: the Workload API client, or a fake in unit tests. */
export interface JwtSvidSource {
  fetchJwtSvid(request: { audiences: readonly string[]; spiffeId?: string }): Promise<JwtSvidLike>;
  close?(): void;
}

export interface JwtSvidLoginOptions extends LoginMethodOptions {
  readonly svids: JwtSvidSource;
  readonly audiences: readonly string[];
  /** Namespace of the auth method, when it differs from the client's. */
  readonly loginNamespace?: string;
}

export class JwtSvidLogin implements VaultLogin {
  readonly vault: VaultClient;
  private readonly options: JwtSvidLoginOptions;

  constructor(options: JwtSvidLoginOptions) {
    this.options = options;
    this.vault = options.vault;
  }

  /** SPIFFE identity → JWT-SVID → Vault token, with the secrets masked as soon as they exist. */
  async login(): Promise<LoginToken> {
    const options = this.options;
    const logger = options.logger ?? NOOP_LOGGER;
    const svid = await options.svids.fetchJwtSvid({
      audiences: options.audiences,
      ...(options.spiffeId ? { spiffeId: options.spiffeId } : {}),
    });
    options.onSecret(svid.token);
    logger.info(
      `Fetched a JWT-SVID for ${svid.spiffeId} (audience ${options.audiences.join(', ')}, expires ${svid.expiresAt.toISOString()})`,
    );
    const token = await loginWithJwt(options.vault, {
      authPath: options.authPath,
      role: options.role,
      jwt: svid.token,
      audience: options.audiences.join(', '),
      spiffeId: svid.spiffeId,
      ...(options.loginNamespace !== undefined ? { namespace: options.loginNamespace } : {}),
    });
    return acceptToken(token, {
      options,
      spiffeId: svid.spiffeId,
      how: `${options.vault.address} with role '${options.role}'`,
    });
  }

  close(): void {
    this.options.svids.close?.();
  }
}
