/** Option rows for signing with a transit key: the key, files, images and where results go. */
import { DEFAULT_TRANSIT_KEY, DEFAULT_TRANSIT_PATH } from '../defaults.ts';
import { InputError } from '../errors.ts';
import { parseKeyValues } from '../parse.ts';
import { DEFAULT_IMAGE_SIGNATURE_FORMAT, IMAGE_SIGNATURE_FORMATS } from '../signing/image-format.ts';
import { DEFAULT_IF_NO_FILES_FOUND, IF_NO_FILES_FOUND_VALUES } from '../signing/patterns.ts';
import { defineOption, type Front } from './spec.ts';
import { parseTransitKeyName, parseTransitPath } from '../vault/transit-names.ts';
import { booleanValue, linesValue, listValue, oneOf } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];
const ACTION_AND_GITLAB: readonly Front[] = ['action', 'gitlab'];

export const SIGNING_OPTIONS = {
  'transit-path': defineOption({
    name: 'transit-path',
    kind: 'string',
    metavar: 'PATH',
    help: 'mount path of the transit secrets engine',
    default: DEFAULT_TRANSIT_PATH,
    defaultHelp: `$TRANSIT_SECRET_ENGINE_PATH, then ${DEFAULT_TRANSIT_PATH}`,
    // What cosign's hashivault:// KMS reads, and what the action and exec export.
    env: ['TRANSIT_SECRET_ENGINE_PATH'],
    fronts: ALL,
    parse: (raw) => parseTransitPath(raw.source, raw.value),
  }),
  'transit-key': defineOption({
    name: 'transit-key',
    kind: 'string',
    metavar: 'KEY',
    help: 'name of the ecdsa-p256 transit key',
    default: DEFAULT_TRANSIT_KEY,
    fronts: ALL,
    parse: (raw) => parseTransitKeyName(raw.source, raw.value),
  }),
  'key-version': defineOption({
    name: 'key-version',
    kind: 'string',
    metavar: 'N',
    help: 'key version to sign with (a number, or latest); pinned for the whole run and recorded',
    default: 'latest',
    fronts: ALL,
    parse: (raw): number | undefined => {
      if (raw.value === '' || raw.value === 'latest') return undefined;
      const version = Number(raw.value.replace(/^v/, ''));
      if (!Number.isSafeInteger(version) || version < 1) {
        throw new InputError(`${raw.source}: '${raw.value}' is not a key version — use latest or a number such as 2`);
      }
      return version;
    },
  }),
  'sign-blobs': defineOption({
    name: 'sign-blobs',
    kind: 'string',
    help: 'files to sign, one path or glob per line (!pattern excludes): FILE.sig and, with bundle, FILE.sigstore.json',
    fronts: ACTION_AND_GITLAB,
    parse: linesValue,
  }),
  'signature-dir': defineOption({
    name: 'signature-dir',
    kind: 'string',
    metavar: 'DIR',
    help: 'write signatures, bundles and the public key here instead of next to each file',
    defaultHelp: 'next to each file',
    // The component's job keeps its signatures as an artifact: one folder to name.
    gitlabDefault: 'signatures',
    fronts: ALL,
    parse: (raw) => raw.value,
  }),
  bundle: defineOption({
    name: 'bundle',
    kind: 'boolean',
    help: 'also write a Sigstore bundle (FILE.sigstore.json) for each file',
    default: 'true',
    fronts: NOT_GITLAB,
    parse: booleanValue,
  }),
  'if-no-files-found': defineOption({
    name: 'if-no-files-found',
    kind: 'string',
    metavar: 'WHAT',
    help: `what to do when a pattern matches no file: ${IF_NO_FILES_FOUND_VALUES.join(', ')}`,
    default: DEFAULT_IF_NO_FILES_FOUND,
    fronts: NOT_GITLAB,
    parse: (raw) => oneOf(raw, IF_NO_FILES_FOUND_VALUES),
  }),
  'sign-images': defineOption({
    name: 'sign-images',
    kind: 'string',
    help: 'container images to sign in their registries, one reference per line (by tag or digest)',
    fronts: ACTION_AND_GITLAB,
    parse: linesValue,
  }),
  'image-signature-format': defineOption({
    name: 'image-signature-format',
    kind: 'string',
    metavar: 'FORMAT',
    flag: 'format',
    help: 'legacy (the cosign .sig tag; cosign v2 and v3 verify it), bundle (a Sigstore bundle referrer; cosign v3), or both',
    default: DEFAULT_IMAGE_SIGNATURE_FORMAT,
    fronts: ALL,
    parse: (raw) => oneOf(raw, IMAGE_SIGNATURE_FORMATS),
  }),
  annotations: defineOption({
    name: 'annotations',
    kind: 'string',
    metavar: 'K=V,…',
    help: 'key=value pairs signed into each image signature (cosign verify -a key=value checks them); comma or newline separated',
    fronts: NOT_GITLAB,
    parse: (raw) => Object.freeze(parseKeyValues(raw.source, listValue(raw))),
  }),
  recursive: defineOption({
    name: 'recursive',
    kind: 'boolean',
    help: "for a multi-platform index, also sign each platform's manifest",
    default: 'false',
    fronts: NOT_GITLAB,
    parse: booleanValue,
  }),
  'registry-insecure': defineOption({
    name: 'registry-insecure',
    kind: 'string',
    metavar: 'HOST,…',
    help: 'registry hosts (host or host:port) to speak plain http to; loopback registries always are',
    fronts: NOT_GITLAB,
    parse: listValue,
  }),
} as const;
