/**
 * What the main step hands the post step: how to reach Vault (address, namespace, TLS material
 * or where it lives) and every token it minted. The post step works from this alone, never from
 * the inputs. Tokens are masked before they are saved.
 */
import type { VaultConnection } from '../core/options/config.ts';
import type { ActionRunner } from './runner.ts';

const STATE = 'spiffe-vault';

/** The connection as the post step needs it. A client key given as PEM text is not saved: */
/** the post step reads it again from where it came (`clientKeyFrom`). */
export interface SavedConnection {
  readonly vaultAddr: string;
  readonly namespace: string;
  readonly caCert?: string;
  readonly clientCert?: string;
  /** A file path, or the name of the input/variable that holds the PEM text. */
  readonly clientKeyFrom?: { readonly file: string } | { readonly variable: string };
  readonly skipVerify: boolean;
  /** The step's `timeout`: the post step's revocation stops there too (at most 15 s). */
  readonly timeoutMs?: number;
}

/** The job-local proxy the main step started: the post step stops it (it revokes its own tokens). */
export interface SavedProxy {
  readonly pid: number;
  /** The folder of its ready file and log (the post step prints the log, then removes it). */
  readonly dir: string;
}

export interface SavedState {
  readonly connection: SavedConnection;
  readonly revoke: boolean;
  readonly tokens: readonly string[];
  readonly proxy?: SavedProxy;
}

/** Saves the state whole each time (the runner keeps the last value saved under a name). */
export class StateKeeper {
  private readonly runner: ActionRunner;
  private readonly base: Omit<SavedState, 'tokens'>;
  private readonly tokens: string[] = [];
  private proxy: SavedProxy | undefined;

  constructor(runner: ActionRunner, base: Omit<SavedState, 'tokens' | 'proxy'>) {
    this.runner = runner;
    this.base = base;
  }

  rememberToken(token: string): void {
    this.tokens.push(token);
    this.save();
  }

  rememberProxy(proxy: SavedProxy): void {
    this.proxy = proxy;
    this.save();
  }

  private save(): void {
    const state: SavedState = { ...this.base, tokens: this.tokens, ...(this.proxy ? { proxy: this.proxy } : {}) };
    this.runner.saveState(STATE, JSON.stringify(state));
  }
}

export function savedConnection(connection: VaultConnection, clientKeyVariable: string): SavedConnection {
  const { tls, tlsFiles } = connection;
  return {
    vaultAddr: connection.vaultAddr,
    namespace: connection.namespace,
    ...(tls.caCert ? { caCert: tls.caCert } : {}),
    ...(tls.clientCert ? { clientCert: tls.clientCert } : {}),
    ...(tlsFiles.clientKey
      ? { clientKeyFrom: { file: tlsFiles.clientKey } }
      : tls.clientKey
        ? { clientKeyFrom: { variable: clientKeyVariable } }
        : {}),
    skipVerify: tls.skipVerify ?? false,
    timeoutMs: connection.timeoutMs,
  };
}

/** The saved state, or undefined when the main step minted nothing (or saved nothing readable). */
export function readSavedState(runner: ActionRunner): SavedState | undefined {
  const raw = runner.getState(STATE);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as SavedState;
    return Array.isArray(parsed.tokens) && typeof parsed.connection?.vaultAddr === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
