// The entries turn on Node's compile cache before they load their bundle: the bundle's code is
// then cached (dist/cli.js here; dist/main.js and dist/proxy.js use the same entry code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

function runCli(env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [cli, '--version'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
}

test('a run of the CLI leaves the code cache of its bundle in TMPDIR, and the next run starts from it', () => {
  // No NODE_COMPILE_CACHE: only the entry's own call turns the cache on.
  const tmp = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  const cache = join(tmp, 'node-compile-cache');
  runCli({ TMPDIR: tmp });
  const cached = filesUnder(cache);
  assert.ok(cached.length > 0, 'nothing was cached');
  runCli({ TMPDIR: tmp });
  assert.deepEqual(filesUnder(cache).sort(), cached.sort(), 'the second run used the cache as it was');
});

test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'compile-cache-off-'));
  runCli({ TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual(readdirSync(tmp), []);
});
