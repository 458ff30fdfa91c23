import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  changelogSection,
  compareVersions,
  parseTag,
  parseVersion,
  releaseNotes,
  releasePlan,
  ReleaseError,
} from '../../../scripts/release-notes.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

const CHANGELOG = `# Changelog

All notable changes to this project are documented here.

## [Unreleased]

### Added

- Something not released yet.

## [1.2.0] - 2026-05-04

### Added

- The \`proxy\` input.

### Fixed

- A fix, with a [link](https://example.com/issue).

## [1.2.0-rc.1] - 2026-04-20

### Added

- The proxy, as a release candidate.

## [1.1.0] - 2026-03-01

## [1.0.0] - 2026-01-10

### Added

- First release.

[Unreleased]: https://github.com/org/spiffe-vault-action/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/org/spiffe-vault-action/compare/v1.1.0...v1.2.0
[1.0.0]: https://github.com/org/spiffe-vault-action/releases/tag/v1.0.0
`;

describe('versions and tags', () => {
  it('parses X.Y.Z and X.Y.Z-rc.N only, without leading zeros', () => {
    assert.deepEqual(parseVersion('1.2.3'), { major: 1, minor: 2, patch: 3, rc: undefined });
    assert.deepEqual(parseVersion('0.10.0-rc.2'), { major: 0, minor: 10, patch: 0, rc: 2 });
    for (const bad of [
      '1.2',
      '1.2.3.4',
      '01.2.3',
      '1.2.3-beta.1',
      '1.2.3-rc',
      '1.2.3-rc.01',
      '1.2.3+build',
      'v1.2.3',
      '',
    ])
      assert.equal(parseVersion(bad), undefined, bad);
  });

  it('a release tag is v + version', () => {
    assert.deepEqual(parseTag('v1.2.3'), { major: 1, minor: 2, patch: 3, rc: undefined });
    for (const bad of ['1.2.3', 'v1', 'v1.2', 'V1.2.3', 'v1.2.3-beta']) assert.equal(parseTag(bad), undefined, bad);
  });

  it('orders versions as semver does: numerically, a release candidate before its release', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.10', '1.2.0-rc.2', '0.9.9', '2.0.0-rc.1', '1.2.1']
      .map((s) => parseVersion(s) ?? assert.fail(s))
      .sort(compareVersions)
      .map((v) => `${v.major}.${v.minor}.${v.patch}${v.rc === undefined ? '' : `-rc.${v.rc}`}`);
    assert.deepEqual(sorted, ['0.9.9', '1.2.0-rc.2', '1.2.0-rc.10', '1.2.0', '1.2.1', '1.10.0', '2.0.0-rc.1']);
  });
});

describe('CHANGELOG sections', () => {
  it("extracts a version's section up to the next heading", () => {
    assert.equal(
      changelogSection(CHANGELOG, '1.2.0'),
      '### Added\n\n- The `proxy` input.\n\n### Fixed\n\n- A fix, with a [link](https://example.com/issue).',
    );
  });

  it('leaves out the link definitions after the last section', () => {
    assert.equal(changelogSection(CHANGELOG, '1.0.0'), '### Added\n\n- First release.');
  });

  it('does not take 1.2.0-rc.1 for 1.2.0, nor 1.2.0 for 1.2', () => {
    assert.equal(changelogSection(CHANGELOG, '1.2.0-rc.1'), '### Added\n\n- The proxy, as a release candidate.');
    assert.throws(() => changelogSection(CHANGELOG, '1.2'), /no "## \[1\.2\]" section/);
  });

  it('fails on a missing or an empty section', () => {
    assert.throws(() => changelogSection(CHANGELOG, '1.3.0'), ReleaseError);
    assert.throws(() => changelogSection(CHANGELOG, '1.3.0'), /CHANGELOG\.md has no "## \[1\.3\.0\]" section/);
    assert.throws(() => changelogSection(CHANGELOG, '1.1.0'), /"## \[1\.1\.0\]" section is empty/);
  });

  it('accepts CRLF line ends and a heading without a date', () => {
    const crlf = '## [2.0.0]\r\n\r\n- Breaking.\r\n\r\n## [1.0.0]\r\n\r\n- First.\r\n';
    assert.equal(changelogSection(crlf, '2.0.0'), '- Breaking.');
  });

  it("a release candidate's notes: its own section, else the section of the release it leads to", () => {
    assert.match(releaseNotes(CHANGELOG, '1.2.0-rc.1'), /as a release candidate/);
    assert.match(releaseNotes(CHANGELOG, '1.2.0-rc.2'), /The `proxy` input/);
    assert.throws(
      () => releaseNotes(CHANGELOG, '1.3.0-rc.1'),
      /neither a "## \[1\.3\.0-rc\.1\]" nor a "## \[1\.3\.0\]"/,
    );
    assert.throws(() => releaseNotes(CHANGELOG, 'v1.2.0'), /not a version/);
  });
});

