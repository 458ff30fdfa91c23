// The third-party packages the bundles include and their licences: the text of dist/licenses.txt,
// and the allow-list every one of them must pass. It works from the files the bundler reports per
// bundle (its metafile), so a package left out of the bundles (tree-shaken, stubbed, a dev tool)
// is neither listed nor checked.
import type { Metafile } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { satisfies } from './spdx.ts';

/** Licences (SPDX ids) a bundled package may have. Add one only after legal review. */
export const ALLOWED_LICENSES: readonly string[] = ['0BSD', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'MIT'];

/** Standard licence texts, `<SPDX id>.txt`, for a package that ships none. */
export const STANDARD_TEXTS_DIR = join(import.meta.dirname, 'license-texts');

const LICENSE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

export interface LicenceText {
  /** The file in the package, or which standard text stands in for a missing one. */
  source: string;
  text: string;
}

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The bundles that include some of its code, e.g. `main.js`. */
  bundles: string[];
  texts: LicenceText[];
}

/** A bundled package whose licence fails the check, or whose licence text is missing. */
export class LicenceCheckError extends Error {
  override name = 'LicenceCheckError';
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Each bundle (`main.js`) → its input files under node_modules that put code into it. */
export function bundledInputs(metafile: Metafile): Map<string, string[]> {
  const bundles = new Map<string, string[]>();
  for (const [output, meta] of Object.entries(metafile.outputs)) {
    if (!output.endsWith('.js')) continue;
    const files = Object.entries(meta.inputs)
      .filter(([path, input]) => input.bytesInOutput > 0 && packageDirOf(path) !== undefined)
      .map(([path]) => path);
    bundles.set(basename(output), files);
  }
  return bundles;
}

/**
 * The package folder of a file under node_modules, nested and scoped ones included:
 * `node_modules/a/node_modules/@s/b/lib/x.js` → `node_modules/a/node_modules/@s/b`.
 */
export function packageDirOf(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const nameParts = parts[at + 1]?.startsWith('@') ? 2 : 1;
  const dir = parts.slice(0, at + 1 + nameParts);
  // The package's name, and then a file inside it.
  if (parts.length <= dir.length || dir.slice(at + 1).some((part) => !part)) return undefined;
  return dir.join('/');
}

/** The `license` of a package.json, also in its old forms (`{ type }`, `licenses: [...]`). */
function licenseOf(pkg: Record<string, unknown>): string | undefined {
  const typeOf = (value: unknown) => (typeof value === 'string' ? value : (value as { type?: unknown } | null)?.type);
  const license = typeOf(pkg.license);
  if (typeof license === 'string' && license.trim()) return license.trim();
  if (Array.isArray(pkg.licenses)) {
    // An old list of licences: the package may be taken under any of them.
    const ids = pkg.licenses.map(typeOf).filter((id): id is string => typeof id === 'string' && !!id.trim());
    if (ids.length === 1) return ids[0];
    if (ids.length > 1) return `(${ids.join(' OR ')})`;
  }
  return undefined;
}

/** A licence text as it goes into the notice: no BOM, LF line ends, no blank lines around it. */
function normalized(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/^(\s*\n)+/, '')
    .trimEnd();
}

function licenceFiles(dir: string): LicenceText[] {
  return readdirSync(dir)
    .filter((file) => LICENSE_FILE.test(file) && statSync(join(dir, file)).isFile())
    .sort(byCodePoint)
    .map((file) => ({ source: file, text: normalized(readFileSync(join(dir, file), 'utf8')) }))
    .filter(({ text }) => text !== '');
}

export interface CollectOptions {
  /** The folder the metafile's paths are relative to. */
  root: string;
  allowed?: readonly string[];
  standardTexts?: string;
}

/**
 * The packages the bundles include, sorted by name, each with its licence and licence text.
 * Throws a LicenceCheckError naming every package whose licence is not allowed (or missing), or
 * whose licence text is missing.
 */
