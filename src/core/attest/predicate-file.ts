/**
 * A predicate from a file (`attest-predicate`): read, checked and shaped as cosign shapes it for
 * the same type, so `cosign verify-attestation --type` and policy engines read the same JSON.
 */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { COSIGN_CUSTOM_PREDICATE, PREDICATE_TYPES } from './predicate-type.ts';

/** Larger predicates are refused: a statement travels inside every bundle and registry layer. */
export const MAX_PREDICATE_BYTES = 16 * 1024 * 1024;

export interface PredicateFileOptions {
  /** The predicate type URI (see parsePredicateType). */
  readonly predicateType: string;
  /** The short name given, when one was (`spdx` keeps its text; `spdxjson` parses it). */
  readonly shortName?: string;
  /** How the input is spelled in errors (`attest-predicate`, `--predicate`). */
  readonly source: string;
  readonly now?: () => Date;
}

export function readPredicateFile(path: string, options: PredicateFileOptions): unknown {
  const { source } = options;
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = stat.size;
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${source}: cannot read the predicate file ${path} (${code}) — give the path of a JSON file`);
  }
  if (size > MAX_PREDICATE_BYTES) {
    throw new InputError(
      `${source}: ${path} is ${size} bytes, more than the ${MAX_PREDICATE_BYTES / (1024 * 1024)} MiB a predicate may have — attest a smaller document`,
    );
  }
  const text = readFileSync(path, 'utf8');
  // As cosign: the custom type wraps the file's text; spdx (not spdxjson) keeps it as a string.
  if (options.predicateType === COSIGN_CUSTOM_PREDICATE) {
    return {
      Data: text,
      Timestamp: (options.now ?? (() => new Date()))()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
  }
  if (options.shortName === 'spdx') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new InputError(
      `${source}: ${path} is not JSON (${error instanceof Error ? error.message : String(error)}) — a ${nameOf(options)} predicate is a JSON object`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(
      `${source}: ${path} holds JSON but not an object — a ${nameOf(options)} predicate is a JSON object`,
    );
  }
  return parsed;
}

function nameOf(options: PredicateFileOptions): string {
  return (
    options.shortName ??
    Object.entries(PREDICATE_TYPES).find(([, uri]) => uri === options.predicateType)?.[0] ??
    options.predicateType
  );
}
