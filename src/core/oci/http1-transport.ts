/**
 * The registry client's HTTP/1.1 over keep-alive sockets of its own, without node:http. An image
 * run sends thousands of small requests, and node:http's per-request machinery cost more CPU than
 * everything else in such a run (a 500-image run spent about half its time in it). Used when no
 * proxy is set; with one, node:http's agents, which tunnel through it, are (transport.ts).
 */
import net from 'node:net';
import tls from 'node:tls';
import { answerTooLargeError, noAnswerError, RegistryHttpError } from './errors.ts';
import {
  HTTP_TOKEN,
  Http1ProtocolError,
  Http1ResponseParser,
  INVALID_HEADER_VALUE,
  type ParseStep,
} from './http1-response.ts';
import { MAX_RESPONSE_BYTES } from './limits.ts';
import { hostName } from './reference.ts';
import type { HttpRequest, HttpResponse, HttpSend } from './transport.ts';

export interface Http1Options {
  /** A request fails when its connection is silent this long. */
  readonly requestTimeoutMs: number;
  /** CA certificates (PEM) for https registries, in place of Node's. */
  readonly caCert?: string;
  /** Aborted: every connection is closed, so the requests under way end (status 0). */
  readonly signal?: AbortSignal;
}

const INVALID_PATH = /[^\x21-\x7e\x80-\xff]/;

interface Origin {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly idle: Connection[];
  /** The last TLS session, to resume on the next connection. */
  session?: Buffer;
}

interface Exchange {
  readonly request: HttpRequest;
  readonly bytes: Buffer | string;
  readonly parser: Http1ResponseParser;
  readonly limit: number;
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: RegistryHttpError) => void;
  /** Already sent again after a kept-alive connection closed before answering. */
  resent: boolean;
}

export function createHttp1Send(options: Http1Options): HttpSend {
  const pool = new ConnectionPool(options);
  options.signal?.addEventListener('abort', () => pool.closeAll(), { once: true });
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      let bytes: Buffer | string;
      try {
        bytes = requestBytes(request);
      } catch (error) {
        reject(error as RegistryHttpError);
        return;
      }
      const limit = request.maxResponseBytes ?? MAX_RESPONSE_BYTES;
      const parser = new Http1ResponseParser({ head: request.method === 'HEAD', limit });
      pool.dispatch({ request, bytes, parser, limit, resolve, reject, resent: false });
    });
}

/** The request's bytes: its line, headers and body in one write. */
function requestBytes(request: HttpRequest): Buffer | string {
  const { url, method, body } = request;
  const path = `${url.pathname}${url.search}`;
  if (INVALID_PATH.test(path))
    throw invalidRequest(`the path of ${url.origin}${url.pathname} has characters HTTP does not allow`);
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name] as string;
    if (!HTTP_TOKEN.test(name) || INVALID_HEADER_VALUE.test(value))
      throw invalidRequest(
        `the request header ${HTTP_TOKEN.test(name) ? name : '(malformed name)'} has characters HTTP does not allow`,
      );
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined) head += `content-length: ${body.length}\r\n`;
  else if (method === 'POST' || method === 'PUT') head += 'content-length: 0\r\n';
  head += 'connection: keep-alive\r\n\r\n';
  if (body === undefined || body.length === 0) return head;
  const headBytes = Buffer.from(head, 'latin1');
  return Buffer.concat([headBytes, body], headBytes.length + body.length);
}

function invalidRequest(message: string): RegistryHttpError {
  return new RegistryHttpError({ status: 0, socketCode: 'ERR_INVALID_HTTP_TOKEN', message });
}

/** Keep-alive connections per origin, one request at a time on each. */
class ConnectionPool {
  private readonly origins = new Map<string, Origin>();
  private readonly open = new Set<Connection>();

  readonly options: Http1Options;

  constructor(options: Http1Options) {
    this.options = options;
  }

  dispatch(exchange: Exchange, fresh = false): void {
    const origin = this.originOf(exchange.request.url);
    let connection: Connection | undefined;
    while (!fresh && (connection = origin.idle.pop()) !== undefined) {
      if (!connection.socket.destroyed) break;
    }
    if (connection === undefined || connection.socket.destroyed) connection = this.connect(origin);
    connection.start(exchange);
  }

  release(connection: Connection): void {
    connection.socket.unref();
    connection.origin.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.open.delete(connection);
    const idle = connection.origin.idle;
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
  }

