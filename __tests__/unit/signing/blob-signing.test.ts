import assert from 'node:assert/strict';
import { createHash, randomBytes, verify } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { signBlobs, type SignBlobsOptions } from '../../../src/core/signing/blob-signing.ts';
import { SigningError } from '../../../src/core/signing/errors.ts';
import type { SignedBlob } from '../../../src/core/signing/types.ts';
import { verifyBundleWithKey } from '../../helpers/sigstore-verify.ts';
import { FakeDigestSigner, type FakeSignerOptions } from './fake-signer.ts';
import { rejection } from '../../helpers/rejection.ts';

const root = mkdtempSync(join(tmpdir(), 'svs-blobs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh directory with `count` files (`f0.bin`…) of varied sizes, and a fake signer for them. */
function setup(count: number, signer: Omit<FakeSignerOptions, 'files'> = {}) {
  const dir = join(root, `case${n++}`);
  mkdirSync(dir);
  const files = Array.from({ length: count }, (_, i) => {
    const path = join(dir, `f${i}.bin`);
    writeFileSync(path, i === 0 ? Buffer.alloc(0) : randomBytes(i * 1000 + 1));
    return path;
  });
  return { dir, files, signer: new FakeDigestSigner({ files, ...signer }) };
}

const rejectsWithCode = (promise: Promise<unknown>, code: string) => rejection(promise, SigningError, code);

async function assertValidOutputs(blob: SignedBlob, signer: FakeDigestSigner): Promise<void> {
  const data = readFileSync(blob.path);
  const sigText = readFileSync(blob.signaturePath, 'utf8');
  assert.match(sigText, /^[A-Za-z0-9+/]+={0,2}$/, 'standard base64, no newline');
  assert.ok(verify('sha256', data, signer.publicKey, Buffer.from(sigText, 'base64')), `${blob.signaturePath} verifies`);
  assert.equal(blob.sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(blob.size, data.length);
  assert.equal(blob.keyVersion, signer.keyVersion);
  assert.equal(statSync(blob.signaturePath).mode & 0o777, 0o644);
  assert.ok(blob.bundlePath);
  const bundleText = readFileSync(blob.bundlePath, 'utf8');
  const bundle = JSON.parse(bundleText);
  assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.equal(bundle.verificationMaterial.publicKey.hint, signer.keyHint);
  assert.deepEqual(bundle.verificationMaterial.tlogEntries ?? [], []);
  assert.equal(bundle.messageSignature.messageDigest.algorithm, 'SHA2_256');
  assert.equal(Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64').toString('hex'), blob.sha256);
  assert.equal(bundle.messageSignature.signature, sigText);
  await verifyBundleWithKey(bundleText, data, signer.publicKeyPem, signer.keyHint);
}

describe('signBlobs', () => {
  test('writes a verifying .sig and .sigstore.json next to each file', async () => {
    const { files, signer } = setup(3);
    const signed = await signBlobs({ files, signer });
    assert.deepEqual(
      signed.map((s) => [s.path, s.signaturePath, s.bundlePath]),
      files.map((f) => [f, `${f}.sig`, `${f}.sigstore.json`]),
    );
    for (const blob of signed) await assertValidOutputs(blob, signer);
    assert.deepEqual(signer.calls, [3]);
  });

  test('a tampered file fails both the signature and the bundle', async () => {
    const { files, signer } = setup(2);
    const [blob] = await signBlobs({ files, signer });
    assert.ok(blob?.bundlePath);
    const tampered = Buffer.concat([readFileSync(blob.path), Buffer.from('x')]);
    const sig = Buffer.from(readFileSync(blob.signaturePath, 'utf8'), 'base64');
    assert.equal(verify('sha256', tampered, signer.publicKey, sig), false);
    await assert.rejects(verifyBundleWithKey(readFileSync(blob.bundlePath, 'utf8'), tampered, signer.publicKeyPem));
    const other = new FakeDigestSigner({ files: [] });
    await assert.rejects(
      verifyBundleWithKey(readFileSync(blob.bundlePath, 'utf8'), readFileSync(blob.path), other.publicKeyPem),
    );
  });

  test('one signDigests call per group, in order', async () => {
    const { files, signer } = setup(7, { keyVersion: 3 });
    const signed = await signBlobs({ files, signer, groupSize: 3, hashConcurrency: 2 });
    assert.deepEqual(signer.calls, [3, 3, 1]);
    assert.deepEqual(
      signed.map((s) => s.path),
      files,
    );
    for (const blob of signed) await assertValidOutputs(blob, signer);
  });

  test('at most two groups are being signed at once; hashing goes on meanwhile', async () => {
    const { files, signer } = setup(9, { latencyMs: 50 });
    const signed = await signBlobs({ files, signer, groupSize: 2 });
    assert.deepEqual(signer.calls, [2, 2, 2, 2, 1]);
    assert.equal(signer.maxInFlight, 2);
    assert.deepEqual(
      signed.map((s) => s.path),
      files,
    );
  });

  test('signatureDir: outputs go there (created), the inputs stay alone', async () => {
    const { dir, files, signer } = setup(2);
    const out = join(dir, 'sigs', 'nested');
    const signed = await signBlobs({ files, signer, signatureDir: out });
    assert.deepEqual(readdirSync(out).sort(), [
      'f0.bin.sig',
      'f0.bin.sigstore.json',
      'f1.bin.sig',
      'f1.bin.sigstore.json',
    ]);
    assert.deepEqual(readdirSync(dir).sort(), ['f0.bin', 'f1.bin', 'sigs']);
    for (const blob of signed) await assertValidOutputs(blob, signer);
  });

  test('writeBundle false: only the .sig', async () => {
    const { dir, files, signer } = setup(1);
    const [blob] = await signBlobs({ files, signer, writeBundle: false });
    assert.equal(blob?.bundlePath, undefined);
    assert.deepEqual(readdirSync(dir).sort(), ['f0.bin', 'f0.bin.sig']);
  });

  test('the same path twice is signed once; no files, no call', async () => {
    const { files, signer } = setup(1);
    assert.equal((await signBlobs({ files: [files[0] ?? '', files[0] ?? ''], signer })).length, 1);
    assert.deepEqual(await signBlobs({ files: [], signer }), []);
    assert.deepEqual(signer.calls, [1]);
  });

  test('same base names into one signatureDir: OUTPUT_NAME_COLLISION before signing', async () => {
    const { dir } = setup(0);
    const a = join(dir, 'a', 'app.tar.gz');
    const b = join(dir, 'b', 'app.tar.gz');
    for (const f of [a, b]) {
      mkdirSync(join(f, '..'));
      writeFileSync(f, f);
    }
    const signer = new FakeDigestSigner({ files: [a, b] });
    const out = join(dir, 'sigs');
    const error = await rejectsWithCode(
      signBlobs({ files: [a, b], signer, signatureDir: out }),
      'OUTPUT_NAME_COLLISION',
    );
    assert.match(error.message, /a\/app\.tar\.gz/);
    assert.match(error.message, /b\/app\.tar\.gz/);
    assert.deepEqual(signer.calls, []);
    assert.equal(existsSync(out), false);
    // Next to each file they do not collide.
    assert.equal((await signBlobs({ files: [a, b], signer })).length, 2);
  });

  test('an output that would overwrite another input: OUTPUT_NAME_COLLISION', async () => {
    const { dir } = setup(0);
    const a = join(dir, 'a');
    writeFileSync(a, 'a');
    writeFileSync(`${a}.sig`, 'a file that happens to be named like a signature');
    const signer = new FakeDigestSigner({ files: [a, `${a}.sig`] });
    await rejectsWithCode(signBlobs({ files: [a, `${a}.sig`], signer }), 'OUTPUT_NAME_COLLISION');
    assert.deepEqual(signer.calls, []);
  });

  test('an unreadable file: FILE_UNREADABLE before anything is signed', async () => {
    const { dir, files, signer } = setup(3);
    const missing = join(dir, 'missing.bin');
    const error = await rejectsWithCode(
      signBlobs({ files: [...files, missing], signer, groupSize: 1 }),
      'FILE_UNREADABLE',
    );
    assert.equal(error.path, missing);
    assert.deepEqual(error.signed, []);
    assert.deepEqual(signer.calls, []);
    assert.deepEqual(readdirSync(dir).sort(), ['f0.bin', 'f1.bin', 'f2.bin']);
  });

  test('a failed group: SIGNING_INTERRUPTED listing the earlier groups, whose outputs are valid', async () => {
    const { dir, files, signer } = setup(7, { failOnCall: 2 });
    const options: SignBlobsOptions = { files, signer, groupSize: 3 };
    const error = await rejectsWithCode(signBlobs(options), 'SIGNING_INTERRUPTED');
    assert.deepEqual(
      error.signed.map((s) => s.path),
      files.slice(0, 3),
    );
    for (const blob of error.signed) await assertValidOutputs(blob, signer);
    for (const file of files.slice(3)) {
      assert.equal(existsSync(`${file}.sig`), false, `${file}.sig`);
      assert.equal(existsSync(`${file}.sigstore.json`), false);
    }
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp files');
    assert.match(error.message, /group 2 of 3/);
    assert.match(error.message, /3 of 7 files were signed/);
    assert.match(error.message, /sealed/);
    // The third group was already being signed (two requests in flight); it is not written.
    assert.deepEqual(signer.calls, [3, 3, 1]);
  });

  test('after a failure, the groups still waiting for their turn are not sent', async () => {
    const { files, signer } = setup(10, { failOnCall: 1, latencyMs: 20 });
    await rejectsWithCode(signBlobs({ files, signer, groupSize: 2 }), 'SIGNING_INTERRUPTED');
    await new Promise((r) => setTimeout(r, 100));
    // The first two were in flight together; the third started when the first failed.
    assert.ok(signer.calls.length <= 3, `sent ${signer.calls.length} requests`);
  });

  test('a failed write: that file has no outputs, every other completed file is listed', async () => {
    const { files, signer } = setup(4);
    mkdirSync(`${files[2]}.sigstore.json`); // the bundle cannot replace a directory
    const error = await rejectsWithCode(signBlobs({ files, signer, groupSize: 4 }), 'SIGNING_INTERRUPTED');
    // The group's writes run concurrently: the files around the failed one completed.
    assert.deepEqual(
      error.signed.map((s) => s.path),
      [files[0], files[1], files[3]],
    );
    for (const blob of error.signed) await assertValidOutputs(blob, signer);
    assert.equal(error.path, `${files[2]}.sigstore.json`);
    assert.equal((error.cause as SigningError).code, 'OUTPUT_WRITE_FAILED');
    assert.equal(existsSync(`${files[2]}.sig`), false, 'the lone .sig was removed');
    assert.match(error.message, /3 of 4 files were signed/);
  });

  test('a signer answering the wrong count or non-DER signatures: SIGNER_RESPONSE_INVALID, nothing written', async () => {
    const answers: FakeSignerOptions['answer'][] = [
      (_d, sigs) => sigs.slice(1),
      // 64 raw r||s bytes (JWS marshaling) that happen to start like a DER header.
      (_d, sigs) => sigs.map(() => Buffer.concat([Buffer.from([0x30, 62, 0x05]), Buffer.alloc(61, 7)])),
    ];
    for (const answer of answers) {
      const { dir, files, signer } = setup(2, { answer });
      const error = await rejectsWithCode(signBlobs({ files, signer }), 'SIGNING_INTERRUPTED');
      assert.equal((error.cause as SigningError).code, 'SIGNER_RESPONSE_INVALID');
      assert.deepEqual(error.signed, []);
      assert.deepEqual(readdirSync(dir).sort(), ['f0.bin', 'f1.bin']);
    }
  });

  test('bad options are programming errors', async () => {
    const { files, signer } = setup(1);
    await assert.rejects(signBlobs({ files, signer, groupSize: 0 }), RangeError);
    await assert.rejects(signBlobs({ files: ['relative.bin'], signer }), RangeError);
  });

  test('logs a line per group', async () => {
    const { files, signer } = setup(3);
    const info: string[] = [];
    await signBlobs({
      files,
      signer,
      groupSize: 2,
      logger: { debug() {}, info: (m) => void info.push(m), warning() {} },
    });
    assert.equal(info.length, 2);
    assert.match(info[1] ?? '', /3 of 3/);
  });
});
