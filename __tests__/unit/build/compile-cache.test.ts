// The entries turn on Node's compile cache before they load their bundle, in a folder of the
// user's own (dist/cli.js here; dist/main.js and dist/proxy.js use the same entry code).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'compile-cache-'));
  made.push(dir);
  return dir;
}

/** Each cached file under `dir` with its modification time. */
function cached(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => `${entry.name} ${statSync(join(entry.parentPath, entry.name)).mtimeMs}`)
    .sort();
}

function runCli(env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, [cli, '--version'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
}

test('the CLI caches its bundle in ~/.cache/spiffe-vault-action (mode 0700), and the next run uses it as it is', () => {
  // No NODE_COMPILE_CACHE: only the entry's own call turns the cache on.
  const dir = home();
  const tmp = home();
  runCli({ HOME: dir, TMPDIR: tmp });
  const cache = join(dir, '.cache', 'spiffe-vault-action', 'node-compile-cache');
  assert.equal(statSync(cache).mode & 0o777, 0o700);
  const first = cached(cache);
  assert.ok(first.length > 0, 'nothing was cached');
  runCli({ HOME: dir, TMPDIR: tmp });
  assert.deepEqual(cached(cache), first, 'the second run rewrote the cache instead of using it');
  assert.deepEqual(readdirSync(tmp), [], 'nothing in the shared temp dir');
});

test('a cache folder others can write to is not used', () => {
  const dir = home();
  const cache = join(dir, '.cache', 'spiffe-vault-action', 'node-compile-cache');
  mkdirSync(cache, { recursive: true });
  chmodSync(cache, 0o777);
  runCli({ HOME: dir, TMPDIR: home() });
  assert.deepEqual(cached(cache), []);
});

test('XDG_CACHE_HOME is where it goes when set; NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
  const xdg = home();
  runCli({ HOME: home(), XDG_CACHE_HOME: xdg });
  assert.ok(cached(join(xdg, 'spiffe-vault-action', 'node-compile-cache')).length > 0);
  const off = home();
  runCli({ HOME: off, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.deepEqual(cached(off), []);
});
