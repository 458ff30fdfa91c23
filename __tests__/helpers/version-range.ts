// The caret ranges the GitLab components name the CLI package by, read as npm reads them (only
// the forms the project writes: ^X, ^X.Y, ^X.Y.Z and ^X.Y.Z-PRE).

interface Version {
  readonly core: readonly [number, number, number];
  /** The pre-release identifiers (`rc.1` → ['rc', '1']), empty for a release. */
  readonly pre: readonly string[];
}

export function parseVersion(version: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(version);
  if (!m) return undefined;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/**
 * The range the components name for a package version: ^0.MINOR before 1.0 (a 0.x minor release
 * may break flags), ^MAJOR from 1.0, and for a release candidate its own version (npm leaves
 * pre-releases out of every range that does not name one of the same x.y.z).
 */
export function componentRange(version: string): string {
  const v = parseVersion(version);
  if (!v) throw new Error(`${version} is not a semantic version`);
  if (v.pre.length > 0) return `^${version}`;
  return v.core[0] === 0 ? `^0.${v.core[1]}` : `^${v.core[0]}`;
}

/** Whether `version` is in the caret range `range`, as npm decides it. */
export function satisfiesCaret(version: string, range: string): boolean {
  const v = parseVersion(version);
  const r = /^\^(\d+)(?:\.(\d+)(?:\.(\d+)(?:-([0-9A-Za-z.-]+))?)?)?$/.exec(range);
  if (!v || !r) return false;
  const low: Version = {
    core: [Number(r[1]), Number(r[2] ?? 0), Number(r[3] ?? 0)],
    pre: r[4] ? r[4].split('.') : [],
  };
  // A pre-release is in a range only when the range names a pre-release of the same x.y.z.
  if (v.pre.length > 0 && (low.pre.length === 0 || compareCore(v.core, low.core) !== 0)) return false;
  if (compare(v, low) < 0) return false;
  const [major, minor, patch] = low.core;
  if (major !== 0 || r[2] === undefined) return v.core[0] === major;
  if (minor !== 0 || r[3] === undefined) return v.core[0] === 0 && v.core[1] === minor;
  return v.core[0] === 0 && v.core[1] === 0 && v.core[2] === patch;
}

function compareCore(a: Version['core'], b: Version['core']): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** Semantic version precedence: a release ranks above its pre-releases. */
function compare(a: Version, b: Version): number {
  const core = compareCore(a.core, b.core);
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Number(x) - Number(y) : x < y ? -1 : 1;
  }
  return 0;
}
