/**
 * Which transit key signs, as users name it: the transit engine's mount path (`transit-path`,
 * the one name for it everywhere: options, config, signer) and the key's name. The front ends
 * and the signer check them with the same rules.
 */
import { DEFAULT_TRANSIT_KEY, DEFAULT_TRANSIT_PATH } from '../defaults.ts';
import { InputError } from '../errors.ts';
import { trimSlashes } from '../parse.ts';

/** The transit key to sign with, as both front ends' configs carry it. */
export interface TransitKeySelection {
  /** Mount path of the transit engine, without surrounding slashes (default `transit`). */
  readonly transitPath: string;
  /** The key's name, without the mount (default `cosign`). */
  readonly transitKey: string;
  /** undefined = the key's latest version, resolved once and then used for every signature. */
  readonly keyVersion: number | undefined;
}

/** A transit mount path ('' = the default); `name` is how the user spells the option. */
export function parseTransitPath(name: string, value: string): string {
  const path = trimSlashes(value || DEFAULT_TRANSIT_PATH);
  if (!path || /\s|\/\//.test(path)) {
    throw new InputError(
      `${name}: '${value}' is not a mount path — e.g. ${optionSpelling(name, 'transit-path')} transit`,
    );
  }
  return path;
}

/** A transit key name ('' = the default): a name alone, the mount goes in `transit-path`. */
export function parseTransitKeyName(name: string, value: string): string {
  const key = value || DEFAULT_TRANSIT_KEY;
  if (/[\s/]/.test(key)) {
    throw new InputError(
      `${name}: '${key}' must be a key name, without slashes (the mount goes in ${optionSpelling(name, 'transit-path')})`,
    );
  }
  return key;
}

/** `transit-path` next to an action input (`transit-key`), `--transit-path` otherwise (flags, variables). */
function optionSpelling(name: string, option: string): string {
  return /^[a-z][a-z-]*$/.test(name) ? option : `--${option}`;
}
