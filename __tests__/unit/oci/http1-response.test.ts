import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Http1ProtocolError,
  Http1ResponseParser,
  MAX_HEAD_BYTES,
  type Http1Response,
  type ParseStep,
} from '../../../src/core/oci/http1-response.ts';

const LIMIT = 1024;

/** Feeds `pieces` in order; the step after the last one. */
function feed(pieces: readonly (string | Buffer)[], options: { head?: boolean; limit?: number } = {}) {
  const parser = new Http1ResponseParser({ head: options.head ?? false, limit: options.limit ?? LIMIT });
  let step: ParseStep = { kind: 'more' };
  for (const piece of pieces) {
    assert.equal(step.kind, 'more', 'bytes after the answer ended');
    step = parser.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece, 'latin1'));
  }
  return { parser, step };
}

function done(step: ParseStep): { response: Http1Response; rest: string | undefined } {
  assert.equal(step.kind, 'done', `expected a complete answer, got ${step.kind}`);
  const { response, rest } = step as Extract<ParseStep, { kind: 'done' }>;
  return { response, rest: rest?.toString('latin1') };
}

/** Feeding `pieces` fails with a protocol error of `code`. */
function refused(pieces: readonly string[], code: string): void {
  assert.throws(
    () => feed(pieces),
    (error: unknown) => error instanceof Http1ProtocolError && error.code === code,
  );
}

/** Every way of cutting `text` in two, and byte by byte: the same answer each time. */
function everySplit(text: string, options: { head?: boolean } = {}): Http1Response {
  const whole = done(feed([text], options).step);
  for (let at = 1; at < text.length; at++) {
    const split = done(feed([text.slice(0, at), text.slice(at)], options).step);
    assert.deepEqual(split, whole, `cut at byte ${at}`);
  }
  assert.deepEqual(done(feed([...text], options).step), whole, 'byte by byte');
  return whole.response;
}

test('a Content-Length body, cut anywhere, and the connection kept', () => {
  const response = everySplit('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(response.body.toString(), '{"a":1}');
  assert.equal(response.reusable, true);
});

test('a chunked body with extensions and trailers, cut anywhere', () => {
  const response = everySplit(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;name=x\r\nWiki\r\n5\r\npedia\r\nE \r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n',
  );
  assert.equal(response.body.toString(), 'Wikipedia in\r\n\r\nchunks.');
  assert.equal(response.reusable, true);
});

test('1xx answers are skipped; HEAD, 204 and 304 have no body whatever their headers say', () => {
  const after100 = everySplit(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
  );
  assert.equal(after100.status, 201);
  assert.equal(after100.headers.link, undefined);
  const head = everySplit('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nDocker-Content-Digest: sha256:ab\r\n\r\n', {
    head: true,
  });
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['docker-content-digest'], 'sha256:ab');
  for (const status of [204, 304]) {
    const { rest } = done(feed([`HTTP/1.1 ${status} X\r\nContent-Length: 3\r\n\r\nabc`]).step);
    assert.equal(rest, 'abc', 'bytes after a bodiless answer are not its body');
  }
});

test('a body without length runs to the close, and the connection is not kept', () => {
  const { parser, step } = feed(['HTTP/1.1 200 OK\r\n\r\nhello ', 'world']);
  assert.equal(step.kind, 'more');
  const response = parser.close();
  assert.equal(response.body.toString(), 'hello world');
  assert.equal(response.reusable, false);
});

test('Connection: close and HTTP/1.0 without keep-alive end the connection', () => {
  const closeIt = done(feed(['HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n']).step);
  assert.equal(closeIt.response.reusable, false);
  const old = done(feed(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).step);
  assert.equal(old.response.reusable, false);
  const oldKept = done(feed(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).step);
  assert.equal(oldKept.response.reusable, true);
});

