/** The files `sign-blobs` names: globs and !exclusions expanded, then if-no-files-found applied. */
import { globSync, statSync, type Dirent } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { describeError } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import { SigningError } from './errors.ts';
import { patternCostProblem } from './pattern-cost.ts';

/** What to do when a file pattern matches no file (the `if-no-files-found` input). */
export type IfNoFilesFound = 'error' | 'warn' | 'ignore';
export const IF_NO_FILES_FOUND_VALUES: readonly IfNoFilesFound[] = ['error', 'warn', 'ignore'];
export const DEFAULT_IF_NO_FILES_FOUND: IfNoFilesFound = 'error';

export interface ResolveFilePatternsOptions {
  /** Directory relative patterns are resolved against. */
  readonly cwd: string;
  readonly logger?: Logger;
}

export interface PatternMatch {
  /** The include pattern as given (trimmed). */
  readonly pattern: string;
  /** Regular files it matched that no `!` pattern excluded. 0 = "matched nothing". */
  readonly files: number;
  /** Directories it matched (never signed: use `dir/**` for the files in them). */
  readonly directories: number;
}

export interface ResolvedFiles {
  /** Sorted, unique absolute paths of regular files (symlinks to files count as files). */
  readonly files: readonly string[];
  /** One entry per include pattern, in the order given. */
  readonly patterns: readonly PatternMatch[];
}

/**
 * Expands file patterns with Node's `fs.globSync` (`*`, `**`, `?`, `[…]`, `{a,b}`; `*`
 * skips dot-files; `**` does not follow directory symlinks). A pattern that names an existing
 * file literally matches it even if it contains glob characters. Patterns starting with `!`
 * exclude what they match (a directory excludes everything under it), whatever their position.
 * A plain path that does not exist matches nothing: it is reported, not thrown.
 */
export async function resolveFilePatterns(
  patterns: readonly string[],
  options: ResolveFilePatternsOptions,
): Promise<ResolvedFiles> {
  const logger = options.logger ?? NOOP_LOGGER;
  const cwd = resolve(options.cwd);
  const includes: string[] = [];
  const excludes: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (!pattern.startsWith('!')) {
      includes.push(pattern);
      continue;
    }
    const excluded = pattern.slice(1).trim();
    if (excluded === '') {
      throw new SigningError('INVALID_PATTERN', `file pattern '${raw}' excludes nothing — write e.g. '!**/*.log'`);
    }
    excludes.push(excluded);
  }
  if (includes.length === 0) {
    throw new SigningError(
      'INVALID_PATTERN',
      'no file pattern to sign was given (only exclusions or empty lines) — give paths or globs such as dist/*.tar.gz',
    );
  }

  const excludedFiles = new Set<string>();
  const excludedDirs: string[] = [];
  for (const pattern of excludes) {
    const matched = expandPattern(pattern, { cwd, logger });
    for (const file of matched.files) excludedFiles.add(file);
    excludedDirs.push(...matched.directories);
  }
  const isExcluded = (file: string) =>
    excludedFiles.has(file) || excludedDirs.some((dir) => file.startsWith(dir.endsWith(sep) ? dir : dir + sep));

  const all = new Set<string>();
  const report: PatternMatch[] = [];
  for (const pattern of includes) {
    const matched = expandPattern(pattern, { cwd, logger });
    const kept = matched.files.filter((file) => !isExcluded(file));
    for (const file of kept) all.add(file);
    report.push({ pattern, files: kept.length, directories: matched.directories.length });
    logger.debug(`pattern '${pattern}': ${kept.length} file(s), ${matched.directories.length} directory(ies) skipped`);
  }
  return { files: [...all].sort(), patterns: report };
}

/**
 * Applies `if-no-files-found` to a resolution: `error` throws `NO_FILES_MATCHED` naming every
 * pattern that matched no file; `warn` logs one warning per such pattern; `ignore` is silent.
 * Returns the files to sign (possibly none with `warn`/`ignore`).
 */
export function checkFilesFound(
  resolved: ResolvedFiles,
  policy: { readonly ifNoFilesFound: IfNoFilesFound; readonly logger?: Logger },
): string[] {
  const { ifNoFilesFound, logger } = policy;
  const unmatched = resolved.patterns.filter((p) => p.files === 0);
  if (unmatched.length === 0 || ifNoFilesFound === 'ignore') return [...resolved.files];
  const describe = (p: PatternMatch) =>
    `'${p.pattern}'${p.directories > 0 ? ` (matched only directories: use '${p.pattern.replace(/\/+$/, '')}/**')` : ''}`;
  const list = unmatched.map(describe).join(', ');
  if (ifNoFilesFound === 'error') {
    throw new SigningError(
      'NO_FILES_MATCHED',
      `no file matched ${unmatched.length === 1 ? 'the pattern' : 'the patterns'} ${list} — check the paths ` +
        `(relative to the working directory) and that the files were built, or set if-no-files-found to warn or ignore`,
    );
  }
  for (const p of unmatched) logger?.warning(`no file matched the pattern ${describe(p)}`);
  return [...resolved.files];
}

interface Expanded {
  readonly files: string[];
  readonly directories: string[];
}

function expandPattern(pattern: string, where: { readonly cwd: string; readonly logger: Logger }): Expanded {
  const { cwd, logger } = where;
  const files = new Set<string>();
  const directories = new Set<string>();
  /** Sorts one path by what it is; `entry` (from the glob) spares a stat unless it is a symlink. */
  const classify = (path: string, entry?: Dirent) => {
    if (entry?.isFile()) files.add(path);
    else if (entry?.isDirectory()) directories.add(path);
    else if (entry && !entry.isSymbolicLink()) logger.debug(`'${path}' is not a regular file: skipped`);
    else {
      try {
        const stats = statSync(path); // follows symlinks: a link to a file is signed as that file
        if (stats.isFile()) files.add(path);
        else if (stats.isDirectory()) directories.add(path);
        else logger.debug(`'${path}' is not a regular file: skipped`);
      } catch (error: unknown) {
        const code = (error as NodeJS.ErrnoException).code;
        // The literal candidate of a glob (or a missing plain path) does not exist: no match.
        if (code !== 'ENOENT' && code !== 'ENOTDIR') logger.debug(`'${path}' skipped: ${describeError(error)}`);
      }
    }
  };
  // The literal path first: a file named `notes[1].txt` must match itself, not `notes1.txt`.
  classify(resolve(cwd, pattern));
  const tooCostly = patternCostProblem(pattern);
  if (tooCostly) {
    throw new SigningError(
      'INVALID_PATTERN',
      `the file pattern '${pattern}' is refused: ${tooCostly} — write a simpler pattern`,
    );
  }
  let entries: Dirent[];
  try {
    // Synchronous: nothing else runs meanwhile, and the promise API costs twice the time here.
    entries = globSync(pattern, { cwd, withFileTypes: true });
  } catch (error: unknown) {
    throw new SigningError(
      'INVALID_PATTERN',
      `cannot expand the file pattern '${pattern}' in ${cwd}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (!files.has(path) && !directories.has(path)) classify(path, entry);
  }
  return { files: [...files], directories: [...directories] };
}
