/**
 * An HTTP/1.1 answer read incrementally from a socket's bytes: status line, headers, and a body
 * framed by Content-Length, chunked transfer coding, or the connection's close. It reads outside
 * input, so anything malformed is an Http1ProtocolError and nothing is buffered past the limits.
 */

/**
 * Headers as Node gives them (lower-case names; set-cookie an array; repeats joined or dropped),
 * in an object without a prototype.
 */
export type ResponseHeaders = Record<string, string | string[]>;

export interface Http1Response {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: Buffer;
  /** The connection may carry another request. */
  readonly reusable: boolean;
}

/** The answer broke HTTP/1.1 framing; `code` names how, as Node's parser codes do. */
export class Http1ProtocolError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'Http1ProtocolError';
    this.code = code;
  }
}

/** The most a status line and headers may take (Node's default --max-http-header-size). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line longer than this is not a chunk size. */
const MAX_CHUNK_LINE = 1024;

// Node keeps the first of these when repeated (lib/_http_incoming.js); others are joined.
const SINGLE_VALUED = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
  'retry-after',
  'etag',
  'last-modified',
  'server',
  'age',
  'expires',
]);
/** A header name (RFC 9110 token), for the answer's headers and the request's alike. */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What a header value may not hold: controls other than tab, and anything past latin-1. */
export const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const HTTP_PREFIX = Buffer.from('HTTP/');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;

type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailers'; remaining: number }
  | { readonly kind: 'close' };

export interface ResponseBounds {
  /** The request was a HEAD: the answer has no body whatever its headers say. */
  readonly head: boolean;
  /** The most the body may hold; past it the answer is refused (`tooLarge`). */
  readonly limit: number;
}

export type ParseStep =
  | { readonly kind: 'more' }
  | { readonly kind: 'done'; readonly response: Http1Response; readonly rest: Buffer | undefined }
  | { readonly kind: 'too-large'; readonly status: number; readonly headers: ResponseHeaders };

const MORE: ParseStep = { kind: 'more' };

/** Reads one answer; `push` each chunk the socket gives, `close` when it ends. */
export class Http1ResponseParser {
  private pending: Buffer | undefined;
  private status = 0;
  private headers: ResponseHeaders = {};
  private keepAlive = true;
  private framing: Framing | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  private readonly bounds: ResponseBounds;

  constructor(bounds: ResponseBounds) {
    this.bounds = bounds;
  }

  /** Whether any byte of the answer has been seen. */
  get started(): boolean {
    return this.framing !== undefined || this.pending !== undefined;
  }