test('repeated headers as Node gives them: joined, first kept, or set-cookie listed', () => {
  const { response } = done(
    feed([
      'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="a"\r\nwww-authenticate: Basic realm="b"\r\n' +
        'Location: /one\r\nLocation: /two\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n',
    ]).step,
  );
  assert.equal(response.headers['www-authenticate'], 'Bearer realm="a", Basic realm="b"');
  assert.equal(response.headers.location, '/one');
  assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
});

test('the bytes after an answer are handed back (they are not this answer)', () => {
  const { rest } = done(feed(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1']).step);
  assert.equal(rest, 'HTTP/1.1');
});

test('a body over the limit is refused before it is read: by its length, its chunks, or as it runs', () => {
  const byLength = feed(['HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n']).step;
  assert.equal(byLength.kind, 'too-large');
  assert.equal((byLength as Extract<ParseStep, { kind: 'too-large' }>).status, 200);
  assert.equal(feed(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n']).step.kind, 'too-large');
  const running = feed(['HTTP/1.1 200 OK\r\n\r\n', Buffer.alloc(1000), Buffer.alloc(25)]).step;
  assert.equal(running.kind, 'too-large');
  assert.equal(feed(['HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n', Buffer.alloc(1024)]).step.kind, 'done');
});

test('malformed answers are protocol errors named by what broke', () => {
  refused(['SSH-2.0-OpenSSH\r\n\r\n'], 'HPE_INVALID_CONSTANT');
  refused(['HTTP/2 200\r\n\r\n'], 'HPE_INVALID_CONSTANT');
  refused(['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'], 'HPE_INVALID_HEADER_TOKEN');
  refused(['HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n'], 'HPE_INVALID_HEADER_TOKEN');
  refused(['HTTP/1.1 200 OK\r\n folded: x\r\n\r\n'], 'HPE_INVALID_HEADER_TOKEN');
  refused(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'], 'HPE_UNEXPECTED_CONTENT_LENGTH');
  refused(['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'], 'HPE_INVALID_CONTENT_LENGTH');
  refused(
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n'],
    'HPE_UNEXPECTED_CONTENT_LENGTH',
  );
  refused(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], 'HPE_INVALID_CHUNK_SIZE');
  refused(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc'], 'HPE_STRICT');
  refused(['HTTP/1.1 101 Switching Protocols\r\n\r\n'], 'HPE_INVALID_STATUS');
  refused([`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(MAX_HEAD_BYTES)}`], 'HPE_HEADER_OVERFLOW');
});

test('what cannot become an answer fails at its first bytes, not at the timeout', () => {
  refused(['SSH-2.0-OpenSSH_9.6\r\n'], 'HPE_INVALID_CONSTANT');
  refused(['\u0015\u0003\u0003\u0000\u0002\u0002'], 'HPE_INVALID_CONSTANT'); // a TLS alert
  refused(['HT', 'TX'], 'HPE_INVALID_CONSTANT');
  refused(['HTTP/1.1 200 OK\n'], 'HPE_CR_EXPECTED');
  refused(['HTTP/1.1 200 OK\r\nA: b\n'], 'HPE_CR_EXPECTED');
  assert.equal(feed(['HT', 'TP/1.1 2']).step.kind, 'more');
});

test('a transfer coding other than chunked runs to the close, as RFC 9112 says', () => {
  const { parser, step } = feed(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nbytes']);
  assert.equal(step.kind, 'more');
  const response = parser.close();
  assert.equal(response.body.toString(), 'bytes');
  assert.equal(response.reusable, false);
});

test('a connection that ends before the answer does is a reset, saying how far the answer got', () => {
  assert.throws(() => feed([]).parser.close(), { code: 'ECONNRESET', message: 'socket hang up' });
  assert.throws(() => feed(['HTTP/1.1 200 OK\r\nContent-Len']).parser.close(), {
    code: 'ECONNRESET',
    message: /in the middle of the answer/,
  });
  assert.throws(() => feed(['HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc']).parser.close(), { code: 'ECONNRESET' });
});
