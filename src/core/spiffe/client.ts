/** The SPIFFE Workload API client (JWT-SVID and X.509-SVID profiles): retries, deadlines and parsed answers. */
import { Client, credentials } from '@grpc/grpc-js';
import { describeError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import { SYSTEM_CLOCK, retry, type Clock, type RetryPolicy } from '../retry.ts';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress, type WorkloadApiAddress } from './address.ts';
import { WorkloadApiError } from './errors.ts';
import type { JwtBundles, JwtSvid } from './jwt-svid.ts';
import { checkIssuedJwtSvid, checkIssuedX509Svid } from './issued-checks.ts';
import { parseSpiffeId } from './spiffe-id.ts';
import { describeGrpcFailure, finalError, isRetryableStatus, isServiceError } from './status.ts';
import { firstJwtBundles, firstX509Bundles, firstX509Svids, unaryJwtSvid } from './grpc-calls.ts';
import { parseJwtBundlesResponse, parseJwtSvidResponse, type WireJwtSvidRequest } from './wire.ts';
import { parseX509BundlesResponse, parseX509SvidResponse, type X509Bundles, type X509Svid } from './x509-svid.ts';

/** Overall time budget for one Workload API operation, retries included. */
export const DEFAULT_WORKLOAD_API_TIMEOUT_MS = 30_000;
/** Time budget for one gRPC call. */
export const DEFAULT_WORKLOAD_API_CALL_TIMEOUT_MS = 10_000;
/** Backoff between attempts; entries reach the agent within ~5 s, so the cap stays short. */
export const DEFAULT_WORKLOAD_API_RETRY_POLICY: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'> = Object.freeze({
  initialDelayMs: 200,
  maxDelayMs: 2_000,
});
export { SECURITY_HEADER } from './grpc-calls.ts';

export interface WorkloadApiClientOptions {
  /** A `SPIFFE_ENDPOINT_SOCKET` value (`unix:///path` or `tcp://IP:PORT`); default SPIRE's socket. */
  readonly address?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Overall deadline of one operation, retries included (default 30 s). */
  readonly timeoutMs?: number;
  /** Backoff between retries (the deadline is `timeoutMs`). */
  readonly retryPolicy?: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>;
  /** Deadline of one gRPC call (default 10 s). */
  readonly callTimeoutMs?: number;
  /** Told of each failed attempt that will be retried (e.g. to say an identity arrived late). */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

export interface FetchJwtSvidOptions {
  /** The audience(s) for the `aud` claim: at least one, none empty. */
  readonly audiences: readonly string[];
  /** Only the JWT-SVID for this SPIFFE ID (`JWT_SVID_NOT_FOUND` if the workload lacks it). */
  readonly spiffeId?: string;
}

/**
 * Audiences are checked here, not left to the agent: SPIRE 1.15 answers an empty list with
 * InvalidArgument, but an empty-string audience with Unavailable ("invalid JWT-SVID audience:
 * cannot be empty", from its server), which the spec makes retryable: we would retry until the
 * deadline and then blame the agent.
 */
function checkAudiences(audiences: readonly string[]): string[] {
  if (!Array.isArray(audiences) || audiences.length === 0) {
    throw new WorkloadApiError('WORKLOAD_API_REQUEST_INVALID', 'no audience given for the JWT-SVID: pass at least one');
  }
  const bad = audiences.filter((audience) => typeof audience !== 'string' || audience.trim() === '');
  if (bad.length > 0) {
    throw new WorkloadApiError(
      'WORKLOAD_API_REQUEST_INVALID',
      `the JWT-SVID audiences ${JSON.stringify(audiences)} include an empty one: every audience must be a non-empty string`,
    );
  }
  return [...audiences];
}

/**
 * A client of the SPIFFE Workload API (JWT-SVID profile). Retries what the spec calls retryable
 * (Unavailable, including a socket that does not exist yet, and PermissionDenied) with capped
 * exponential backoff under an overall deadline; everything else fails at once. Call `close()`
 * when done (safe to call twice); an unclosed idle client does not keep the process alive.
 */
export class WorkloadApiClient {
  readonly address: WorkloadApiAddress;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #policy: RetryPolicy;
  readonly #callTimeoutMs: number;
  readonly #onRetry: ((error: unknown, attempt: number) => void) | undefined;
  readonly #grpc: Client;
  #closed = false;

