/**
 * The proxy's `allow` patterns: which Vault API paths a job may reach through it. The syntax is
 * a Vault policy's path syntax, which the people writing these already know: `+` stands for one
 * path segment, a trailing `*` for any rest of the path (`transit/sign/cosign/*`).
 */
import { InputError } from '../errors.ts';

export interface AllowList {
  /** The patterns as given; empty = every path is allowed. */
  readonly patterns: readonly string[];
  allows(path: string): boolean;
}

const PATTERN = /^[^\s*?#]*\*?$/;

/** Parses patterns (`source` names the input in errors); none given allows everything. */
export function parseAllowList(patterns: readonly string[], source: string): AllowList {
  const cleaned = patterns.map((pattern) => pattern.trim().replace(/^\/+/, '').replace(/^v1\//, ''));
  for (const pattern of cleaned) {
    if (pattern === '' || !PATTERN.test(pattern) || pattern.split('/').some((s) => s === '.' || s === '..')) {
      throw new InputError(
        `${source}: '${pattern}' is not a Vault path pattern — write API paths without /v1/, ` +
          "with + for one segment and a trailing * for any rest, e.g. 'transit/sign/cosign/*'",
      );
    }
  }
  const matchers = cleaned.map(compile);
  return {
    patterns: cleaned,
    allows: (path) => matchers.length === 0 || matchers.some((matches) => matches(path)),
  };
}

function compile(pattern: string): (path: string) => boolean {
  const prefix = pattern.endsWith('*');
  const segments = (prefix ? pattern.slice(0, -1) : pattern).split('/');
  return (path) => {
    const parts = path.split('/');
    if (prefix ? parts.length < segments.length : parts.length !== segments.length) return false;
    return segments.every((segment, index) => {
      const part = parts[index] as string;
      if (prefix && index === segments.length - 1) return part.startsWith(segment);
      return segment === '+' ? part !== '' : part === segment;
    });
  };
}

/**
 * The Vault API path of a request target (`/v1/transit/sign/cosign?x` → `transit/sign/cosign`),
 * decoded, or a reason to refuse it: the proxy only forwards paths it can judge, so `.`/`..`
 * segments, encoded slashes and anything outside /v1/ never reach Vault.
 */
export function apiPathOf(target: string): { readonly path: string } | { readonly refused: string } {
  const raw = target.split('?')[0] ?? '';
  if (!raw.startsWith('/v1/')) return { refused: 'only the Vault API (/v1/…) is served' };
  const segments = raw.slice('/v1/'.length).split('/');
  const decoded: string[] = [];
  for (const [index, segment] of segments.entries()) {
    // A trailing slash is how LIST requests often end; an empty segment elsewhere is refused.
    if (segment === '' && index < segments.length - 1) return { refused: 'the path has an empty segment (//)' };
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return { refused: 'the path is not valid percent-encoding' };
    }
    if (value === '.' || value === '..' || value.includes('/') || value.includes('\\')) {
      return { refused: 'the path has a ., .. or encoded slash segment' };
    }
    decoded.push(value);
  }
  return { path: decoded.join('/') };
}
