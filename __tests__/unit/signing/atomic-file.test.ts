import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { writeFileAtomic } from '../../../src/core/signing/atomic-file.ts';

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
    await writeFileAtomic(path, 's.secret');
    assert.equal(readFileSync(path, 'utf8'), 's.secret');
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  test('the mode given, bytes as well as text, no temp file left', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    await writeFileAtomic(path, Buffer.from([1, 2, 3]), { mode: 0o644, sync: false });
    assert.deepEqual(readFileSync(path), Buffer.from([1, 2, 3]));
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['a.sig']);
  });

  test('replaces an existing file completely', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.sig');
    writeFileSync(path, 'an older, longer signature');
    await writeFileAtomic(path, 'new');
    assert.equal(readFileSync(path, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir), ['a.sig']);
  });

  test('on error the temp file is removed and the target untouched', async () => {
    const dir = freshDir();
    const target = join(dir, 'out.sig');
    mkdirSync(target); // the rename over a directory fails after the temp file was written
    await assert.rejects(writeFileAtomic(target, 'data'), (e: unknown) =>
      ['EISDIR', 'EPERM', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? ''),
    );
    assert.deepEqual(readdirSync(dir), ['out.sig']);
    assert.ok(statSync(target).isDirectory());
  });

  test('a missing directory: the fs error, nothing created', async () => {
    const dir = freshDir();
    await assert.rejects(writeFileAtomic(join(dir, 'no', 'x'), 'data'), { code: 'ENOENT' });
    assert.deepEqual(readdirSync(dir), []);
  });
});
