/**
 * The X.509-SVID login method: an X.509-SVID from the Workload API, presented as the TLS client
 * certificate to Vault's cert auth method. No bearer credential is sent: the SVID's private key
 * never leaves this process (it lives in memory, in the TLS options of one login's client).
 */
import { NOOP_LOGGER } from '../logger.ts';
import type { X509Svid } from '../spiffe/x509-svid.ts';
import { certificatesPem } from '../spiffe/x509-svid.ts';
import { loginWithCert } from '../vault/cert-login.ts';
import type { VaultClient } from '../vault/client.ts';
import type { VaultTlsOptions } from '../vault/transport.ts';
import { acceptToken } from './accept-token.ts';
import type { LoginMethodOptions, LoginToken, VaultLogin } from './types.ts';

/** Where X.509-SVIDs come from: the Workload API client, or a fake in unit tests. */
export interface X509SvidSource {
  fetchX509Svid(request: { spiffeId?: string }): Promise<X509Svid>;
  close?(): void;
}

export interface X509SvidLoginOptions extends LoginMethodOptions {
  readonly svids: X509SvidSource;
  /** A new client presenting `clientCert`/`clientKey`: one per login, with that login's SVID. */
  readonly connect: (tls: Required<Pick<VaultTlsOptions, 'clientCert' | 'clientKey'>>) => VaultClient;
}

export class X509SvidLogin implements VaultLogin {
  readonly vault: VaultClient;
  private readonly options: X509SvidLoginOptions;

  constructor(options: X509SvidLoginOptions) {
    this.options = options;
    this.vault = options.vault;
  }

  /**
   * SPIFFE identity → X.509-SVID → mutual TLS login → Vault token. Every login fetches the SVID
   * afresh (the agent rotates it; an expired one would be refused) and uses a new client for it.
   */
  async login(): Promise<LoginToken> {
    const options = this.options;
    const logger = options.logger ?? NOOP_LOGGER;
    const svid = await options.svids.fetchX509Svid(options.spiffeId ? { spiffeId: options.spiffeId } : {});
    // The key goes into this login's TLS options and nowhere else: not even to the runner as a
    // mask (we never print it, so there is nothing to mask, and it stays in this process).
    const clientKey = svid.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    logger.info(`Fetched an X.509-SVID for ${svid.spiffeId} (expires ${svid.expiresAt.toISOString()})`);
    const loginClient = options.connect({ clientCert: certificatesPem(svid.certificates), clientKey });
    const token = await loginWithCert(loginClient, {
      authPath: options.authPath,
      role: options.role,
      spiffeId: svid.spiffeId,
    });
    return acceptToken(token, {
      options,
      spiffeId: svid.spiffeId,
      how: `${loginClient.address} with role '${options.role}' (cert auth, mutual TLS)`,
    });
  }

  close(): void {
    this.options.svids.close?.();
  }
}
