/** HTTP for the registry client: one request, one buffered answer, proxies, and answers turned into errors. */
import http from 'node:http';
import https from 'node:https';
import { readBoundedBody } from '../bounded-body.ts';
import { answerTooLargeError, noAnswerError, RegistryHttpError } from './errors.ts';
import { createHttp1Send } from './http1-transport.ts';
import { MAX_RESPONSE_BYTES } from './limits.ts';
import { hostName } from './reference.ts';
import { pickProxyEnv } from '../proxy-env.ts';

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** The most this answer may hold (default MAX_RESPONSE_BYTES); reading stops there. */
  readonly maxResponseBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * One HTTP exchange; rejects only with a RegistryHttpError: status 0 (no answer), or the
 * answer's status with `limitBytes` set when its body is larger than allowed.
 */
export type HttpSend = (request: HttpRequest) => Promise<HttpResponse>;

export interface TransportOptions {
  /** Per-request timeout in milliseconds. */
  readonly requestTimeoutMs: number;
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case), as the adapter read them. */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
  /** Extra CA certificates (PEM) for https registries. */
  readonly caCert?: string;
  /**
   * Aborted: every connection is closed, so the requests under way end (status 0). One listener
   * for the transport, not one per request: a signal on each of thousands of requests costs
   * measurably.
   */
  readonly signal?: AbortSignal;
}

/**
 * The registry's HTTP: the client's own HTTP/1.1 (http1-transport.ts) when no proxy is set,
 * node:http's agents when one is.
 */
export function createHttpSend(options: TransportOptions): HttpSend {
  const proxyEnv = options.proxyEnv ? pickProxyEnv(options.proxyEnv) : {};
  const proxied = Object.keys(proxyEnv).some((name) => /^https?_proxy$/i.test(name));
  if (proxied) return createNodeHttpSend(options, proxyEnv);
  return createHttp1Send({
    requestTimeoutMs: options.requestTimeoutMs,
    ...(options.caCert ? { caCert: options.caCert } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * Node's http(s) with keep-alive agents. Node's agents tunnel https through an http proxy
 * (`proxyEnv`), which fetch() in Node 24 only does behind a process-wide flag.
 */
function createNodeHttpSend(options: TransportOptions, proxyEnv: Record<string, string>): HttpSend {
  const agentOptions = { keepAlive: true, proxyEnv };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({ ...agentOptions, ...(options.caCert ? { ca: options.caCert } : {}) });
  options.signal?.addEventListener(
    'abort',
    () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
    { once: true },
  );
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const isHttps = request.url.protocol === 'https:';
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(request.body.length);
      const { url } = request;
      // Options rather than the URL itself: Node's URL-to-options conversion is a measurable part
      // of a request's cost when an image run sends thousands.
      const req = (isHttps ? https : http).request({
        protocol: url.protocol,
        hostname: hostName(url.host),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
        timeout: options.requestTimeoutMs,
      });
      const fail = (error: NodeJS.ErrnoException) => reject(noAnswerError(error, 'ECONNFAILED'));
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${options.requestTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', fail);
      req.on('response', (res) => {
        const limit = request.maxResponseBytes ?? MAX_RESPONSE_BYTES;
        readBoundedBody(
          { req, res },
          { limit, trustLength: request.method !== 'HEAD' },
          {
            body: (body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
            failed: fail,
            tooLarge: () =>
              reject(answerTooLargeError(request.url, { limit, status: res.statusCode ?? 0, headers: res.headers })),
          },
        );
      });
      req.end(request.body);
    });
}

/** A header's single value (the first when repeated). */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A non-accepted answer as a RegistryHttpError, with the distribution error body's codes and messages. */
export function registryHttpError(response: HttpResponse, message: string): RegistryHttpError {
  let codes: string[] = [];
  let text = '';
  try {
    const body = JSON.parse(response.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    codes = (body.errors ?? []).map((e) => e.code ?? '').filter(Boolean);
    text = (body.errors ?? [])
      .map((e) => e.message ?? '')
      .filter(Boolean)
      .join('; ');
  } catch {
    // not a distribution error body
  }
  return new RegistryHttpError({
    status: response.status,
    message: text ? `${message}: ${text.slice(0, 300)}` : message,
    registryCodes: codes,
    headers: response.headers,
  });
}
