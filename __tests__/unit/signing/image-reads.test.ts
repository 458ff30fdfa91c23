// startImageReads: the registry reads an image run starts before its login (a small registry
// on loopback that serves one manifest and counts requests).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startImageReads } from '../../../src/core/signing/image-reads.ts';
import { signImages } from '../../../src/core/signing/images.ts';
import { FakeDigestSigner } from './fake-signer.ts';

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 },
    layers: [],
  }),
);
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
let server: Server;
let registry: string;
const requests: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === 'GET' && req.url === `/v2/team/app/manifests/${DIGEST}`) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      return res.end(MANIFEST);
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('each reference is resolved; a manifest named twice has its .sig tag read once and is kept once', async () => {
  requests.length = 0;
  const reads = startImageReads({
    references: [`${registry}/team/app@${DIGEST}`, `${registry}/team/app@${DIGEST}`],
    recursive: false,
    legacy: true,
    registry: {},
  });
  const done = await reads.done;
  assert.deepEqual(
    done.map((r) => [r.target.descriptor.digest, r.signatures]),
    [[DIGEST, undefined]],
  );
  const sigTag = `sha256-${DIGEST.slice(7)}.sig`;
  const seen = [...requests].sort();
  assert.deepEqual(
    seen,
    [
      `GET /v2/team/app/manifests/${DIGEST}`,
      `GET /v2/team/app/manifests/${DIGEST}`,
      `GET /v2/team/app/manifests/${sigTag}`,
    ].sort(),
  );
});

test('without legacy signatures no .sig tag is read', async () => {
  requests.length = 0;
  await startImageReads({
    references: [`${registry}/team/app@${DIGEST}`],
    recursive: false,
    legacy: false,
    registry: {},
  }).done;
  assert.deepEqual(requests, [`GET /v2/team/app/manifests/${DIGEST}`]);
});

test('a failed read waits for whoever awaits it: no unhandled rejection meanwhile', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const reads = startImageReads({
      references: [`${registry}/team/missing:1.0`],
      recursive: false,
      legacy: true,
      registry: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the read has failed by now
    assert.deepEqual(unhandled, []);
    await assert.rejects(reads.done, (error: Error & { code?: string }) => error.code === 'IMAGE_NOT_FOUND');
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a reference that does not parse throws at once, before any request', () => {
  requests.length = 0;
  assert.throws(
    () => startImageReads({ references: [`${registry}/Team/App:1.0`], recursive: false, legacy: true, registry: {} }),
    (error: Error & { code?: string }) =>
      typeof error.code === 'string' && /uppercase|lowercase|invalid/i.test(error.message),
  );
  assert.deepEqual(requests, []);
});

test('abort() ends the reads under way: nothing retried, nothing keeps the process waiting', async () => {
  const silent = createServer(() => undefined); // takes the connection, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const reads = startImageReads({
      references: [`${address}/team/app:1.0`],
      recursive: false,
      legacy: true,
      registry: { retryDeadlineMs: 60_000 },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    reads.abort();
    await assert.rejects(reads.done);
    assert.ok(Date.now() - started < 1_000, `the reads took ${Date.now() - started} ms to stop`);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('signImages refuses reads started for other references or options', async () => {
  const reads = startImageReads({
    references: [`${registry}/team/app@${DIGEST}`],
    recursive: false,
    legacy: true,
    registry: {},
  });
  await reads.done;
  const signer = new FakeDigestSigner({ files: [] });
  for (const mismatch of [
    { references: [`${registry}/team/other@${DIGEST}`], format: 'legacy' as const },
    { references: [`${registry}/team/app@${DIGEST}`], format: 'bundle' as const },
  ]) {
    await assert.rejects(
      signImages({ ...mismatch, signer, registry: {}, reads }),
      /the reads given were started for other references or options/,
    );
  }
});
