// The GitLab mirror's pipeline (.gitlab-ci.yml), which publishes the components to the CI/CD
// catalog: validated against GitLab's schema and run by gitlab-ci-local (shell executor) in a
// project of its own, with a stand-in npm. gitlab-ci-local checks the `release` keyword against
// the schema but does not create releases, and does not apply workflow:rules; the rule's tag
// pattern is checked here directly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { gitlabCiLocal } from '../helpers/gitlab-pipeline.ts';
import { repoRoot } from '../helpers/stack-env.ts';

const PIPELINE = readFileSync(join(repoRoot, '.gitlab-ci.yml'), 'utf8');

const CHANGELOG = `# Changelog

## [Unreleased]

## [1.2.0] - 2026-05-04

### Added

- Releases.
`;

interface Project {
  readonly dir: string;
  run(...args: string[]): { status: number | null; log: string };
}

/**
 * A project at version 1.2.0 with this repository's .gitlab-ci.yml (or `pipeline`), its
 * release script, and an npm that knows only the versions in `published`.
 */
function project(pipeline = PIPELINE, published: readonly string[] = ['1.2.0']): Project {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-release-'));
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(repoRoot, 'scripts', 'release-notes.ts'), join(dir, 'scripts', 'release-notes.ts'));
  writeFileSync(join(dir, '.gitlab-ci.yml'), pipeline);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'spiffe-vault-action', version: '1.2.0', type: 'module' }),
  );
  writeFileSync(join(dir, 'CHANGELOG.md'), CHANGELOG);
  const fakeBin = mkdtempSync(join(tmpdir(), 'gitlab-release-bin-'));
  const views = published.map((v) => `  "view spiffe-vault-action@${v} version") echo ${v} ;;`).join('\n');
  writeFileSync(join(fakeBin, 'npm'), `#!/bin/sh\ncase "$*" in\n${views}\n  *) exit 1 ;;\nesac\n`);
  chmodSync(join(fakeBin, 'npm'), 0o755);
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'git@gitlab.example.com:grp/spiffe-vault-action.git');
  git('add', '-A');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'release');
  const bin = gitlabCiLocal();
  return {
    dir,
    run: (...args) => {
      const r = spawnSync(bin, ['--no-color', ...args], {
        cwd: dir,
        encoding: 'utf8',
        // The jobs' node is this test's (Node 24: the script is TypeScript).
        env: { PATH: `${fakeBin}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: dir },
        timeout: 120_000,
      });
      return { status: r.status, log: `${r.stdout}\n${r.stderr}` };
    },
  };
}

describe('the GitLab catalog pipeline (.gitlab-ci.yml)', () => {
  test("passes GitLab's schema: a check job, then the release job", () => {
    const r = project().run('--list');
    assert.equal(r.status, 0, r.log);
    assert.match(r.log, /json schema validated/);
    assert.match(r.log, /^catalog-version\s+check\s+on_success/m);
    assert.match(r.log, /^catalog-release\s+release\s+on_success.*\[catalog-version\]/m);
  });

  test('(the schema check fails on a wrong release keyword)', () => {
    const broken = PIPELINE.replace('    tag_name: $VERSION', '    tag: $VERSION');
    assert.notEqual(broken, PIPELINE);
    const r = project(broken).run('--list');
    assert.equal(r.status, 1, r.log);
    assert.match(r.log, /release must have required property 'tag_name'/);
  });

  test('tag v1.2.0: catalog version 1.2.0, with its CHANGELOG section as description', () => {
    const p = project();
    const r = p.run('--force-shell-executor', '--variable', 'CI_COMMIT_TAG=v1.2.0');
    assert.equal(r.status, 0, r.log);
    assert.match(r.log, /PASS\s+catalog-version/);
    assert.match(r.log, /catalog-release > Publishing the components of v1\.2\.0 to the CI\/CD catalog as 1\.2\.0/);
    assert.equal(readFileSync(join(p.dir, 'release-notes.md'), 'utf8'), '### Added\n\n- Releases.\n');
  });

  test('a tag that is not v + package.json version: no release', () => {
    const r = project().run('--force-shell-executor', '--variable', 'CI_COMMIT_TAG=v1.2.1');
    assert.notEqual(r.status, 0, r.log);
    assert.match(r.log, /release: tag v1\.2\.1 does not match package\.json's version 1\.2\.0/);
    assert.match(r.log, /FAIL\s+catalog-version/);
    assert.doesNotMatch(r.log, /catalog-release > Publishing/);
  });

  test('the npm package the components run is not published: no release', () => {
    const r = project(PIPELINE, []).run('--force-shell-executor', '--variable', 'CI_COMMIT_TAG=v1.2.0');
    assert.notEqual(r.status, 0, r.log);
    assert.match(r.log, /FAIL\s+catalog-version/);
    assert.doesNotMatch(r.log, /catalog-release > Publishing/);
  });

  test('only release tags run the pipeline: not branches, v1, or the X.Y.Z tags it creates', () => {
    const m = /^\s+- if: \$CI_COMMIT_TAG =~ \/(.+)\/$/m.exec(PIPELINE);
    assert.ok(m?.[1], 'workflow:rules has the tag rule');
    const rule = new RegExp(m[1]);
    for (const tag of ['v1.2.0', 'v0.1.0', 'v10.20.30', 'v1.2.0-rc.1']) assert.ok(rule.test(tag), tag);
    for (const tag of ['v1', 'v1.2', '1.2.0', '1.2.0-rc.1', 'v01.2.0', 'v1.2.0-beta.1', 'v1.2.0-rc.1x', 'x-v1.2.0'])
      assert.ok(!rule.test(tag), tag);
  });
});
