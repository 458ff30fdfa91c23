/**
 * One request through the proxy: check the path, put the session's token on it, stream it to
 * Vault and the answer back. A 403 for a token that is no longer valid (revoked, or expired
 * early) logs in again and sends the request once more, when its body was small enough to keep.
 */
import http from 'node:http';
import https from 'node:https';
import { describeError } from '../errors.ts';
import type { TokenProvider } from '../vault/session.ts';
import { apiPathOf, type AllowList } from './allow-list.ts';
import { scrubText, TokenScrubber } from './scrub.ts';

/** Request bodies up to this size are kept for a second attempt after a re-login; larger ones stream only. */
export const REPLAY_LIMIT_BYTES = 1024 * 1024;
/** An upstream request idle this long is answered 504. */
export const UPSTREAM_IDLE_TIMEOUT_MS = 60_000;

/** Headers that belong to one connection, or that the proxy sets itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  // The proxy answered the client's 100-continue itself; Vault gets the body at once.
  'expect',
  'host',
  'authorization',
  'x-vault-token',
  'x-vault-namespace',
]);

export interface Upstream {
  /** Vault's base URL, without a trailing slash. */
  readonly address: string;
  readonly namespace: string;
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;
}

export interface ForwardStats {
  requests: number;
  denied: number;
  /** Answers the proxy gave itself because Vault or the login failed (502, 503, 504). */
  failed: number;
  replayed: number;
}

export interface ForwardContext {
  readonly upstream: Upstream;
  readonly tokens: TokenProvider;
  /** Whether Vault still accepts `token`: 'invalid' after a 403 means log in again. */
  readonly tokenState: (token: string) => Promise<'valid' | 'invalid' | 'unknown'>;
  readonly allow: AllowList;
  /** The proxy's tokens: blanked out of every answer. */
  readonly secrets: () => readonly string[];
  readonly stats: ForwardStats;
  readonly debug: (message: string) => void;
}

export async function forward(ctx: ForwardContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = performance.now();
  ctx.stats.requests++;
  const target = apiPathOf(req.url ?? '');
  if ('refused' in target) {
    ctx.stats.denied++;
    answer(res, 400, `${req.method} ${req.url?.split('?')[0]}: ${target.refused}`);
    return;
  }
  if (!ctx.allow.allows(target.path)) {
    ctx.stats.denied++;
    answer(res, 403, `${target.path} is not in the proxy's allow list (${ctx.allow.patterns.join(', ')})`);
    ctx.debug(`${req.method} /v1/${target.path} → 403 (not allowed)`);
    return;
  }
  const body = new BodyKeeper(req);
  try {
    let token = await ctx.tokens.getToken();
    let upstream = await send(ctx.upstream, req, token, body.firstAttempt());
    if (upstream.statusCode === 403) {
      // A 403 answer is a short error list: read it whole, to pass it on if the token is fine.
      const forbidden = await readAll(upstream);
      const retry = body.replayable() && (await ctx.tokenState(token)) === 'invalid';
      if (!retry) {
        passOn(res, upstream, ctx.secrets(), forbidden);
        return;
      }
      ctx.stats.replayed++;
      token = await ctx.tokens.renewToken(token);
      upstream = await send(ctx.upstream, req, token, body.kept());
    }
    passOn(res, upstream, ctx.secrets());
    ctx.debug(
      `${req.method} /v1/${target.path} → ${upstream.statusCode} (${Math.round(performance.now() - started)} ms)`,
    );
  } catch (error: unknown) {
    ctx.stats.failed++;
    const failure = error instanceof UpstreamFailure ? error : undefined;
    const status = failure?.status ?? 503;
    const reason = failure ? failure.message : `cannot log in to Vault: ${describeError(error)}`;
    if (res.headersSent) res.destroy();
    else answer(res, status, reason);
    ctx.debug(`${req.method} /v1/${target.path} → ${status} (${reason})`);
  }
}

/** The proxy's own answer, in Vault's error format so clients print it. */
export function answer(res: http.ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ errors: [`spiffe-vault proxy: ${message}`] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

class UpstreamFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Streams the request body on, keeping a copy while it stays under REPLAY_LIMIT_BYTES. */
class BodyKeeper {
  private readonly req: http.IncomingMessage;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;

  constructor(req: http.IncomingMessage) {
    this.req = req;
  }

  firstAttempt(): (upstream: http.ClientRequest) => void {
    return (upstream) => {
      this.req.on('data', (chunk: Buffer) => {
        if (this.overflow) return;
        this.size += chunk.length;
        if (this.size > REPLAY_LIMIT_BYTES) {
          this.overflow = true;
          this.chunks.length = 0;
        } else this.chunks.push(chunk);
      });
      this.req.pipe(upstream);
    };
  }

  replayable(): boolean {
    return !this.overflow && this.req.readableEnded;
  }

  kept(): (upstream: http.ClientRequest) => void {
    const body = Buffer.concat(this.chunks);
    return (upstream) => upstream.end(body);
  }
}

function send(
  upstream: Upstream,
  req: http.IncomingMessage,
  token: string,
  writeBody: (request: http.ClientRequest) => void,
): Promise<http.IncomingMessage> {
  const url = new URL(upstream.address + (req.url ?? '/'));
  const isHttps = url.protocol === 'https:';
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!NOT_FORWARDED.has(name) && value !== undefined) headers[name] = value;
  }
  headers['x-vault-token'] = token;
  if (upstream.namespace) headers['x-vault-namespace'] = upstream.namespace;
  return new Promise((resolve, reject) => {
    const request = (isHttps ? https : http).request(url, {
      method: req.method ?? 'GET',
      headers,
      agent: isHttps ? upstream.httpsAgent : upstream.httpAgent,
      timeout: UPSTREAM_IDLE_TIMEOUT_MS,
    });
    request.on('timeout', () => {
      request.destroy(
        new UpstreamFailure(
          504,
          `Vault at ${upstream.address} did not answer within ${UPSTREAM_IDLE_TIMEOUT_MS / 1000} s`,
        ),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error instanceof UpstreamFailure
          ? error
          : new UpstreamFailure(
              502,
              `Vault at ${upstream.address} is unreachable (${error.code ?? error.message}) — check that it is up and reachable from this runner`,
            ),
      );
    });
    // A client that goes away takes its upstream request with it.
    req.once('close', () => {
      if (!req.complete) request.destroy();
    });
    request.on('response', resolve);
    writeBody(request);
  });
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

/** Copies Vault's answer to the client: status, end-to-end headers, then the body (streamed, scrubbed). */
function passOn(
  res: http.ServerResponse,
  upstream: http.IncomingMessage,
  secrets: readonly string[],
  body?: Buffer,
): void {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (!NOT_FORWARDED.has(name) && value !== undefined) headers[name] = value;
  }
  res.writeHead(upstream.statusCode ?? 502, headers);
  if (body !== undefined) {
    res.end(Buffer.from(scrubText(body.toString('latin1'), secrets), 'latin1'));
    return;
  }
  upstream.on('error', () => res.destroy());
  upstream.pipe(new TokenScrubber(secrets)).pipe(res);
}