export function collectPackages(
  bundles: ReadonlyMap<string, readonly string[]>,
  { root, allowed = ALLOWED_LICENSES, standardTexts = STANDARD_TEXTS_DIR }: CollectOptions,
): BundledPackage[] {
  const bundlesOf = new Map<string, Set<string>>();
  for (const [bundle, files] of bundles) {
    for (const file of files) {
      const dir = packageDirOf(file);
      if (dir === undefined) continue;
      if (!bundlesOf.has(dir)) bundlesOf.set(dir, new Set());
      bundlesOf.get(dir)?.add(bundle);
    }
  }

  const packages = new Map<string, BundledPackage>();
  const problems: string[] = [];
  for (const dir of [...bundlesOf.keys()].sort(byCodePoint)) {
    const folder = resolve(root, dir);
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest)) {
      problems.push(`${dir}: no package.json, so no name, version or licence`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    const name = typeof pkg.name === 'string' ? pkg.name : dir.slice(dir.lastIndexOf('node_modules/') + 13);
    const version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    const label = `${name}@${version} (${dir})`;
    const license = licenseOf(pkg);
    if (license === undefined) {
      problems.push(`${label}: no licence in its package.json`);
      continue;
    }
    let passes: boolean;
    try {
      passes = satisfies(license, allowed);
    } catch {
      problems.push(`${label}: licence "${license}" is not a valid SPDX expression`);
      continue;
    }
    if (!passes) {
      problems.push(`${label}: licence "${license}" is not on the allow-list (${allowed.join(', ')})`);
      continue;
    }

    let texts = licenceFiles(folder);
    if (texts.length === 0) {
      // Only for a single licence: for an expression we would have to choose whose text applies.
      const standard = join(standardTexts, `${license}.txt`);
      if (!/^[\w.-]+$/.test(license) || !existsSync(standard)) {
        problems.push(
          `${label}: ships no LICENSE, LICENCE, COPYING or NOTICE file, and there is no standard ` +
            `text for "${license}" in ${relative(process.cwd(), standardTexts)}/; add the licence's standard text there as ` +
            `<SPDX id>.txt if it names no copyright holder, or replace the package`,
        );
        continue;
      }
      texts = [
        {
          source: `the standard ${license} text (the package ships no licence file)`,
          text: normalized(readFileSync(standard, 'utf8')),
        },
      ];
    }

    const key = `${name}@${version}`;
    const known = packages.get(key);
    // One section for two copies of one version (hoisted and nested): the bundles of both.
    if (known) known.bundles = [...new Set([...known.bundles, ...(bundlesOf.get(dir) ?? [])])].sort(byCodePoint);
    else
      packages.set(key, { name, version, license, bundles: [...(bundlesOf.get(dir) ?? [])].sort(byCodePoint), texts });
  }

  if (problems.length > 0) {
    throw new LicenceCheckError(
      `The bundles include packages that fail the licence check:\n` +
        problems.map((problem) => `  - ${problem}\n`).join('') +
        `To proceed, replace the package (or keep it out of the bundles), or, after legal review ` +
        `of its licence, add the licence's SPDX id to ALLOWED_LICENSES in scripts/licenses.ts.`,
    );
  }
  return [...packages.values()].sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.version, b.version));
}

const RULE = '='.repeat(80);

/** dist/licenses.txt: a summary, then one section per package with its licence text(s). */
export function renderLicenses(packages: readonly BundledPackage[]): string {
  const counts = new Map<string, number>();
  for (const { license } of packages) counts.set(license, (counts.get(license) ?? 0) + 1);
  const summary = [...counts]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([license, count]) => `${license} (${count})`)
    .join(', ');
  const lines = [
    'Third-party software in the bundles (*.js) of this folder',
    '',
    'The bundles include code of the packages below, each under its own licence, given in full.',
    'Written by scripts/build.ts from what the bundler put into each bundle.',
    '',
    `${packages.length} packages: ${summary}`,
  ];
  for (const pkg of packages) {
    lines.push('', RULE, `${pkg.name}@${pkg.version}`, `License: ${pkg.license}`, `Bundles: ${pkg.bundles.join(', ')}`);
    for (const { source, text } of pkg.texts) lines.push('', `--- ${source} ---`, '', text);
  }
  return `${lines.join('\n')}\n`;
}
