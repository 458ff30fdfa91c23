/**
 * The Vault HTTP client: node-vault for paths and headers, our transport, retries of what is
 * retryable, safe errors.
 */
import nodeVault from 'node-vault';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import { DEFAULT_RETRY_POLICY, retry, type Clock, type RetryPolicy } from '../retry.ts';
import { trimSlashes } from '../parse.ts';
import { isSealedAnswer, isTlsAnswer } from '../diagnose/vault-answers.ts';
import { isRetryableVaultFailure, VaultHttpError } from './errors.ts';
import { createTransport, type VaultTlsOptions } from './transport.ts';

export const DEFAULT_VAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface VaultClientOptions {
  /** Base URL, e.g. `https://vault.example.com:8200`. */
  readonly address: string;
  /** Enterprise / OpenBao namespace sent as `X-Vault-Namespace`; '' for none. */
  readonly namespace?: string;
  readonly tls?: VaultTlsOptions;
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
  readonly requestTimeoutMs?: number;
  /**
   * Retries of connection failures, 5xx (not sealed, unless Vault went away first: a restart), 412,
   * 429 and a standby's 307 during an election.
   */
  readonly retryPolicy?: RetryPolicy;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface VaultRequest {
  readonly method: 'GET' | 'POST';
  /** API path below `/v1`, starting with `/`. */
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly token?: string;
  /** Overrides the client's namespace for this request ('' = root namespace). */
  readonly namespace?: string;
}

/**
 * Request timeout and retry policy for a client whose retries must stop `deadlineMs` from now
 * (the adapters' `timeout`).
 */
export function deadlineOptions(deadlineMs: number): Pick<VaultClientOptions, 'requestTimeoutMs' | 'retryPolicy'> {
  return {
    requestTimeoutMs: Math.min(DEFAULT_VAULT_REQUEST_TIMEOUT_MS, Math.max(1_000, deadlineMs)),
    retryPolicy: { initialDelayMs: 250, maxDelayMs: 5_000, deadlineMs: Math.max(0, deadlineMs) },
  };
}

/** A Vault HTTP client: node-vault for paths and headers, our transport, retries, safe errors. */
export class VaultClient {
  readonly address: string;
  readonly namespace: string;
  private readonly vault: nodeVault.client;
  private readonly retryPolicy: RetryPolicy;
  private readonly clock: Clock | undefined;
  private readonly logger: Logger;
  /**
   * Vault stopped answering (a connection failure) and has not answered since but "sealed": it is
   * restarting, and a restarted server is sealed until an operator or its auto-unseal unseals it,
   * so that answer is retried until the deadline. Sealed from its first answer, Vault fails at once.
   */
  private restarting = false;

  constructor(options: VaultClientOptions) {
    this.address = trimSlashes(options.address, 'end');
    this.namespace = options.namespace ?? '';
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.clock = options.clock;
    this.logger = options.logger ?? NOOP_LOGGER;
    const transport = createTransport({
      ...options.tls,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_VAULT_REQUEST_TIMEOUT_MS,
      ...(options.proxyEnv ? { proxyEnv: options.proxyEnv } : {}),
    });
    this.vault = nodeVault({
      endpoint: this.address,
      apiVersion: 'v1',
      // node-vault falls back to VAULT_TOKEN / VAULT_NAMESPACE from the environment when these
      // are empty; tokens and namespaces are set per request instead.
      token: ' ',
      namespace: ' ',
      // Its default debug logger prints request bodies (the JWT) when DEBUG is set.
      debug: () => {},
      'request-promise': transport,
    } as nodeVault.VaultOptions);
    // The placeholders above keep the environment out; clear them so no header is sent.
    const fields = this.vault as { token: string; namespace?: string; pathPrefix?: string };
    fields.token = '';
    fields.namespace = '';
    fields.pathPrefix = ''; // node-vault would otherwise read VAULT_PREFIX
  }

  /** Sends one request, retrying what is retryable until the policy's deadline. */
  async request<T>(request: VaultRequest): Promise<T> {
    // This request lost its connection: a sealed answer after that is a restart, whatever other
    // requests under way meanwhile saw (the client-wide flag is for requests that start later).
    let wentAway = false;
    return retry({
      policy: this.retryPolicy,
      ...(this.clock ? { clock: this.clock } : {}),
      isRetryable: (error) =>
        isRetryableVaultFailure(error) || ((this.restarting || wentAway) && isSealedFailure(error)),
      onRetry: (error, { attempt, delayMs }) => {
        this.logger.debug(
          `Vault ${request.method} ${request.path} failed (${summarize(error)}); retry ${attempt} in ${Math.round(delayMs)} ms`,
        );
      },
      attempt: () =>
        this.send<T>(request).catch((failure: unknown) => {
          if (failure instanceof VaultHttpError && isConnectionFailure(failure)) wentAway = true;
          throw failure;
        }),
    });
  }

  private async send<T>(request: VaultRequest): Promise<T> {
    const headers: Record<string, string> = {};
    if (request.token) headers['X-Vault-Token'] = request.token;
    const namespace = request.namespace ?? this.namespace;
    if (namespace) headers['X-Vault-Namespace'] = namespace;
    try {
      const answer = (await this.vault.request({
        path: request.path,
        method: request.method,
        headers,
        ...(request.body ? { json: request.body } : {}),
      })) as T;
      this.restarting = false;
      return answer;
    } catch (error: unknown) {
      const failure = toHttpError(error);
      if (isConnectionFailure(failure)) this.restarting = true;
      else if (!isSealedAnswer(failure)) this.restarting = false;
      throw failure;
    }
  }
}

/** No answer came: refused, reset, timed out (not a TLS failure: that is not a restart). */
function isConnectionFailure(error: VaultHttpError): boolean {
  return error.status === undefined && error.invalidAnswer === undefined && !isTlsAnswer(error);
}

function isSealedFailure(error: unknown): boolean {
  return error instanceof VaultHttpError && isSealedAnswer(error);
}

/** node-vault rejects non-2xx answers with `{ message, response: { statusCode, body } }`. */
function toHttpError(error: unknown): VaultHttpError {
  if (error instanceof VaultHttpError) return error;
  const response = (error as { response?: { statusCode?: number; body?: { errors?: unknown } } }).response;
  if (response?.statusCode !== undefined) {
    const raw = response.body?.errors;
    const vaultErrors = Array.isArray(raw) ? raw.map(String) : [];
    return new VaultHttpError({
      status: response.statusCode,
      vaultErrors,
      message: `${response.statusCode} ${vaultErrors.join('; ') || 'no error text'}`,
    });
  }
  return new VaultHttpError({ message: error instanceof Error ? error.message : String(error) });
}

export function summarize(error: unknown): string {
  if (error instanceof VaultHttpError) {
    if (error.status !== undefined) return `${error.status} ${error.vaultErrors.join('; ')}`.trim();
    return `${error.socketCode ?? 'connection failed'}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
