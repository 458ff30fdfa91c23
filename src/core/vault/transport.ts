/**
 * The HTTP transport under node-vault: TLS (CA, mutual TLS, skip-verify), proxies with CONNECT,
 * timeouts, and errors without secrets.
 */
import http from 'node:http';
import https from 'node:https';
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
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          reject(new VaultHttpError({ socketCode: error.code ?? 'ECONNRESET', message: error.message })),
        );
        res.on('end', () => {
          resolve({
            statusCode: res.statusCode ?? 0,
            body: parseBody(Buffer.concat(chunks)),
            request: { path: url.pathname },
          });
        });
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

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return { errors: [`non-JSON response: ${raw.toString('utf8', 0, 200)}`] };
  }
}
