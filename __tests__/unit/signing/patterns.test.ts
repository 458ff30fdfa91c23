import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { checkFilesFound, resolveFilePatterns, type ResolvedFiles } from '../../../src/core/signing/patterns.ts';

const root = mkdtempSync(join(tmpdir(), 'svs-patterns-'));
after(() => rmSync(root, { recursive: true, force: true }));
for (const f of [
  'a.txt',
  'b.bin',
  '.hidden',
  'dist/app.tar.gz',
  'dist/app.zip',
  'dist/tmp/scratch.txt',
  'dist/sub/c.txt',
  'x[1].txt',
  'x1.txt',
]) {
  mkdirSync(join(root, f, '..'), { recursive: true });
  writeFileSync(join(root, f), f);
}
mkdirSync(join(root, 'empty-dir'));
symlinkSync('a.txt', join(root, 'link.txt'));
symlinkSync('missing-target', join(root, 'dangling.txt'));

const abs = (...names: string[]) => names.map((n) => join(root, n));
const resolveIn = (patterns: string[]) => resolveFilePatterns(patterns, { cwd: root });
const counts = (r: ResolvedFiles) => Object.fromEntries(r.patterns.map((p) => [p.pattern, p.files]));

function throwsCode(fn: () => unknown, code: string) {
  assert.throws(fn, (e: unknown) => e instanceof SigningError && e.code === code);
}

describe('resolveFilePatterns', () => {
  test('globs give sorted, unique, absolute paths of regular files (symlinks to files included)', async () => {
    const r = await resolveIn(['*.txt', 'a.txt', '**/*.txt']);
    assert.deepEqual(r.files, abs('a.txt', 'dist/sub/c.txt', 'dist/tmp/scratch.txt', 'link.txt', 'x1.txt', 'x[1].txt'));
    assert.deepEqual(counts(r), { '*.txt': 4, 'a.txt': 1, '**/*.txt': 6 });
  });

  test('directories are skipped and counted, dot-files need naming', async () => {
    const r = await resolveIn(['*', 'dist', 'empty-dir/', '.hidden']);
    assert.deepEqual(r.files, abs('.hidden', 'a.txt', 'b.bin', 'link.txt', 'x1.txt', 'x[1].txt'));
    assert.deepEqual(
      r.patterns.map((p) => [p.pattern, p.files, p.directories]),
      [
        ['*', 5, 2],
        ['dist', 0, 1],
        ['empty-dir/', 0, 1],
        ['.hidden', 1, 0],
      ],
    );
  });

  test('a missing plain path is reported as matching nothing, not thrown', async () => {
    const r = await resolveIn(['a.txt', 'nope/missing.bin', 'a.txt/inside', 'dangling.txt']);
    assert.deepEqual(r.files, abs('a.txt'));
    assert.deepEqual(counts(r), { 'a.txt': 1, 'nope/missing.bin': 0, 'a.txt/inside': 0, 'dangling.txt': 0 });
  });

  test('! patterns exclude files and whole directories, wherever they appear', async () => {
    const r = await resolveIn(['!dist/tmp', 'dist/**', '!**/*.zip']);
    assert.deepEqual(r.files, abs('dist/app.tar.gz', 'dist/sub/c.txt'));
    assert.deepEqual(counts(r), { 'dist/**': 2 });
  });

  test('a pattern whose every match is excluded counts as matching nothing', async () => {
    const r = await resolveIn(['*.bin', '!b.bin', 'a.txt']);
    assert.deepEqual(r.files, abs('a.txt'));
    assert.deepEqual(counts(r), { '*.bin': 0, 'a.txt': 1 });
  });

  test('a file named like a glob matches itself (and the glob its matches)', async () => {
    const r = await resolveIn(['x[1].txt']);
    assert.deepEqual(r.files, abs('x1.txt', 'x[1].txt'));
  });

  test('absolute patterns, braces, blank entries', async () => {
    const r = await resolveIn([join(root, 'dist', '*.{zip,gz}'), '  ', '']);
    assert.deepEqual(r.files, abs('dist/app.tar.gz', 'dist/app.zip'));
    assert.equal(r.patterns.length, 1);
  });

  test('only exclusions, or a bare !: INVALID_PATTERN', async () => {
    await assert.rejects(
      resolveIn(['!a.txt']),
      (e: unknown) => e instanceof SigningError && e.code === 'INVALID_PATTERN',
    );
    await assert.rejects(
      resolveIn(['a.txt', '!']),
      (e: unknown) => e instanceof SigningError && e.code === 'INVALID_PATTERN',
    );
    await assert.rejects(resolveIn([]), (e: unknown) => e instanceof SigningError && e.code === 'INVALID_PATTERN');
  });

  test('a cwd that does not exist matches nothing', async () => {
    const r = await resolveFilePatterns(['*.txt'], { cwd: join(root, 'no-such-dir') });
    assert.deepEqual(r.files, []);
    assert.deepEqual(counts(r), { '*.txt': 0 });
  });
});

describe('checkFilesFound (if-no-files-found)', () => {
  const resolved: ResolvedFiles = {
    files: ['/w/a.txt'],
    patterns: [
      { pattern: 'a.txt', files: 1, directories: 0 },
      { pattern: 'missing.bin', files: 0, directories: 0 },
      { pattern: 'dist', files: 0, directories: 1 },
    ],
  };
  const logger = () => {
    const warnings: string[] = [];
    return { warnings, logger: { debug() {}, info() {}, warning: (m: string) => void warnings.push(m) } };
  };

  test('error: NO_FILES_MATCHED naming every unmatched pattern, with a hint for directories', () => {
    throwsCode(() => checkFilesFound(resolved, { ifNoFilesFound: 'error' }), 'NO_FILES_MATCHED');
    try {
      checkFilesFound(resolved, { ifNoFilesFound: 'error' });
    } catch (e: unknown) {
      assert.match((e as Error).message, /'missing\.bin'/);
      assert.match((e as Error).message, /'dist\/\*\*'/);
    }
  });

  test('warn: one warning per unmatched pattern, the files that matched', () => {
    const { warnings, logger: l } = logger();
    assert.deepEqual(checkFilesFound(resolved, { ifNoFilesFound: 'warn', logger: l }), ['/w/a.txt']);
    assert.equal(warnings.length, 2);
  });

  test('ignore: silent', () => {
    const { warnings, logger: l } = logger();
    assert.deepEqual(checkFilesFound(resolved, { ifNoFilesFound: 'ignore', logger: l }), ['/w/a.txt']);
    assert.equal(warnings.length, 0);
  });

  test('everything matched: no error whatever the mode', () => {
    const ok: ResolvedFiles = { files: ['/w/a'], patterns: [{ pattern: 'a', files: 1, directories: 0 }] };
    assert.deepEqual(checkFilesFound(ok, { ifNoFilesFound: 'error' }), ['/w/a']);
  });
});
