/**
 * The registry HTTP client: auth challenges, credentials, retries under a deadline, and failures
 * turned into findings.
 */
import { createHash } from 'node:crypto';
import { describeError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retry, SYSTEM_CLOCK, type Clock, type RetryPolicy } from '../retry.ts';
import { RegistryAuthenticator, type AuthTarget } from './auth.ts';
import { RegistryCredentialStore } from './credentials.ts';
import { readDockerConfig, type RegistryCredentials } from './docker-config.ts';
import { diagnoseRegistryFailure } from '../diagnose/registry.ts';
import { isRetryableRegistryError, ociErrorFrom, OciError, RegistryHttpError } from './errors.ts';
import { apiHost, hostName, isLoopbackHost } from './reference.ts';
import { createHttpSend, header, registryHttpError, type HttpResponse, type HttpSend } from './transport.ts';

export const DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS = 30_000;

export interface RegistryClientOptions {
  /** Directory of the Docker config (`config.json`): the adapter passes `defaultDockerConfigDir(env)`. Unset = anonymous only. */
  readonly dockerConfigDir?: string;
  /** Credentials per registry (as named in references: `docker.io` for Docker Hub); win over the Docker config. */
  readonly credentials?: Readonly<Record<string, RegistryCredentials>>;
  /**
   * The environment the Docker config's credential helpers (`docker-credential-<name>`) run in,
   * their PATH included; default this process's.
   */
  readonly credentialHelperEnv?: Readonly<Record<string, string | undefined>>;
  /** Hosts (host or host:port) spoken to over plain http. Loopback hosts always are. */
  readonly insecureHosts?: readonly string[];
  readonly retry?: RetryPolicy;
  /** How long one request keeps retrying (the adapters' timeout); overrides `retry.deadlineMs`. */
  readonly retryDeadlineMs?: number;
  readonly clock?: Clock;
  readonly requestTimeoutMs?: number;
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY as the adapter read them. */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
  readonly caCert?: string;
  readonly logger?: Logger;
  /** Replaces the HTTP transport (tests). */
  readonly send?: HttpSend;
  /**
   * Stops the client: requests under way end, none is retried or started (a run that failed
   * before it needed what the client was reading does not wait for it).
   */
  readonly signal?: AbortSignal;
}

/** One request to a repository's API. `path` starts after `/v2/<repository>/`. */
export interface RegistryRequest {
  readonly registry: string;
  readonly repository: string;
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to `/v2/<repository>/`, or an absolute URL (an upload Location). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** Statuses that are answers, not failures (e.g. 404 for "does it exist"). */
  readonly accept: readonly number[];
  /** 'pull' or 'push' (push also pulls): the token scope. */
  readonly access: 'pull' | 'push';
  /** What this is, for messages: "read manifest team/app:1.0". */
  readonly what: string;
  /** The most the answer may hold (src/core/oci/limits.ts); default MAX_RESPONSE_BYTES. */
  readonly maxResponseBytes?: number;
}

/**
 * A small distribution-spec client: authentication (anonymous, Docker config, Basic and Bearer
 * challenges), plain http for loopback and listed hosts, retries of 5xx/429/connection failures
 * within a deadline, and coded errors. Manifest, blob and referrer operations build on `request`.
 */
export class RegistryClient {
  readonly logger: Logger;
  /** `registry/repository@digest` of the blobs this client uploaded (or found): not sent again. */
  private readonly knownBlobs = new Set<string>();
  private readonly blobUploads = new Map<string, Promise<void>>();
  /** Registries that refused a single-POST blob upload: they get the two-step one. */
  private readonly singlePostRefused = new Set<string>();
  private readonly send: HttpSend;
  private readonly auth: RegistryAuthenticator;
  private readonly insecure: ReadonlySet<string>;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly credentials: RegistryCredentialStore;
  private readonly signal: AbortSignal | undefined;
  /** baseUrl per registry: asked for on every request. */
  private readonly baseUrls = new Map<string, string>();

