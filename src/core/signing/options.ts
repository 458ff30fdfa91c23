/**
 * Signing options as users give them, parsed the same way by the action's inputs and the CLI's
 * flags. `name` is how the user spells the option (`key-version` or `--key-version`). The transit
 * path and key name are parsed in src/core/vault/transit-names.ts.
 */
import { InputError } from '../errors.ts';
import { DEFAULT_IMAGE_SIGNATURE_FORMAT, IMAGE_SIGNATURE_FORMATS, type ImageSignatureFormat } from './image-format.ts';
import { DEFAULT_IF_NO_FILES_FOUND, IF_NO_FILES_FOUND_VALUES, type IfNoFilesFound } from './patterns.ts';

/** `latest` or '' → undefined (the key's latest version); `2` or `v2` → 2. */
export function parseKeyVersion(name: string, value: string): number | undefined {
  if (!value || value === 'latest') return undefined;
  const version = Number(value.replace(/^v/, ''));
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new InputError(`${name}: '${value}' is not a key version — use latest or a number such as 2`);
  }
  return version;
}

export function parseIfNoFilesFound(name: string, value: string): IfNoFilesFound {
  const choice = (value || DEFAULT_IF_NO_FILES_FOUND) as IfNoFilesFound;
  if (!IF_NO_FILES_FOUND_VALUES.includes(choice)) {
    throw new InputError(`${name}: '${choice}' must be one of ${IF_NO_FILES_FOUND_VALUES.join(', ')}`);
  }
  return choice;
}

export function parseImageSignatureFormat(name: string, value: string): ImageSignatureFormat {
  const format = (value || DEFAULT_IMAGE_SIGNATURE_FORMAT) as ImageSignatureFormat;
  if (!IMAGE_SIGNATURE_FORMATS.includes(format)) {
    throw new InputError(`${name}: '${value}' must be one of ${IMAGE_SIGNATURE_FORMATS.join(', ')}`);
  }
  return format;
}
