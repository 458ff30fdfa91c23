/**
 * A token session: hands out a valid token, logs in again before a short token expires, and
 * remembers every token minted.
 */
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import type { VaultToken } from './token.ts';

/** Hands out a usable token: e.g. the transit signer asks for one before each request. */
export interface TokenProvider {
  /** A token that is valid now (a session logs in again when the current one is about to expire). */
  getToken(): Promise<string>;
  /** Vault rejected `rejected` as invalid or expired: a fresh token, or throw if there can be none. */
  renewToken(rejected: string): Promise<string>;
}

/** Renew when less than this is left (or a third of the TTL, for tokens shorter than 30 s). */
export const DEFAULT_REFRESH_MARGIN_MS = 10_000;

export interface VaultSessionOptions {
  /** Mints a new token (fetches a fresh JWT-SVID and logs in); masks what it creates. */
  readonly login: () => Promise<VaultToken>;
  /** Sees every token minted, e.g. to revoke them all when the job ends. */
  readonly onToken?: (token: VaultToken) => void;
  readonly refreshMarginMs?: number;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Tokens of a short-lived role (60 s) do not outlive a long signing run: the session logs in
 * again as needed. One login at a time, however many callers ask at once.
 */
export class VaultSession implements TokenProvider {
  private token: VaultToken;
  private pending: Promise<VaultToken> | undefined;
  private readonly options: VaultSessionOptions;
  private readonly minted: VaultToken[] = [];

  private constructor(options: VaultSessionOptions, first: VaultToken) {
    this.options = options;
    this.token = first;
    this.remember(first);
  }

  /** Logs in once and returns the session. */
  static async start(options: VaultSessionOptions): Promise<VaultSession> {
    return new VaultSession(options, await options.login());
  }

  /** Starts from a token obtained elsewhere (the first login), without logging in again. */
  static from(options: VaultSessionOptions, first: VaultToken): VaultSession {
    return new VaultSession(options, first);
  }

  get current(): VaultToken {
    return this.token;
  }

  /** Every token this session minted, oldest first. */
  get tokens(): readonly VaultToken[] {
    return this.minted;
  }

  async getToken(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const ttlMs = this.token.ttlSeconds * 1000;
    const margin = Math.min(this.options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS, ttlMs / 3);
    if (this.token.expiresAt.getTime() - now > margin) return this.token.token;
    return (await this.relogin('the token is about to expire')).token;
  }

  async renewToken(rejected: string): Promise<string> {
    // Someone else already replaced the rejected token: use theirs.
    if (rejected !== this.token.token) return this.token.token;
    return (await this.relogin('Vault rejected the token')).token;
  }

  private relogin(reason: string): Promise<VaultToken> {
    if (!this.pending) {
      (this.options.logger ?? NOOP_LOGGER).info(`Logging in to Vault again: ${reason}`);
      this.pending = this.options
        .login()
        .then((token) => {
          this.token = token;
          this.remember(token);
          return token;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }

  private remember(token: VaultToken): void {
    this.minted.push(token);
    this.options.onToken?.(token);
  }
}

/** A token given from outside (e.g. `VAULT_TOKEN`): it cannot be renewed. */
export class FixedTokenProvider implements TokenProvider {
  private readonly token: string;

  constructor(token: string) {
    this.token = token;
  }

  async getToken(): Promise<string> {
    return this.token;
  }

  async renewToken(): Promise<string> {
    throw new Error('Vault rejected the given token (expired or revoked); log in again to get a new one');
  }
}
