// Every bundle run on too old a Node (the machine's own node, 20 here) stops at once with one
// line naming the version found, the version needed and the fix, before anything else fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers/stack-env.ts';

/** The first node on the machine's own PATH that is older than 24, if there is one. */
function oldNode(): { path: string; version: string } | undefined {
  for (const path of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(path)) continue;
    const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (Number(/^v(\d+)/.exec(version)?.[1]) < 24) return { path, version };
  }
  return undefined;
}

const old = oldNode();
const bundle = (name: string) => join(repoRoot, 'dist', name);

describe('the wrong Node is caught first', { skip: old ? false : 'no Node older than 24 on this machine' }, () => {
  const { path, version } = old ?? { path: '', version: '' };

  test('action main: one ::error:: line with the found and needed versions and the runner fix', () => {
    const result = spawnSync(path, [bundle('main.js')], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', INPUT_ROLE: 'ci', 'INPUT_VAULT-ADDR': 'http://127.0.0.1:9' },
    });
    assert.equal(result.status, 1);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1, result.stdout);
    assert.match(lines[0] as string, /^::error::spiffe-vault-action \[NODE_VERSION_UNSUPPORTED\]: /);
    assert.ok(lines[0]?.includes(`runs on Node ${version}`));
    assert.match(lines[0] as string, /needs Node 24 or newer, .*node24/);
    assert.equal(result.stderr, '');
  });

  test('action post: a warning, never a failed job', () => {
    const result = spawnSync(path, [bundle('post.js')], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^::warning::spiffe-vault-action \[NODE_VERSION_UNSUPPORTED\]: .*Node 24/);
  });

  test('CLI: one error line on stderr, exit 1, telling to install Node 24', () => {
    const result = spawnSync(path, [bundle('cli.js'), 'auth', '--role', 'ci'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^spiffe-vault: error \[NODE_VERSION_UNSUPPORTED\]: .*install Node 24/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});
