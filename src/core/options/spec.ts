/**
 * The shape of one option row, and how a front end's raw value (an action input, a CLI flag,
 * a component input) plus the row's environment fallbacks and default become one raw string
 * that the row's parser turns into a typed value.
 */

/** The front ends an option can be exposed on. */
export type Front = 'action' | 'cli' | 'gitlab';

/** Where a raw value came from, and how the user spells that place (for error messages). */
export interface RawValue {
  readonly value: string;
  /** `vault-addr` (action input), `--vault-addr` (flag) or `VAULT_ADDR` (environment). */
  readonly source: string;
  readonly fromEnv: boolean;
}

export interface OptionRow<T> {
  readonly name: string;
  /** How the CLI parses its flag; every other front gives strings. */
  readonly kind: 'string' | 'boolean';
  /** One line for action.yml, the CLI help and the README. */
  readonly help: string;
  /** The literal default, as a user would write it ('' = none). */
  readonly default?: string;
  /** How the docs name a default that is not a literal (e.g. "false with run"). */
  readonly defaultHelp?: string;
  /** Environment variables read, in order, when the front end gives no value. */
  readonly env?: readonly string[];
  readonly fronts: readonly Front[];
  /** The action marks it required (action.yml). */
  readonly required?: boolean;
  /** The CLI's name for the value in help (ROLE, URL). */
  readonly metavar?: string;
  /** Other CLI spellings (the Go spiffe-vault CLI's -authPath). */
  readonly aliases?: readonly string[];
  /** The GitLab components' default, where it differs on purpose (an artifact folder). */
  readonly gitlabDefault?: string;
  /** The CLI flag's name when it differs from the option's (`format`). */
  readonly flag?: string;
  /** Validates and converts; `raw.value` is '' when nothing (not even a default) was given. */
  readonly parse: (raw: RawValue) => T;
}

/** A front end's raw values: '' when the user gave none. */
export interface OptionSource {
  given(row: OptionRow<unknown>): string;
  /** How this front end names the option: `vault-addr` or `--vault-addr`. */
  spell(row: OptionRow<unknown>): string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function defineOption<T>(row: OptionRow<T>): OptionRow<T> {
  return Object.freeze(row);
}

/** The front end's value, else the first environment variable set, else the row's default. */
export function rawValue(source: OptionSource, row: OptionRow<unknown>): RawValue {
  const given = source.given(row).trim();
  if (given !== '') return { value: given, source: source.spell(row), fromEnv: false };
  for (const name of row.env ?? []) {
    const value = source.env[name]?.trim();
    if (value) return { value, source: name, fromEnv: true };
  }
  return { value: row.default ?? '', source: source.spell(row), fromEnv: false };
}

/** Reads and parses one option; every error names the place the value came from. */
export function readOption<T>(source: OptionSource, row: OptionRow<T>): T {
  return row.parse(rawValue(source, row));
}