  closeAll(): void {
    for (const connection of this.open) connection.socket.destroy();
  }

  private originOf(url: URL): Origin {
    const key = `${url.protocol}//${url.host}`;
    let origin = this.origins.get(key);
    if (origin === undefined) {
      const secure = url.protocol === 'https:';
      origin = { secure, host: hostName(url.host), port: Number(url.port) || (secure ? 443 : 80), idle: [] };
      this.origins.set(key, origin);
    }
    return origin;
  }

  private connect(origin: Origin): Connection {
    const { host, port } = origin;
    const socket = origin.secure
      ? tls.connect({
          host,
          port,
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(this.options.caCert ? { ca: this.options.caCert } : {}),
          ...(origin.session ? { session: origin.session } : {}),
        })
      : net.connect({ host, port });
    if (origin.secure) socket.on('session', (session: Buffer) => (origin.session = session));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    socket.setTimeout(this.options.requestTimeoutMs);
    const connection = new Connection(socket, origin, this);
    this.open.add(connection);
    return connection;
  }
}

class Connection {
  private exchange: Exchange | undefined;
  /** It has answered a request before: a close before the next answer may be its idle timeout. */
  private reused = false;

  readonly socket: net.Socket;
  readonly origin: Origin;
  private readonly pool: ConnectionPool;

  constructor(socket: net.Socket, origin: Origin, pool: ConnectionPool) {
    this.socket = socket;
    this.origin = origin;
    this.pool = pool;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => this.onTimeout());
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: NodeJS.ErrnoException) => this.onLost(error));
    socket.on('close', () => this.onLost(undefined));
  }

  start(exchange: Exchange): void {
    this.exchange = exchange;
    if (this.reused) this.socket.ref();
    this.socket.write(exchange.bytes, 'latin1');
  }

  private onData(chunk: Buffer): void {
    const exchange = this.exchange;
    if (exchange === undefined) {
      // Bytes nobody asked for: this connection's framing can no longer be trusted.
      this.socket.destroy();
      return;
    }
    let step: ParseStep;
    try {
      step = exchange.parser.push(chunk);
    } catch (error) {
      this.fail(error as Http1ProtocolError);
      return;
    }
    if (step.kind === 'more') return;
    this.exchange = undefined;
    if (step.kind === 'too-large') {
      this.socket.destroy();
      exchange.reject(
        answerTooLargeError(exchange.request.url, {
          limit: exchange.limit,
          status: step.status,
          headers: step.headers,
        }),
      );
      return;
    }
    const { response } = step;
    if (response.reusable && step.rest === undefined) {
      this.reused = true;
      this.pool.release(this);
    } else {
      this.socket.destroy();
    }
    exchange.resolve({ status: response.status, headers: response.headers, body: response.body });
  }

  private onTimeout(): void {
    if (this.exchange === undefined) {
      this.socket.destroy();
      return;
    }
    const error = new Error(`no answer within ${this.pool.options.requestTimeoutMs} ms`);
    this.fail(Object.assign(error, { code: 'ETIMEDOUT' }));
  }

  /** The registry finished sending: the end of an answer that runs to the close, or a failure. */
  private onEnd(): void {
    this.pool.forget(this);
    const exchange = this.exchange;
    if (exchange === undefined) return;
    this.exchange = undefined;
    try {
      const response = exchange.parser.close();
      exchange.resolve({ status: response.status, headers: response.headers, body: response.body });
    } catch (error) {
      this.lose(exchange, error as Http1ProtocolError);
    }
  }

  /** The connection failed or closed (ours closed too: an abort) with a request under way. */
  private onLost(error: NodeJS.ErrnoException | undefined): void {
    this.pool.forget(this);
    const exchange = this.exchange;
    if (exchange === undefined) return;
    this.exchange = undefined;
    this.lose(exchange, error ?? exchange.parser.cutOff());
  }

  private lose(exchange: Exchange, error: NodeJS.ErrnoException): void {
    if (this.reused && !exchange.resent && !exchange.parser.started && !this.pool.options.signal?.aborted) {
      // A kept-alive connection the registry closed as we wrote: once more on a new one.
      exchange.resent = true;
      this.pool.dispatch(exchange, true);
      return;
    }
    exchange.reject(noAnswerError(error, 'ECONNRESET'));
  }

  private fail(error: NodeJS.ErrnoException): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.socket.destroy();
    exchange?.reject(noAnswerError(error, 'ECONNFAILED'));
  }
}