  push(chunk: Buffer): ParseStep {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (this.framing === undefined) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        if (data.length > MAX_HEAD_BYTES)
          throw new Http1ProtocolError('HPE_HEADER_OVERFLOW', "the answer's headers are too large");
        checkPartialHead(data);
        this.pending = data;
        return MORE;
      }
      if (end > MAX_HEAD_BYTES)
        throw new Http1ProtocolError('HPE_HEADER_OVERFLOW', "the answer's headers are too large");
      const framing = this.readHead(data.toString('latin1', 0, end));
      data = data.subarray(end + 4);
      if (framing === undefined) continue;
      this.framing = framing;
      if (framing.kind === 'length' && framing.remaining > this.bounds.limit) return this.tooLarge();
      if (framing.kind === 'none') return this.finish(data);
    }
    return this.readBody(data);
  }

  /** The registry ended the connection: the answer if its body runs to the close, else the error it is. */
  close(): Http1Response {
    if (this.framing?.kind === 'close') return this.response(false);
    throw this.cutOff();
  }

  /** The error for a connection that ended before the answer did (ECONNRESET, as Node says). */
  cutOff(): Http1ProtocolError {
    return new Http1ProtocolError(
      'ECONNRESET',
      this.started ? 'the connection closed in the middle of the answer' : 'socket hang up',
    );
  }

  /** Parses the head: the body's framing, undefined for a 1xx to skip. */
  private readHead(text: string): Framing | undefined {
    const lines = text.split('\r\n');
    const match = STATUS_LINE.exec(lines[0] as string);
    if (!match)
      throw new Http1ProtocolError('HPE_INVALID_CONSTANT', 'the answer does not start with an HTTP/1.x status line');
    const status = Number(match[2]);
    // No prototype: a header named constructor or __proto__ is a header like any other.
    const headers: ResponseHeaders = Object.create(null) as ResponseHeaders;
    for (let i = 1; i < lines.length; i++) addHeader(headers, lines[i] as string);
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Http1ProtocolError('HPE_INVALID_STATUS', 'the answer switched protocols (101)');
      return undefined;
    }
    this.status = status;
    this.headers = headers;
    const connection = (typeof headers.connection === 'string' ? headers.connection : '').toLowerCase();
    this.keepAlive =
      match[1] === '1' ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
    return this.framingOf(status, headers);
  }

  private framingOf(status: number, headers: ResponseHeaders): Framing {
    if (this.bounds.head || status === 204 || status === 304) return { kind: 'none' };
    const coding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (coding !== undefined) {
      // Both framings at once is how answers are smuggled (RFC 9112 6.3): refused, as Node does.
      if (length !== undefined)
        throw new Http1ProtocolError(
          'HPE_UNEXPECTED_CONTENT_LENGTH',
          'the answer has both Content-Length and Transfer-Encoding',
        );
      if (/(^|,)\s*chunked\s*$/i.test(String(coding))) return { kind: 'chunked', state: 'size', remaining: 0 };
      // Any other final coding: the body runs to the close (RFC 9112 6.3).
      this.keepAlive = false;
      return { kind: 'close' };
    }
    if (length === undefined) {
      this.keepAlive = false;
      return { kind: 'close' };
    }
    if (!/^\d{1,15}$/.test(String(length)))
      throw new Http1ProtocolError('HPE_INVALID_CONTENT_LENGTH', "the answer's Content-Length is not a number");
    const remaining = Number(length);
    return remaining === 0 ? { kind: 'none' } : { kind: 'length', remaining };
  }

  private readBody(input: Buffer): ParseStep {
    const framing = this.framing as Framing;
    let data = input;
    if (framing.kind === 'length') {
      if (data.length < framing.remaining) {
        framing.remaining -= data.length;
        return this.keep(data) ?? MORE;
      }
      const rest = data.subarray(framing.remaining);
      return this.keep(data.subarray(0, framing.remaining)) ?? this.finish(rest);
    }
    if (framing.kind === 'close') return this.keep(data) ?? MORE;
    if (framing.kind === 'none') return this.finish(data);
    // chunked
    while (data.length > 0) {
      if (framing.state === 'size' || framing.state === 'trailers') {
        const eol = data.indexOf('\r\n');
        if (eol < 0) {
          if (data.length > MAX_CHUNK_LINE)
            throw new Http1ProtocolError('HPE_INVALID_CHUNK_SIZE', 'a chunk-size line is too long');
          this.pending = data;
          return MORE;
        }
        const line = data.toString('latin1', 0, eol);
        data = data.subarray(eol + 2);
        if (framing.state === 'trailers') {
          if (line === '') return this.finish(data);
          continue;
        }
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw new Http1ProtocolError('HPE_INVALID_CHUNK_SIZE', 'a chunk size is not hexadecimal');
        framing.remaining = parseInt(size[1] as string, 16);
        framing.state = framing.remaining === 0 ? 'trailers' : 'data';
        if (this.size + framing.remaining > this.bounds.limit) return this.tooLarge();
      } else if (framing.state === 'data') {
        const take = Math.min(framing.remaining, data.length);
        this.keep(data.subarray(0, take));
        framing.remaining -= take;
        data = data.subarray(take);
        if (framing.remaining === 0) framing.state = 'data-end';
      } else {
        if (data.length < 2) {
          this.pending = data;
          return MORE;
        }
        if (data[0] !== 0x0d || data[1] !== 0x0a)
          throw new Http1ProtocolError('HPE_STRICT', 'a chunk does not end with CRLF');
        data = data.subarray(2);
        framing.state = 'size';
      }
    }
    return MORE;
  }

  /** Keeps body bytes; the too-large step when they pass the limit. */
  private keep(bytes: Buffer): ParseStep | undefined {
    if (bytes.length === 0) return undefined;
    this.size += bytes.length;
    if (this.size > this.bounds.limit) return this.tooLarge();
    this.chunks.push(bytes);
    return undefined;
  }

  private tooLarge(): ParseStep {
    return { kind: 'too-large', status: this.status, headers: this.headers };
  }

  private finish(rest: Buffer): ParseStep {
    return { kind: 'done', response: this.response(this.keepAlive), rest: rest.length > 0 ? rest : undefined };
  }

  private response(reusable: boolean): Http1Response {
    const body = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    return { status: this.status, headers: this.headers, body, reusable };
  }
}

/**
 * Fails an incomplete head at once when what came so far cannot become one (another protocol, or
 * lines ended by a bare LF), rather than waiting for the request's timeout.
 */
function checkPartialHead(data: Buffer): void {
  const prefix = Math.min(data.length, HTTP_PREFIX.length);
  if (data.compare(HTTP_PREFIX, 0, prefix, 0, prefix) !== 0)
    throw new Http1ProtocolError('HPE_INVALID_CONSTANT', 'the answer does not start with an HTTP/1.x status line');
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) {
    if (data[at - 1] !== 0x0d) throw new Http1ProtocolError('HPE_CR_EXPECTED', 'a line of the answer ends without CR');
  }
}

function addHeader(headers: ResponseHeaders, line: string): void {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon) : '';
  if (!HTTP_TOKEN.test(name))
    throw new Http1ProtocolError('HPE_INVALID_HEADER_TOKEN', 'the answer has a malformed header line');
  const value = line.slice(colon + 1).trim();
  if (INVALID_HEADER_VALUE.test(value))
    throw new Http1ProtocolError('HPE_INVALID_HEADER_TOKEN', 'a header of the answer holds a control character');
  const key = name.toLowerCase();
  const seen = headers[key];
  if (seen === undefined) headers[key] = key === 'set-cookie' ? [value] : value;
  else if (key === 'set-cookie') (seen as string[]).push(value);
  else if (key === 'content-length' && seen !== value)
    throw new Http1ProtocolError('HPE_UNEXPECTED_CONTENT_LENGTH', 'the answer has two different Content-Lengths');
  else if (!SINGLE_VALUED.has(key)) headers[key] = `${seen as string}${key === 'cookie' ? '; ' : ', '}${value}`;
}
