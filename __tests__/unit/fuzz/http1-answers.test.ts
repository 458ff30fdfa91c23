/**
 * Registry answers as bytes on a connection (src/core/oci/http1-response.ts): whatever a server
 * sends, cut wherever the network cuts it, the parser gives an answer within its limits, asks for
 * more, or fails with an HPE_ code (or ECONNRESET at the close); never another exception.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Http1ResponseParser, type Http1Response, type ParseStep } from '../../../src/core/oci/http1-response.ts';
import { hostileText, nearValid } from './arbitraries.ts';
import { expectParsedOrCoded, fuzzFamily } from './harness.ts';

const fuzz = fuzzFamily('HTTP/1.1 answers', 0x4831);
const LIMIT = 4096;
const CODES = [
  'ECONNRESET',
  'HPE_HEADER_OVERFLOW',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_STATUS',
  'HPE_INVALID_HEADER_TOKEN',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_INVALID_TRANSFER_ENCODING',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_STRICT',
  'HPE_CR_EXPECTED',
];

/** Pushes `bytes` cut at `cuts`, then closes when the answer still wants more. */
function parse(bytes: Buffer, cuts: readonly number[], head: boolean): Http1Response | ParseStep {
  const parser = new Http1ResponseParser({ head, limit: LIMIT });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const step = parser.push(bytes.subarray(from, to));
    if (step.kind !== 'more') return step;
    from = to;
  }
  return parser.close();
}

function withinLimits(result: Http1Response | ParseStep): void {
  const response = 'kind' in result ? (result.kind === 'done' ? result.response : undefined) : result;
  if (response === undefined) return;
  assert.ok(response.status >= 200 && response.status <= 999, `status ${response.status}`);
  assert.ok(response.body.length <= LIMIT, `a body of ${response.body.length} bytes`);
  assert.equal(Object.getPrototypeOf(response.headers), null);
  for (const value of Object.values(response.headers)) assert.ok(typeof value === 'string' || Array.isArray(value));
}

const PIECES = [
  'HTTP/1.1 200 OK\r\n',
  'HTTP/1.0 404 Not Found\r\n',
  'HTTP/1.1 100 Continue\r\n\r\n',
  'HTTP/1.1 ',
  'Content-Length: ',
  'content-length: 5\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Connection: close\r\n',
  '__proto__: x\r\n',
  'constructor: y\r\n',
  'Set-Cookie: a=1\r\n',
  '\r\n',
  '\r\n\r\n',
  '\n',
  ':',
  '0\r\n\r\n',
  'ff\r\n',
  'fffffffffffff\r\n',
  '5;ext=1\r\n',
  'hello',
  '99999999999999999999',
  '-1',
];

test('any bytes, cut anywhere: an answer within the limits, or a coded failure', () => {
  fuzz.check(
    'answer bytes',
    fc.tuple(hostileText(PIECES, 14), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean()),
    ([text, cuts, head]) =>
      expectParsedOrCoded(() => parse(Buffer.from(text, 'latin1'), cuts, head), { codes: CODES, valid: withinLimits }),
    3000,
  );
});

const headerName = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
  .filter((n) => !/^(content-length|transfer-encoding|connection|set-cookie)$/i.test(n));
const wellFormed = fc
  .record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    headers: fc.uniqueArray(fc.tuple(headerName, fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/)), {
      selector: ([name]) => name.toLowerCase(),
      maxLength: 6,
    }),
    body: fc.uint8Array({ maxLength: 300 }),
    chunks: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
    chunked: fc.boolean(),
  })
  .map((answer) => {
    const body = Buffer.from(answer.body);
    let framed: Buffer;
    let framing: string;
    if (answer.chunked) {
      framing = 'Transfer-Encoding: chunked\r\n';
      const parts: Buffer[] = [];
      let at = 0;
      for (const size of [...answer.chunks, body.length]) {
        const piece = body.subarray(at, at + size);
        if (piece.length === 0) continue;
        parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
        at += piece.length;
      }
      framed = Buffer.concat([...parts, Buffer.from('0\r\n\r\n')]);
    } else {
      framing = `Content-Length: ${body.length}\r\n`;
      framed = body;
    }
    const head = `HTTP/1.1 ${answer.status} Reason\r\n${answer.headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}${framing}\r\n`;
    return { ...answer, body, bytes: Buffer.concat([Buffer.from(head, 'latin1'), framed]) };
  });

test('a well-formed answer, cut anywhere, gives back its status, headers and body', () => {
  fuzz.check(
    'well-formed answers',
    fc.tuple(wellFormed, fc.array(fc.nat(), { maxLength: 8 })),
    ([answer, cuts]) =>
      expectParsedOrCoded(() => parse(answer.bytes, cuts, false), {
        codes: [],
        valid: (result) => {
          assert.ok('kind' in result && result.kind === 'done', 'the answer did not complete');
          const { response } = result as Extract<ParseStep, { kind: 'done' }>;
          assert.equal(response.status, answer.status);
          assert.deepEqual(response.body, answer.body);
          for (const [name, value] of answer.headers) assert.equal(response.headers[name.toLowerCase()], value);
        },
      }),
    1500,
  );
});

test('near-valid answers: parsed or refused, never thrown otherwise', () => {
  fuzz.check(
    'near-valid answers',
    fc.tuple(nearValid(wellFormed.map((a) => a.bytes.toString('latin1'))), fc.array(fc.nat(), { maxLength: 6 })),
    ([text, cuts]) =>
      expectParsedOrCoded(() => parse(Buffer.from(text, 'latin1'), cuts, false), { codes: CODES, valid: withinLimits }),
    2000,
  );
});

test('headers named constructor or __proto__ are headers like any other', () => {
  const bytes = Buffer.from('HTTP/1.1 200 OK\r\nconstructor: a\r\n__proto__: b\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const { response } = parse(bytes, [], false) as Extract<ParseStep, { kind: 'done' }>;
  assert.equal(response.headers.constructor, 'a');
  assert.equal(response.headers.__proto__, 'b');
});

// Counterexamples the properties found, kept as examples.
test('a malformed header is refused without quoting its name (a server can put anything there)', () => {
  const bytes = Buffer.from('HTTP/1.1 200 OK\r\nhvs.AAAAAAAAAAAAAAAAAAAAAAAAAAA: a\u0001b\r\n\r\n', 'latin1');
  assert.throws(
    () => parse(bytes, [], false),
    (error: Error) =>
      (error as { code?: string }).code === 'HPE_INVALID_HEADER_TOKEN' && !error.message.includes('hvs.'),
  );
});
