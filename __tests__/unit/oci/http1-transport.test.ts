// The registry client's own HTTP/1.1 against a raw TCP server scripted byte by byte: what goes on
// the wire, keep-alive, a kept-alive connection closed under a request, silence, aborts, limits, TLS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import tls from 'node:tls';
import { RegistryHttpError } from '../../../src/core/oci/errors.ts';
import { createHttp1Send } from '../../../src/core/oci/http1-transport.ts';
import type { HttpRequest } from '../../../src/core/oci/transport.ts';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** Answers each request (its head and body as received) with what `answer` returns; undefined: destroy the socket. */
interface Script {
  answer(request: string, connection: number, indexOnConnection: number): string | undefined | 'silence';
}

async function rawServer(script: Script, secure?: { key: Buffer; cert: Buffer }) {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const onSocket = (socket: net.Socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let onThis = 0;
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(request.length);
        requests.push(request);
        const answer = script.answer(request, connection, onThis++);
        if (answer === undefined) return void socket.destroy();
        if (answer !== 'silence') socket.write(answer, 'latin1');
      }
    });
  };
  const server = secure ? tls.createServer(secure, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    requests,
    get connections() {
      return connections;
    },
    url: (path: string) => new URL(`${secure ? 'https' : 'http'}://127.0.0.1:${port}${path}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Runs `body` against a raw server answering by `script`, closed after it whatever happens. */
async function withRawServer(
  script: Script,
  body: (server: Awaited<ReturnType<typeof rawServer>>) => Promise<void>,
  secure?: { key: Buffer; cert: Buffer },
): Promise<void> {
  const server = await rawServer(script, secure);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

const get = (url: URL, extra: Partial<HttpRequest> = {}): HttpRequest => ({ method: 'GET', url, ...extra });
const send = (options: Partial<Parameters<typeof createHttp1Send>[0]> = {}) =>
  createHttp1Send({ requestTimeoutMs: 5_000, ...options });

test('the request on the wire: one line, the Host with its port, the headers, the body with its length', async () => {
  await withRawServer({ answer: () => OK }, async (server) => {
    const http = send();
    const got = await http({
      method: 'PUT',
      url: server.url('/v2/a/manifests/v1?x=1'),
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: Buffer.from('{"k":"v"}'),
    });
    assert.equal(got.status, 200);
    assert.equal(got.body.toString(), 'ok');
    await http({ method: 'POST', url: server.url('/v2/a/blobs/uploads/') });
    const [put, post] = server.requests;
    assert.equal(
      put,
      `PUT /v2/a/manifests/v1?x=1 HTTP/1.1\r\nHost: ${server.url('/').host}\r\ncontent-type: application/json\r\n` +
        'authorization: Bearer t\r\ncontent-length: 9\r\nconnection: keep-alive\r\n\r\n{"k":"v"}',
    );
    assert.match(post as string, /\r\ncontent-length: 0\r\n/);
  });
});

test('requests one after another share one kept-alive connection; concurrent ones get their own', async () => {
  await withRawServer({ answer: () => OK }, async (server) => {
    const http = send();
    for (let i = 0; i < 20; i++) await http(get(server.url(`/v2/a/manifests/${i}`)));
    assert.equal(server.connections, 1);
    await Promise.all(Array.from({ length: 4 }, (_, i) => http(get(server.url(`/v2/b/${i}`)))));
    assert.equal(server.connections, 4);
    assert.equal(server.requests.length, 24);
  });
});

test('a kept-alive connection closed before answering: the request goes again, once, on a new one', async () => {
  // The second request on any connection is never answered: the connection is dropped instead.
  await withRawServer({ answer: (_, __, index) => (index === 0 ? OK : undefined) }, async (server) => {
    const http = send();
    await http(get(server.url('/first')));
    const second = await http(get(server.url('/second')));
    assert.equal(second.status, 200);
    assert.equal(server.connections, 2);
    assert.deepEqual(
      server.requests.map((r) => r.split(' ')[1]),
      ['/first', '/second', '/second'],
    );
  });
});

test('a new connection closed before answering is a failure (status 0), not sent again', async () => {
  await withRawServer({ answer: () => undefined }, async (server) => {
    await assert.rejects(
      send()(get(server.url('/x'))),
      (error: unknown) => error instanceof RegistryHttpError && error.status === 0 && error.socketCode === 'ECONNRESET',
    );
    assert.equal(server.requests.length, 1);
  });
});

test('a silent registry fails the request after the timeout; an abort ends it at once', async () => {
  await withRawServer({ answer: () => 'silence' }, async (server) => {
    const started = Date.now();
    await assert.rejects(send({ requestTimeoutMs: 200 })(get(server.url('/x'))), {
      status: 0,
      socketCode: 'ETIMEDOUT',
      message: 'no answer within 200 ms',
    });
    assert.ok(Date.now() - started < 3_000);
    const controller = new AbortController();
    const pending = send({ signal: controller.signal })(get(server.url('/y')));
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { status: 0 });
    assert.equal(server.requests.length, 2, 'an aborted request is not sent again');
  });
});

test('an abort in the middle of an answer that runs to the close is a failure, not a short answer', async () => {
  await withRawServer(
    {
      answer: () => 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"schemaVersion":2,',
    },
    async (server) => {
      const controller = new AbortController();
      const pending = send({ signal: controller.signal })(get(server.url('/v2/a/manifests/v1')));
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(pending, { status: 0, socketCode: 'ECONNRESET' });
    },
  );
});

test('a server that does not speak HTTP fails the request at its first bytes', async () => {
  await withRawServer({ answer: () => 'SSH-2.0-OpenSSH_9.6\r\n' }, async (server) => {
    const started = Date.now();
    await assert.rejects(send({ requestTimeoutMs: 10_000 })(get(server.url('/v2/'))), {
      status: 0,
      socketCode: 'HPE_INVALID_CONSTANT',
    });
    assert.ok(Date.now() - started < 5_000, 'it waited for the timeout');
  });
});

test('an answer over the limit is refused with the limit named; a malformed one is a protocol failure', async () => {
  await withRawServer(
    {
      answer: (request) =>
        request.startsWith('GET /big')
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n'
          : 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n',
    },
    async (server) => {
      const http = send();
      await assert.rejects(http(get(server.url('/big'), { maxResponseBytes: 1024 })), {
        status: 200,
        limitBytes: 1024,
        message: /larger than 1024 bytes/,
      });
      await assert.rejects(http(get(server.url('/bad'))), { status: 0, socketCode: 'HPE_INVALID_CONTENT_LENGTH' });
    },
  );
});

test('a header or path that would split the request is refused before anything is sent', async () => {
  await withRawServer({ answer: () => OK }, async (server) => {
    const http = send();
    await assert.rejects(http(get(server.url('/x'), { headers: { authorization: 'Bearer a\r\nX-Evil: 1' } })), {
      status: 0,
      socketCode: 'ERR_INVALID_HTTP_TOKEN',
      message: /authorization/,
    });
    await assert.rejects(http(get(server.url('/x'), { headers: { 'bad name': 'v' } })), {
      socketCode: 'ERR_INVALID_HTTP_TOKEN',
    });
    assert.equal(server.connections, 0);
  });
});

const certs = mkdtempSync(join(tmpdir(), 'http1-tls-'));
after(() => rmSync(certs, { recursive: true, force: true }));

test('https: trusted through the CA given, refused without it', async () => {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat(
      ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ['-keyout', join(certs, 'key.pem'), '-out', join(certs, 'cert.pem')],
    ),
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(certs, 'cert.pem'));
  const secure = { key: readFileSync(join(certs, 'key.pem')), cert };
  await withRawServer(
    { answer: () => OK },
    async (server) => {
      const trusted = send({ caCert: cert.toString() });
      await Promise.all([trusted(get(server.url('/a'))), trusted(get(server.url('/b')))]);
      assert.equal((await trusted(get(server.url('/c')))).body.toString(), 'ok');
      await assert.rejects(
        send()(get(server.url('/d'))),
        (error: unknown) =>
          error instanceof RegistryHttpError && error.status === 0 && /CERT/.test(error.socketCode ?? ''),
      );
    },
    secure,
  );
});
