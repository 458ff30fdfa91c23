// Release notes and release decisions, for .github/workflows/release.yml and .gitlab-ci.yml.
//
//   node scripts/release-notes.ts notes VERSION     the CHANGELOG.md section of VERSION, on stdout
//   node scripts/release-notes.ts plan TAG [TAGS]   checks TAG (vX.Y.Z or vX.Y.Z-rc.N) against
//       package.json and CHANGELOG.md, and prints the release's decisions as key=value lines for
//       $GITHUB_OUTPUT. TAGS: a file of the repository's existing tags, one a line, to tell
//       whether this release is the newest of its major version and the newest of all.
//
// A failed check prints one `release: …` line on stderr and exits 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The N of a -rc.N pre-release; undefined for a release. */
  readonly rc?: number;
}

const NUMBER = '(0|[1-9]\\d*)';
const VERSION_RE = new RegExp(`^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-rc\\.${NUMBER})?$`);

/** X.Y.Z or X.Y.Z-rc.N (no leading zeros), else undefined. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const [major, minor, patch, rc] = m.slice(1).map((n) => (n === undefined ? undefined : Number(n)));
  return { major: major as number, minor: minor as number, patch: patch as number, rc };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.rc === undefined ? '' : `-rc.${v.rc}`}`;
}

/** Semantic-version precedence: negative when a comes before b. X.Y.Z-rc.N comes before X.Y.Z. */
export function compareVersions(a: Version, b: Version): number {
  return (
    a.major - b.major ||
    a.minor - b.minor ||
    a.patch - b.patch ||
    (a.rc ?? Number.POSITIVE_INFINITY) - (b.rc ?? Number.POSITIVE_INFINITY) ||
    0
  );
}

/** A release tag: v + version. Anything else (v1, 1.2.3, v1.2.3-beta) is undefined. */
export function parseTag(tag: string): Version | undefined {
  return tag.startsWith('v') ? parseVersion(tag.slice(1)) : undefined;
}

export class ReleaseError extends Error {}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The body of CHANGELOG.md's `## [VERSION]` section (Keep a Changelog: `## [1.2.0] - 2026-05-04`),
 * up to the next `## ` heading or the link definitions at the end; trimmed. Throws when the
 * section is missing or empty.
 */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/);
  const heading = new RegExp(`^## \\[${escapeRe(version)}\\](?:\\s|$)`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) throw new ReleaseError(`CHANGELOG.md has no "## [${version}]" section`);
  let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  if (end < 0) end = lines.length;
  const body = lines.slice(start + 1, end);
  // Keep a Changelog ends with link definitions ("[1.2.0]: https://…"): not part of a section.
  while (body.length > 0 && /^\s*(\[[^\]]+\]:\s+\S+.*)?$/.test(body.at(-1) as string)) body.pop();
  const text = body.join('\n').trim();
  if (text === '') throw new ReleaseError(`CHANGELOG.md's "## [${version}]" section is empty`);
  return text;
}

/**
 * The notes of a release: its CHANGELOG section. A pre-release (X.Y.Z-rc.N) without a section
 * of its own takes the section of the release it leads to (X.Y.Z).
 */
export function releaseNotes(changelog: string, version: string): string {
  const parsed = parseVersion(version);
  if (!parsed) throw new ReleaseError(`"${version}" is not a version (X.Y.Z or X.Y.Z-rc.N)`);
  if (parsed.rc === undefined) return changelogSection(changelog, version);
  try {
    return changelogSection(changelog, version);
  } catch {
    const final = formatVersion({ ...parsed, rc: undefined });
    try {
      return changelogSection(changelog, final);
    } catch {
      throw new ReleaseError(`CHANGELOG.md has neither a "## [${version}]" nor a "## [${final}]" section`);
    }
  }
}

export interface ReleasePlan {
  readonly tag: string;
  readonly version: string;
  readonly prerelease: boolean;
  /** The moving tag of the major version (v1), and whether this release moves it. */
  readonly majorTag: string;
  readonly moveMajor: boolean;
  /** Whether this is the newest release of all: GitHub's "Latest" release, npm's `latest`. */
  readonly latest: boolean;
  /** The npm dist-tag: next for a pre-release, latest for the newest release, else latest-<major>. */
  readonly npmTag: string;
}

/**
 * Checks a tag against package.json's version and CHANGELOG.md and decides what its release
 * does. `existingTags` may include the tag itself and any other tags (v1, unrelated names).
 */
export function releasePlan(
  tag: string,
  packageVersion: string,
  changelog: string,
  existingTags: readonly string[] = [],
): ReleasePlan {
  const v = parseTag(tag);
  if (!v) throw new ReleaseError(`tag "${tag}" is not vX.Y.Z or vX.Y.Z-rc.N`);
  const version = formatVersion(v);
  if (packageVersion !== version) {
    throw new ReleaseError(
      `tag ${tag} does not match package.json's version ${packageVersion} (want v${packageVersion})`,
    );
  }
  releaseNotes(changelog, version);
  const prerelease = v.rc !== undefined;
  const others = existingTags
    .map((t) => parseTag(t.trim()))
    .filter((o): o is Version => o !== undefined && o.rc === undefined);
  const newer = (o: Version) => compareVersions(o, v) > 0;
  const moveMajor = !prerelease && !others.some((o) => o.major === v.major && newer(o));
  const latest = !prerelease && !others.some(newer);
  return {
    tag,
    version,
    prerelease,
    majorTag: `v${v.major}`,
    moveMajor,
    latest,
    npmTag: prerelease ? 'next' : latest ? 'latest' : `latest-${v.major}`,
  };
}

export function planLines(plan: ReleasePlan): string {
  return [
    `tag=${plan.tag}`,
    `version=${plan.version}`,
    `prerelease=${plan.prerelease}`,
    `major-tag=${plan.majorTag}`,
    `move-major=${plan.moveMajor}`,
    `latest=${plan.latest}`,
    `npm-tag=${plan.npmTag}`,
  ].join('\n');
}

function main(args: readonly string[]): void {
  const root = join(import.meta.dirname, '..');
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const [command, arg, tagsFile] = args;
  if (command === 'notes' && arg) {
    process.stdout.write(`${releaseNotes(read('CHANGELOG.md'), arg)}\n`);
  } else if (command === 'plan' && arg) {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    const tags = tagsFile ? readFileSync(tagsFile, 'utf8').split('\n').filter(Boolean) : [];
    process.stdout.write(`${planLines(releasePlan(arg, version, read('CHANGELOG.md'), tags))}\n`);
  } else {
    throw new ReleaseError('usage: release-notes.ts notes VERSION | plan TAG [TAGS-FILE]');
  }
}

if (import.meta.filename === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ReleaseError)) throw err;
    console.error(`release: ${err.message}`);
    process.exitCode = 1;
  }
}
