/**
 * Flag parsing for every command: Go-style (-role ci) and GNU-style (--role=ci) spellings,
 * booleans, `--`, and exec's split at the command.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../core/errors.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Other names that work too, e.g. the Go CLI's `authPath` for `auth-path`. */
  readonly aliases?: readonly string[];
  /** The value's name in help, e.g. ROLE. */
  readonly value?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedFlags {
  readonly values: FlagValues;
  readonly positionals: readonly string[];
}

const FLAG = /^--?([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;

/**
 * Parses flags Go-style or GNU-style: `-role ci`, `--role ci`, `--role=ci`, `-role=ci` all work,
 * so scripts written for the Go spiffe-vault CLI keep working. Booleans take `--json`,
 * `--bundle=false` or `--no-bundle`. A string flag takes the next argument as its value.
 * Everything after `--` is positional. `flags.command` names the command in error messages.
 */
export function parseFlags(
  argv: readonly string[],
  flags: { readonly specs: FlagSpecs; readonly command?: string },
): ParsedFlags {
  const { specs, command = '' } = flags;
  const names = nameIndex(specs);
  const normalized: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      normalized.push(...argv.slice(i));
      break;
    }
    const flag = normalizeFlag(arg, { specs, names, command });
    // As Go's flag package does, a string flag takes the next argument whatever it looks like
    // (`--ca-cert "$(cat ca.pem)"` starts with dashes).
    const name = /^--([\w-]+)$/.exec(flag)?.[1];
    if (name !== undefined && specs[name]?.type === 'string' && i + 1 < argv.length) {
      normalized.push(`--${name}=${argv[++i] as string}`);
    } else {
      normalized.push(flag);
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: normalized,
      options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }])),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
    return { values: { ...values }, positionals };
  } catch (error: unknown) {
    throw new InputError(describeParseError(error, command), { cause: error });
  }
}

/**
 * Splits `exec`'s arguments into its own flags and the command to run: at `--`, or else at the
 * first argument that is neither a flag nor a flag's value (as Go's flag package stops).
 */
export function splitAtCommand(
  argv: readonly string[],
  specs: FlagSpecs,
): { flags: readonly string[]; command: readonly string[] } {
  const names = nameIndex(specs);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return { flags: argv.slice(0, i), command: argv.slice(i + 1) };
    const match = FLAG.exec(arg);
    if (!match) return { flags: argv.slice(0, i), command: argv.slice(i) };
    const spec = specs[names.get(match[1] as string) ?? ''];
    if (spec?.type === 'string' && match[2] === undefined) i++;
  }
  return { flags: argv, command: [] };
}

/** Quotes a value for POSIX shells: 'it'\''s'. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Every accepted spelling (name, alias, `h` for help) → the flag's name. */
function nameIndex(specs: FlagSpecs): Map<string, string> {
  const names = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    names.set(name, name);
    for (const alias of spec.aliases ?? []) names.set(alias, name);
  }
  return names;
}

function normalizeFlag(
  arg: string,
  flags: { readonly specs: FlagSpecs; readonly names: ReadonlyMap<string, string>; readonly command: string },
): string {
  const { specs, names, command } = flags;
  const match = FLAG.exec(arg);
  if (!match) return arg;
  const given = match[1] as string;
  const value = match[2];
  const negated = given.startsWith('no-') ? names.get(given.slice(3)) : undefined;
  if (negated !== undefined && specs[negated]?.type === 'boolean' && value === undefined) return `--no-${negated}`;
  const name = names.get(given);
  const spec = name === undefined ? undefined : specs[name];
  if (name === undefined || spec === undefined) {
    throw new InputError(
      `unknown flag '${arg.replace(/=[\s\S]*$/, '')}'${command ? ` for ${command}` : ''} — see spiffe-vault ${command ? `${command} ` : ''}--help`,
    );
  }
  if (spec.type === 'string') return value === undefined ? `--${name}` : `--${name}=${value}`;
  if (value === undefined || value === 'true') return `--${name}`;
  if (value === 'false') return `--no-${name}`;
  throw new InputError(`--${name}: '${value}' is not a boolean — use --${name}, --${name}=true or --${name}=false`);
}

function describeParseError(error: unknown, command: string): string {
  const help = `see spiffe-vault ${command ? `${command} ` : ''}--help`;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    return `unknown flag '${option}'${command ? ` for ${command}` : ''} — ${help}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message) && option) {
    return `${option}: needs a value, e.g. ${option}=VALUE — ${help}`;
  }
  return `${message.replace(/\s*\n\s*/g, ' ')} — ${help}`;
}
