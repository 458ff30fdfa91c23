import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeFileAtomic, writeSmallFileAtomicSync } from '../../../src/core/signing/atomic-file.ts';

const root = mkdtempSync(join(tmpdir(), 'svs-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
};

describe('writeFileAtomic', () => {
  test('writes the content with mode 0600 by default, whatever the umask', async () => {
    const path = join(freshDir(), 'token');
    await writeFileAtomic(path, { data: 's.secret' });
    assert.equal(readFileSync(path, 'utf8'), 's.secret');
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  test('the mode given, bytes as well as text, no temp file left', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    await writeFileAtomic(path, { data: Buffer.from([1, 2, 3]), mode: 0o644, sync: false });
    assert.deepEqual(readFileSync(path), Buffer.from([1, 2, 3]));
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['a.sig']);
  });

  test('replaces an existing file completely', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    writeFileSync(path, 'an older, longer signature');
    await writeFileAtomic(path, { data: 'new' });
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['a.sig']);
  });

  test('on error the temp file is removed and the target untouched', async () => {
    const dir = freshDir();
    const target = join(dir, 'out.sig');
    mkdirSync(target); // the rename over a directory fails after the temp file was written
    await assert.rejects(writeFileAtomic(target, { data: 'data' }), (e: unknown) =>
      ['EISDIR', 'EPERM', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? ''),
    );
    assert.deepEqual(readdirSync(dir), ['out.sig']);
    assert.ok(statSync(target).isDirectory());
  });

  test('a missing directory: the fs error, nothing created', async () => {
    const dir = freshDir();
    await assert.rejects(writeFileAtomic(join(dir, 'no', 'x'), { data: 'data' }), { code: 'ENOENT' });
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('writeSmallFileAtomicSync', () => {
  test('the content and the mode even under a strict umask, replacing a file, no temp file left', () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    writeFileSync(path, 'an older, longer signature');
    const umask = process.umask(0o077);
    try {
      writeSmallFileAtomicSync(path, { data: 'new', mode: 0o644 });
    } finally {
      process.umask(umask);
    }
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.equal(statSync(path).mode & 0o777, 0o644);
    writeSmallFileAtomicSync(join(dir, 'b.sig'), { data: Buffer.from([1, 2]), mode: 0o600 });
    assert.equal(statSync(join(dir, 'b.sig')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir).sort(), ['a.sig', 'b.sig']);
  });

  test('a failed rename leaves the target as it was and no temp file', () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    assert.throws(() => writeSmallFileAtomicSync(path, { data: 'sig', mode: 0o644 }), { code: 'EISDIR' });
    assert.deepEqual(readdirSync(dir), ['a.sig']);
    assert.deepEqual(readdirSync(path), ['inside']);
  });
});
