/**
 * Value parsers the option rows share: strict, and every error names where the value came
 * from (`raw.source`) and how to fix it.
 */
import { InputError } from '../errors.ts';
import { parseBoolean, parseList, trimSlashes } from '../parse.ts';
import type { RawValue } from './spec.ts';

/** true/false; from an environment variable also Go's strconv.ParseBool forms (VAULT_SKIP_VERIFY=1). */
export function booleanValue(raw: RawValue): boolean {
  if (raw.fromEnv) {
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw.value)) return true;
    if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw.value)) return false;
    throw new InputError(`${raw.source}: '${raw.value}' is not a boolean — use true or false, or unset it`);
  }
  return parseBoolean(raw.source, raw.value) ?? false;
}

/** Items separated by newlines or commas. */
export function listValue(raw: RawValue): readonly string[] {
  return Object.freeze(parseList(raw.value));
}

/** One item a line (paths and globs may contain commas). */
export function linesValue(raw: RawValue): readonly string[] {
  return Object.freeze(
    raw.value
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );
}

/** A mount path without slashes around it (and without `auth/` for auth methods). */
export function mountPath(raw: RawValue, example: string): string {
  const path = trimSlashes(raw.value);
  if (!path || /\s|\/\//.test(path)) {
    throw new InputError(`${raw.source}: '${raw.value}' is not a mount path — e.g. ${example}`);
  }
  return path;
}

/** A single name: no spaces or slashes (Vault roles, transit keys). */
export function plainName(raw: RawValue, what: string): string {
  if (/[\s/]/.test(raw.value)) {
    throw new InputError(`${raw.source}: '${raw.value}' must be ${what}, without spaces or slashes`);
  }
  return raw.value;
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(raw: RawValue, choices: readonly T[]): T {
  if (!choices.includes(raw.value as T)) {
    throw new InputError(`${raw.source}: '${raw.value}' must be one of ${choices.join(', ')}`);
  }
  return raw.value as T;
}
