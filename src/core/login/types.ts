/**
 * The login-method seam: anything that turns the workload's identity into a Vault token. The
 * session, `run`/`exec` and signing use this interface only, so a new method (X.509-SVID and
 * the cert auth method, say) is one new file plus its option rows.
 */
import type { Logger } from '../logger.ts';
import type { VaultClient } from '../vault/client.ts';
import type { VaultToken } from '../vault/token.ts';

/** A token we minted, with the identity it was minted for. `token` is a secret. */
export interface LoginToken extends VaultToken {
  readonly spiffeId: string;
}

export interface VaultLogin {
  /** The Vault client the method logs in through: later requests reuse its connections. */
  readonly vault: VaultClient;
  /** Mints a new token (masks every secret it handles the moment it exists). */
  login(): Promise<LoginToken>;
  /** Frees the identity source (the Workload API connection); no login works after it. */
  close(): void;
}

/** What every login method is told: which identity, which role, what a token may be. */
export interface LoginMethodOptions {
  /** The client for everything after the login (token lookups, revocation, signing). */
  readonly vault: VaultClient;
  /** Pick this SPIFFE ID when the workload has several; '' for the first. */
  readonly spiffeId?: string;
  readonly role: string;
  readonly authPath: string;
  /** Fail (and revoke) when Vault issues a token living longer than this. */
  readonly maxTokenTtlSeconds?: number | undefined;
  /** Called with every secret the moment it exists, before anything can print it. */
  readonly onSecret: (secret: string) => void;
  readonly logger?: Logger;
}
