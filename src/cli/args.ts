import { parseArgs } from 'node:util';
import { InputError } from '../core/errors.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
}

/**
 * Parses flags Go-style or GNU-style: `-role ci`, `--role ci`, `--role=ci`, `-role=ci` all work,
 * so scripts written for the Go spiffe-vault CLI keep working.
 */
export function parseFlags(
  argv: readonly string[],
  specs: Readonly<Record<string, FlagSpec>>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const names = new Set(Object.keys(specs));
  const normalized = argv.map((arg) => {
    const match = /^-([A-Za-z][\w-]*)(=.*)?$/.exec(arg);
    return match && names.has(match[1] as string) ? `-${arg}` : arg;
  });
  try {
    const { values, positionals } = parseArgs({
      args: normalized,
      options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }])),
      allowPositionals: true,
      strict: true,
    });
    return { values: { ...values } as Record<string, string | boolean | undefined>, positionals };
  } catch (error: unknown) {
    throw new InputError(`${error instanceof Error ? error.message : String(error)} — see --help`);
  }
}

/** Quotes a value for POSIX shells: 'it'\''s'. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