describe('release plan', () => {
  const TAGS = ['v1', 'v1.0.0', 'v1.1.0', 'v1.2.0-rc.1', 'v0', 'v0.9.0', 'unrelated'];

  it('a new newest release moves its major tag, is latest on GitHub and npm', () => {
    assert.deepEqual(releasePlan('v1.2.0', '1.2.0', CHANGELOG, [...TAGS, 'v1.2.0']), {
      tag: 'v1.2.0',
      version: '1.2.0',
      prerelease: false,
      majorTag: 'v1',
      moveMajor: true,
      latest: true,
      npmTag: 'latest',
    });
  });

  it('a release candidate moves nothing and goes to npm as next', () => {
    const plan = releasePlan('v1.2.0-rc.1', '1.2.0-rc.1', CHANGELOG, TAGS);
    assert.equal(plan.prerelease, true);
    assert.equal(plan.moveMajor, false);
    assert.equal(plan.latest, false);
    assert.equal(plan.npmTag, 'next');
    assert.equal(plan.majorTag, 'v1');
  });

  it('a fix to an older major moves that major tag only, and is not npm latest', () => {
    const plan = releasePlan('v1.2.0', '1.2.0', CHANGELOG, [...TAGS, 'v2.0.0', 'v2']);
    assert.equal(plan.moveMajor, true);
    assert.equal(plan.latest, false);
    assert.equal(plan.npmTag, 'latest-1');
  });

  it('a late fix to an older minor leaves the major tag where a newer release put it', () => {
    const plan = releasePlan('v1.0.0', '1.0.0', '## [1.0.0]\n\n- Fix.\n', TAGS);
    assert.equal(plan.moveMajor, false);
    assert.equal(plan.latest, false);
    assert.equal(plan.npmTag, 'latest-1');
  });

  it('a newer release candidate does not keep a release from being the newest', () => {
    assert.equal(releasePlan('v1.2.0', '1.2.0', CHANGELOG, [...TAGS, 'v1.3.0-rc.1']).latest, true);
  });

  it('fails on a tag that is not v + package.json version, or without notes', () => {
    assert.throws(
      () => releasePlan('v1.2.1', '1.2.0', CHANGELOG),
      /tag v1\.2\.1 does not match package\.json's version 1\.2\.0 \(want v1\.2\.0\)/,
    );
    assert.throws(() => releasePlan('1.2.0', '1.2.0', CHANGELOG), /tag "1\.2\.0" is not vX\.Y\.Z/);
    assert.throws(() => releasePlan('v1.3.0', '1.3.0', CHANGELOG), /no "## \[1\.3\.0\]" section/);
  });
});

describe('node scripts/release-notes.ts', () => {
  // The script reads package.json and CHANGELOG.md beside its own folder: a copy in a project of
  // its own, with version 1.2.0.
  const project = mkdtempSync(join(tmpdir(), 'release-'));
  mkdirSync(join(project, 'scripts'));
  copyFileSync(join(repoRoot, 'scripts', 'release-notes.ts'), join(project, 'scripts', 'release-notes.ts'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.0', type: 'module' }));
  writeFileSync(join(project, 'CHANGELOG.md'), CHANGELOG);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(project, 'scripts', 'release-notes.ts'), ...args], { encoding: 'utf8' });

  it('plan: key=value lines for $GITHUB_OUTPUT, the existing tags read from a file', () => {
    const tags = join(project, 'tags');
    writeFileSync(tags, 'v1\nv1.1.0\nv2.0.0\n');
    const r = run('plan', 'v1.2.0', tags);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(
      r.stdout,
      'tag=v1.2.0\nversion=1.2.0\nprerelease=false\nmajor-tag=v1\nmove-major=true\nlatest=false\nnpm-tag=latest-1\n',
    );
    assert.match(run('plan', 'v1.2.0').stdout, /\nlatest=true\nnpm-tag=latest\n$/);
  });

  it('notes: the section, on stdout', () => {
    const r = run('notes', '1.0.0');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '### Added\n\n- First release.\n');
  });

  it('a failed check is one line on stderr and exit 1', () => {
    for (const [args, message] of [
      [['plan', 'v1.2.1'], "release: tag v1.2.1 does not match package.json's version 1.2.0 (want v1.2.0)\n"],
      [['notes', '1.1.0'], 'release: CHANGELOG.md\'s "## [1.1.0]" section is empty\n'],
      [['notes', 'Unreleased'], 'release: "Unreleased" is not a version (X.Y.Z or X.Y.Z-rc.N)\n'],
    ] as const) {
      const r = run(...args);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, message);
    }
    assert.match(run('bogus').stderr, /^release: usage: /);
  });

  it("this repository's CHANGELOG.md has an Unreleased section (RELEASING.md renames it when releasing)", () => {
    assert.match(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8'), /^## \[Unreleased\]$/m);
  });
});
