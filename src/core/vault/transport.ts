/**
 * The HTTP transport under node-vault: TLS (CA, mutual TLS, skip-verify), proxies with CONNECT,
 * timeouts, and errors without secrets.
 */
import http from 'node:http';
import https from 'node:https';
import { readBoundedBody } from '../bounded-body.ts';
import { VaultHttpError } from './errors.ts';
import { pickProxyEnv } from '../proxy-env.ts';

/** TLS and proxy settings for the connection to Vault. PEM strings, not file paths. */
export interface VaultTlsOptions {
  readonly caCert?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly skipVerify?: boolean;
}

export interface TransportOptions extends VaultTlsOptions {
  /** Per-request timeout in milliseconds. */
  readonly requestTimeoutMs: number;
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case), as the adapter read them. */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
}

/** The request shape node-vault hands to its `request-promise` seam. */
interface LegacyRequest {
  readonly method: string;
  readonly uri: string;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
}

export interface LegacyResponse {
  readonly statusCode: number;
  readonly body: unknown;
  readonly request: { readonly path: string };
}

export type RequestFunction = (request: LegacyRequest) => Promise<LegacyResponse>;

/**
 * The most one Vault answer may hold; reading stops there (VAULT_ANSWER_INVALID). A batch of 200
 * signatures is ~31 KB, a key with a thousand versions well under 1 MiB.
 */
export const MAX_VAULT_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * The HTTP transport under node-vault. node-vault's own axios transport applies proxy variables
 * by itself and sends https requests to an http proxy without a CONNECT tunnel; Node's agents
 * tunnel properly (`proxyEnv`) and let us keep request bodies and headers out of errors.
 */
export function createTransport(options: TransportOptions): { defaults: () => RequestFunction } {
  const { httpAgent, httpsAgent } = createVaultAgents(options);
  const send: RequestFunction = (request) => {
    const url = new URL(request.uri);
    const isHttps = url.protocol === 'https:';
    const body = request.json === undefined ? undefined : JSON.stringify(request.json);
    const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise<LegacyResponse>((resolve, reject) => {
      const req = (isHttps ? https : http).request(url, {
        method: request.method,
        headers,
        agent: isHttps ? httpsAgent : httpAgent,
        timeout: options.requestTimeoutMs,
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(new VaultHttpError({ socketCode: error.code ?? 'ECONNFAILED', message: error.message }));
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        readBoundedBody(
          { req, res },
          { limit: MAX_VAULT_RESPONSE_BYTES, trustLength: true },
          {
            tooLarge: () =>
              reject(
                new VaultHttpError({
                  status,
                  invalidAnswer: 'too-large',
                  message: `the answer (${status}) to ${request.method} ${url.pathname} is larger than ${MAX_VAULT_RESPONSE_BYTES} bytes`,
                }),
              ),
            failed: (error) =>
              reject(new VaultHttpError({ socketCode: error.code ?? 'ECONNRESET', message: error.message })),
            body: (raw) => {
              const parsed = parseBody(raw);
              if (parsed === NOT_JSON && status >= 200 && status < 300) {
                // Never quoted: a cut-off login answer holds the token it minted.
                const type = res.headers['content-type'] ?? 'none';
                return reject(
                  new VaultHttpError({
                    status,
                    invalidAnswer: 'not-json',
                    message: `the answer (${status}, ${raw.length} bytes, content type ${type}) to ${request.method} ${url.pathname} is not JSON`,
                  }),
                );
              }
              resolve({
                statusCode: status,
                body: parsed === NOT_JSON ? { errors: [`non-JSON response: ${raw.toString('utf8', 0, 200)}`] } : parsed,
                request: { path: url.pathname },
              });
            },
          },
        );
      });
      req.end(body);
    });
  };
  return { defaults: () => send };
}

/** Keep-alive agents for Vault: TLS material on the https one, proxies (with CONNECT) on both. */
export function createVaultAgents(
  options: VaultTlsOptions & { readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined },
): { readonly httpAgent: http.Agent; readonly httpsAgent: https.Agent } {
  const proxyEnv = options.proxyEnv ? pickProxyEnv(options.proxyEnv) : undefined;
  const agentOptions = { keepAlive: true, ...(proxyEnv ? { proxyEnv } : {}) };
  return {
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent({
      ...agentOptions,
      ...(options.caCert ? { ca: options.caCert } : {}),
      ...(options.clientCert ? { cert: options.clientCert } : {}),
      ...(options.clientKey ? { key: options.clientKey } : {}),
      rejectUnauthorized: options.skipVerify !== true,
    }),
  };
}

const NOT_JSON = Symbol('not JSON');

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return NOT_JSON;
  }
}