  constructor(options: WorkloadApiClientOptions = {}) {
    this.address = parseWorkloadApiAddress(options.address ?? DEFAULT_AGENT_SOCKET);
    this.#logger = options.logger ?? NOOP_LOGGER;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#random = options.random ?? Math.random;
    const backoff = options.retryPolicy ?? DEFAULT_WORKLOAD_API_RETRY_POLICY;
    this.#policy = Object.freeze({
      initialDelayMs: backoff.initialDelayMs,
      maxDelayMs: backoff.maxDelayMs,
      deadlineMs: options.timeoutMs ?? DEFAULT_WORKLOAD_API_TIMEOUT_MS,
    });
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_WORKLOAD_API_CALL_TIMEOUT_MS;
    this.#onRetry = options.onRetry;
    this.#grpc = new Client(this.address.target, credentials.createInsecure(), {
      // Reconnect soon after the socket appears; our own backoff paces the attempts.
      'grpc.initial_reconnect_backoff_ms': Math.min(this.#policy.initialDelayMs, 1_000),
      'grpc.max_reconnect_backoff_ms': Math.max(this.#policy.maxDelayMs, 100),
      'grpc.enable_retries': 0,
      'grpc.enable_channelz': 0,
    });
  }

  /** All JWT-SVIDs the agent issues this workload for `audiences` (or only `spiffeId`'s). */
  async fetchJwtSvids(options: FetchJwtSvidOptions): Promise<JwtSvid[]> {
    const wanted = this.#wantedSpiffeId(options.spiffeId);
    const audiences = checkAudiences(options.audiences);
    const what = `FetchJWTSVID for audience ${audiences.map((a) => `'${a}'`).join(', ')}`;
    // The request never names a SPIFFE ID: SPIRE answers an ID the workload lacks with the same
    // PermissionDenied as "not registered", which we would retry until the deadline. Filtering
    // here fails at once, listing the IDs the workload does have.
    const request: WireJwtSvidRequest = { audience: audiences };
    const response = await this.#withRetry(what, (deadline) => unaryJwtSvid(this.#grpc, { request, deadline }));
    const svids = parseJwtSvidResponse(response);
    const matching = wanted === undefined ? svids : svids.filter((svid) => svid.spiffeId === wanted);
    if (matching.length === 0) {
      throw new WorkloadApiError(
        'JWT_SVID_NOT_FOUND',
        `the SPIFFE Workload API at ${this.address.original} issued no JWT-SVID for ${wanted} to this workload ` +
          `(it has: ${svids.map((s) => s.spiffeId).join(', ')}): check the expected SPIFFE ID, or the registration ` +
          'entry for this workload (`spire-server entry show`)',
      );
    }
    for (const svid of matching) {
      checkIssuedJwtSvid(svid, { audiences, address: this.address.original, nowMs: Date.now() });
      this.#logger.debug(
        `Workload API issued a JWT-SVID for ${svid.spiffeId} (audience ${svid.audiences.join(', ')}, expires ${svid.expiresAt.toISOString()})`,
      );
    }
    return matching;
  }

  /** The JWT-SVID for `spiffeId`, or the workload's default (first) identity. */
  async fetchJwtSvid(options: FetchJwtSvidOptions): Promise<JwtSvid> {
    const [first] = await this.fetchJwtSvids(options);
    return first as JwtSvid;
  }

  /** The JWT bundles (JWKS) keyed by trust domain ID: the stream's first message. */
  async fetchJwtBundles(): Promise<JwtBundles> {
    const response = await this.#withRetry('FetchJWTBundles', (deadline) => firstJwtBundles(this.#grpc, deadline));
    const bundles = parseJwtBundlesResponse(response);
    this.#logger.debug(`Workload API sent JWT bundles for ${[...bundles.keys()].join(', ')}`);
    return bundles;
  }

  /**
   * The X.509-SVID for `spiffeId`, or the workload's default (first) identity: the first message
   * of the FetchX509SVID stream (the stream is then closed). Same retries as FetchJWTSVID.
   */
  async fetchX509Svid(options: { readonly spiffeId?: string } = {}): Promise<X509Svid> {
    const wanted = this.#wantedSpiffeId(options.spiffeId);
    const svids = await this.fetchX509Svids();
    const svid = wanted === undefined ? svids[0] : svids.find((candidate) => candidate.spiffeId === wanted);
    if (svid === undefined) {
      throw new WorkloadApiError(
        'X509_SVID_NOT_FOUND',
        `the SPIFFE Workload API at ${this.address.original} issued no X.509-SVID for ${wanted} to this workload ` +
          `(it has: ${svids.map((s) => s.spiffeId).join(', ')}): check the expected SPIFFE ID, or the registration ` +
          'entry for this workload (`spire-server entry show`)',
      );
    }
    checkIssuedX509Svid(svid, { address: this.address.original, nowMs: Date.now() });
    this.#logger.debug(
      `Workload API issued an X.509-SVID for ${svid.spiffeId} (expires ${svid.expiresAt.toISOString()})`,
    );
    return svid;
  }

  /** Every X.509-SVID the agent issues this workload: the first message of the FetchX509SVID stream. */
  async fetchX509Svids(): Promise<X509Svid[]> {
    const response = await this.#withRetry('FetchX509SVID', (deadline) => firstX509Svids(this.#grpc, deadline));
    return parseX509SvidResponse(response);
  }

  /** The X.509 bundles keyed by trust domain ID: the stream's first message. */
  async fetchX509Bundles(): Promise<X509Bundles> {
    const response = await this.#withRetry('FetchX509Bundles', (deadline) => firstX509Bundles(this.#grpc, deadline));
    return parseX509BundlesResponse(response);
  }

  /** Closes the channel. Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#grpc.close();
  }

  #wantedSpiffeId(spiffeId: string | undefined): string | undefined {
    if (spiffeId === undefined || spiffeId === '') return undefined;
    try {
      return parseSpiffeId(spiffeId).id;
    } catch (error: unknown) {
      throw new WorkloadApiError(
        'WORKLOAD_API_REQUEST_INVALID',
        `the requested SPIFFE ID is invalid: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async #withRetry<T>(what: string, call: (deadline: Date) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new WorkloadApiError('WORKLOAD_API_CLOSED', `${what}: the Workload API client has been closed`);
    }
    const started = this.#clock.now();
    const context = { what, address: this.address, policy: this.#policy };
    let attempts = 0;
    try {
      return await retry({
        policy: this.#policy,
        clock: this.#clock,
        random: this.#random,
        isRetryable: (error) => isServiceError(error) && isRetryableStatus(error.code),
        onRetry: (error, { attempt, delayMs }) => {
          this.#onRetry?.(error, attempt);
          this.#logger.debug(
            `Workload API ${what} at ${this.address.original}: ${describeGrpcFailure(error)}; ` +
              `retrying in ${Math.round(delayMs)} ms (attempt ${attempt})`,
          );
        },
        onDeadline: (error, count) =>
          finalError(error, { ...context, attempts: count, elapsedMs: this.#clock.now() - started }),
        attempt: async (attempt) => {
          attempts = attempt;
          if (this.#closed) {
            throw new WorkloadApiError(
              'WORKLOAD_API_CLOSED',
              `${what}: the Workload API client was closed while retrying`,
            );
          }
          const remaining = this.#policy.deadlineMs - (this.#clock.now() - started);
          // Every attempt gets at least a second, even the one at the deadline.
          const budget = Math.min(this.#callTimeoutMs, Math.max(remaining, 1_000));
          return call(new Date(Date.now() + budget));
        },
      });
    } catch (error: unknown) {
      if (error instanceof WorkloadApiError) throw error;
      throw finalError(error, { ...context, attempts, elapsedMs: this.#clock.now() - started });
    }
  }
}