  constructor(options: RegistryClientOptions = {}) {
    this.logger = options.logger ?? NOOP_LOGGER;
    this.signal = options.signal;
    this.clock = abortableClock(options.clock ?? SYSTEM_CLOCK, options.signal);
    const policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.policy = options.retryDeadlineMs === undefined ? policy : { ...policy, deadlineMs: options.retryDeadlineMs };
    this.send =
      options.send ??
      createHttpSend({
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS,
        ...(options.proxyEnv ? { proxyEnv: options.proxyEnv } : {}),
        ...(options.caCert ? { caCert: options.caCert } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    this.insecure = new Set((options.insecureHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean));
    const config = options.dockerConfigDir ? readDockerConfig(options.dockerConfigDir) : undefined;
    this.credentials = new RegistryCredentialStore({
      ...(options.credentials ? { explicit: options.credentials } : {}),
      ...(config ? { config } : {}),
      ...(options.credentialHelperEnv ? { helperEnv: options.credentialHelperEnv } : {}),
      logger: this.logger,
    });
    this.auth = new RegistryAuthenticator({
      send: this.send,
      clock: this.clock,
      credentials: (registry) => this.credentials.get(registry),
      plainHttpAllowed: (host) => this.plainHttpAllowed(host),
    });
  }

  /**
   * Runs `upload` once per repository and blob, however many callers ask at once: concurrent
   * signatures share blobs (the empty config), and two uploads of one blob racing each other
   * let a registry (Distribution 2.8) answer a manifest that names it with BLOB_UNKNOWN.
   */
  async uploadOnce(
    repo: { readonly registry: string; readonly repository: string },
    blob: { readonly digest: string; readonly upload: () => Promise<void> },
  ): Promise<void> {
    const key = `${repo.registry}/${repo.repository}@${blob.digest}`;
    if (this.knownBlobs.has(key)) return;
    let pending = this.blobUploads.get(key);
    if (!pending) {
      pending = blob.upload().finally(() => this.blobUploads.delete(key));
      this.blobUploads.set(key, pending);
    }
    await pending;
    this.knownBlobs.add(key);
  }

  /** Whether small blobs may go to the registry in one POST (it has not refused that form). */
  acceptsSinglePost(registry: string): boolean {
    return !this.singlePostRefused.has(registry);
  }

  /** The registry refused a single-POST upload: two-step uploads from now on. */
  rememberSinglePostRefused(registry: string): void {
    this.singlePostRefused.add(registry);
  }

  /**
   * Where the credentials for `registry` come from ("the options", the Docker config's path, or
   * its credential helper), undefined when there are none; never the credentials themselves.
   * A credential helper runs (once) as it would for a request.
   */
  async credentialOrigin(registry: string): Promise<string | undefined> {
    await this.credentials.get(registry);
    return this.credentials.originOf(registry);
  }

  /** The Docker config file read, when there was one. */
  get dockerConfigPath(): string | undefined {
    return this.credentials.configPath;
  }

  /** `http://host` for loopback and insecure hosts, `https://host` otherwise. */
  baseUrl(registry: string): string {
    let base = this.baseUrls.get(registry);
    if (base === undefined) {
      const host = apiHost(registry);
      base = `${this.plainHttpAllowed(host) ? 'http' : 'https'}://${host}`;
      this.baseUrls.set(registry, base);
    }
    return base;
  }

  /** Loopback hosts, and hosts (host or host:port) listed as insecure. */
  plainHttpAllowed(host: string): boolean {
    return (
      isLoopbackHost(host) || this.insecure.has(host.toLowerCase()) || this.insecure.has(hostName(host).toLowerCase())
    );
  }

  /** Sends one request with auth and retries; throws OciError for anything not in `accept`. */
  async request(req: RegistryRequest): Promise<HttpResponse> {
    const base = this.baseUrl(req.registry);
    const url = /^https?:\/\//.test(req.path) ? new URL(req.path) : new URL(`${base}/v2/${req.repository}/${req.path}`);
    const target: AuthTarget = {
      registry: req.registry,
      baseUrl: base,
      scope: `repository:${req.repository}:${req.access === 'push' ? 'pull,push' : 'pull'}`,
    };
    const attemptOnce = async (): Promise<HttpResponse> => {
      let answered = false;
      for (;;) {
        this.signal?.throwIfAborted();
        // Credentials go only to the registry itself, never to another host a Location names.
        const foreign = url.origin !== base;
        const authorization = foreign ? undefined : this.auth.authorization(target);
        const response = await this.send({
          method: req.method,
          url,
          headers: { 'user-agent': 'spiffe-vault-action', ...req.headers, ...(authorization ? { authorization } : {}) },
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(req.maxResponseBytes !== undefined ? { maxResponseBytes: req.maxResponseBytes } : {}),
        });
        if (response.status === 401 && foreign) {
          // Answering its challenge would hand the registry's credentials to a host it named.
          throw new OciError(
            'REGISTRY_PROTOCOL_ERROR',
            `${req.what}: ${req.registry} sent the request on to ${url.origin}, which asked for credentials (401); ` +
              'credentials go to the registry and its token service only — report this to the registry',
            { host: req.registry, status: 401 },
          );
        }
        if (response.status === 401 && !answered) {
          answered = true;
          if ((await this.auth.answer(target, header(response, 'www-authenticate'))) === 'retry') continue;
        }
        if (req.accept.includes(response.status)) return response;
        throw registryHttpError(response, `${req.what}: ${req.registry} answered ${response.status}`);
      }
    };
    try {
      return await retry({
        policy: this.policy,
        clock: this.clock,
        isRetryable: (error) => !this.signal?.aborted && isRetryableRegistryError(error),
        retryAfterMs: (error) => this.retryAfterMs(error),
        onRetry: (error, { attempt, delayMs }) =>
          this.logger.debug(
            `${req.what}: attempt ${attempt} failed (${describeError(error)}); retrying in ${Math.round(delayMs)} ms`,
          ),
        attempt: attemptOnce,
      });
    } catch (error: unknown) {
      throw this.toOciError(req, error);
    }
  }

  /** What a 429 or 503 asked for in Retry-After. */
  private retryAfterMs(error: unknown): number | undefined {
    if (!(error instanceof RegistryHttpError)) return undefined;
    const value = error.headers['retry-after'];
    return parseRetryAfter(Array.isArray(value) ? value[0] : value, this.clock.now());
  }

  private toOciError(req: RegistryRequest, error: unknown): Error {
    if (error instanceof OciError || !(error instanceof RegistryHttpError)) return error as Error;
    const finding = diagnoseRegistryFailure(error, {
      what: req.what,
      host: req.registry,
      baseUrl: this.baseUrl(req.registry),
      repository: req.repository,
      access: req.access,
      hasCredentials: this.credentials.originOf(req.registry) !== undefined,
      // Where the refused credentials came from: a credential helper, or the Docker config.
      configPath: this.credentials.originOf(req.registry) ?? this.credentials.configPath,
      retriedForMs: this.policy.deadlineMs,
      retryAfterMs: this.retryAfterMs(error),
    });
    return ociErrorFrom(finding, { host: req.registry, cause: error });
  }
}

/** `sha256:<hex>` of bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `clock` whose waits end early when `signal` is aborted (no timer left to hold the process). */
function abortableClock(clock: Clock, signal: AbortSignal | undefined): Clock {
  if (!signal) return clock;
  return {
    now: () => clock.now(),
    sleep: (ms) =>
      signal.aborted
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal.removeEventListener('abort', done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            signal.addEventListener('abort', done, { once: true });
          }),
  };
}
