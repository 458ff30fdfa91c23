/**
 * Strict parsers for option values (booleans, durations, URLs, lists, PEM, key=value), shared by
 * every option row.
 */
import { readFileSync } from 'node:fs';
import { InputError } from './errors.ts';

/**
 * Strict parsers for user-supplied option values, shared by the action's inputs and the CLI's
 * flags. `name` is how the user spells the option, so every error names what to fix.
 */

/** `true` or `false` (any case, trimmed); undefined when empty, for the caller's default. */
export function parseBoolean(name: string, value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InputError(`${name}: '${value}' is not a boolean — use true or false`);
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90`, `90s`, `1m30s`, `500ms`, `2h` → milliseconds. A bare number means seconds. */
export function parseDuration(name: string, value: string): number {
  const v = value.trim();
  const fail = () =>
    new InputError(
      `${name}: '${value}' is not a duration — use a positive number of seconds or e.g. 30s, 5m, 1h30m, 500ms`,
    );
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Number(v) * 1000;
  else {
    // Checked whole first (anchored, each number ends at its unit): a scan over a long run of
    // digits that ends in no unit would otherwise retry from every digit, in quadratic time.
    if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(v)) throw fail();
    const parts = v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g);
    ms = [...parts].reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_MS[unit as string] ?? 0), 0);
  }
  // 1e400 seconds is Infinity: no timer or TTL means that.
  if (!(ms > 0) || !Number.isFinite(ms)) throw fail();
  return ms;
}

export function parseHttpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InputError(`${name}: '${value}' is not a URL — use e.g. https://vault.example.com:8200`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${name}: '${value}' must be an http:// or https:// URL`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(`${name}: '${value}' must not carry credentials, a query or a fragment`);
  }
  return trimSlashes(url.toString(), 'end');
}

/**
 * `value` without the slashes around it (or only at its `end`). A loop, not /^\/+|\/+$/: that
 * expression retries from every slash of a long inner run, in quadratic time.
 */
export function trimSlashes(value: string, side: 'both' | 'end' = 'both'): string {
  let start = 0;
  let end = value.length;
  if (side === 'both') while (start < end && value[start] === '/') start++;
  while (end > start && value[end - 1] === '/') end--;
  return value.slice(start, end);
}

/** Items separated by newlines or commas, trimmed, empty ones dropped. */
export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A PEM given inline, or the path of a file holding one. */
export function readPem(name: string, value: string): string {
  const v = value.trim();
  if (v.startsWith('-----BEGIN ')) return v.endsWith('\n') ? v : `${v}\n`;
  let text: string;
  try {
    text = readFileSync(v, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(`${name}: cannot read '${v}' (${code}) — give a PEM file path or the PEM text itself`);
  }
  if (!text.includes('-----BEGIN ')) {
    throw new InputError(`${name}: '${v}' holds no PEM block — give a PEM file path or the PEM text itself`);
  }
  return text;
}

/** `key=value` items (annotations) into a record; `name` is how the user spells the option. */
export function parseKeyValues(name: string, items: readonly string[]): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const item of items) {
    const at = item.indexOf('=');
    const key = item.slice(0, Math.max(at, 0)).trim();
    if (at <= 0 || key === '') throw new InputError(`${name}: '${item}' is not key=value`);
    pairs.set(key, item.slice(at + 1).trim());
  }
  // fromEntries defines own properties: a key such as `__proto__` is kept, not swallowed.
  return Object.fromEntries(pairs);
}
