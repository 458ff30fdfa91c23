import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assertReadableFile, sha256File } from '../../../src/core/signing/digest.ts';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { rejection } from '../../helpers/rejection.ts';

const dir = mkdtempSync(join(tmpdir(), 'svs-digest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, data: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

const expected = (path: string) => createHash('sha256').update(readFileSync(path)).digest();

const rejectsWithCode = (promise: Promise<unknown>, code: string) => rejection(promise, SigningError, code);

describe('sha256File', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['small', Buffer.from('hello world\n')],
    ['multi-MiB', randomBytes(3 * 1024 * 1024 + 17)],
  ];
  for (const [name, data] of cases) {
    test(`${name} file: the digest and size of the whole content`, async () => {
      const path = file(name, data);
      const result = await sha256File(path);
      assert.equal(result.digest.length, 32);
      assert.deepEqual(result.digest, expected(path));
      assert.equal(result.size, data.length);
    });
  }

  test('any chunk size gives the same digest (chunk boundaries inside the file)', async () => {
    const path = file('chunks', randomBytes(30_011));
    for (const chunkSize of [1 << 10, 7, 65_536, 4 << 20]) {
      const result = await sha256File(path, { chunkSize });
      assert.deepEqual(result.digest, expected(path), `chunkSize ${chunkSize}`);
      assert.equal(result.size, 30_011);
    }
  });

  test('a bad chunk size is a programming error', async () => {
    await assert.rejects(sha256File(file('x', Buffer.from('x')), { chunkSize: 0 }), RangeError);
  });

  test('a missing file: FILE_UNREADABLE naming the path and ENOENT', async () => {
    const missing = join(dir, 'nope.bin');
    const error = await rejectsWithCode(sha256File(missing), 'FILE_UNREADABLE');
    assert.equal(error.path, missing);
    assert.match(error.message, /nope\.bin/);
    assert.match(error.message, /ENOENT/);
  });

  test('a directory: FILE_UNREADABLE with EISDIR', async () => {
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    const error = await rejectsWithCode(sha256File(sub), 'FILE_UNREADABLE');
    assert.match(error.message, /a-dir/);
    assert.match(error.message, /EISDIR/);
    await rejectsWithCode(assertReadableFile(sub), 'FILE_UNREADABLE');
  });

  test('not a regular file: FILE_UNREADABLE', async () => {
    await rejectsWithCode(sha256File('/dev/null'), 'FILE_UNREADABLE');
  });

  test(
    'no read permission: FILE_UNREADABLE with EACCES',
    { skip: process.getuid?.() === 0 && 'root reads anything' },
    async () => {
      const path = file('secret', Buffer.from('s'));
      chmodSync(path, 0o000);
      const error = await rejectsWithCode(sha256File(path), 'FILE_UNREADABLE');
      assert.match(error.message, /EACCES/);
      assert.match(error.message, /secret/);
    },
  );

  test('assertReadableFile accepts a readable regular file and refuses a missing one', async () => {
    await assertReadableFile(file('ok', Buffer.from('ok')));
    await rejectsWithCode(assertReadableFile(join(dir, 'missing')), 'FILE_UNREADABLE');
  });
});
