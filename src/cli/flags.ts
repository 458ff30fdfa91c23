/**
 * The CLI's flags, in groups for the help. Every flag that is an option comes from the shared
 * option table (its name, help, default, Go CLI aliases); only the CLI's own flags (verification
 * inputs, output) are defined here.
 */
import type { OptionRow } from '../core/options/spec.ts';
import { OPTIONS, OPTION_GROUPS, type OptionName } from '../core/options/table.ts';
import type { FlagSpec, FlagSpecs } from './args.ts';

export interface FlagGroup {
  readonly title: string;
  readonly flags: FlagSpecs;
}

/** A table row as a flag; `help` replaces the row's text where the flag means something else. */
export function optionFlag(row: OptionRow<unknown>, help?: string): [string, FlagSpec] {
  const shown = row.defaultHelp ?? row.default;
  const description = help ?? `${row.help}${shown ? ` (default ${shown})` : ''}`;
  return [
    row.flag ?? row.name,
    {
      type: row.kind,
      description,
      ...(row.aliases ? { aliases: row.aliases } : {}),
      ...(row.metavar ? { value: row.metavar } : {}),
    },
  ];
}

export function group(title: string, names: readonly OptionName[]): FlagGroup {
  const rows = names.map((name) => OPTIONS[name] as OptionRow<unknown>).filter((row) => row.fronts.includes('cli'));
  return { title, flags: Object.fromEntries(rows.map((row) => optionFlag(row))) };
}

export const LOGIN_FLAGS = group('Login (SPIFFE identity → Vault token)', OPTION_GROUPS.login);
export const VAULT_FLAGS = group('Vault connection', OPTION_GROUPS.connection);
export const TRANSIT_PATH_FLAG = group('Transit', ['transit-path']);
export const SIGNING_FLAGS = group('Signing', [
  'transit-path',
  'transit-key',
  'key-version',
  'signature-dir',
  'bundle',
  'if-no-files-found',
]);
export const IMAGE_SIGNING_FLAGS = group('Image signing', [
  'transit-path',
  'transit-key',
  'key-version',
  'image-signature-format',
  'annotations',
  'recursive',
  'registry-insecure',
]);

export const PROXY_FLAGS: FlagGroup = {
  title: 'Proxy',
  flags: {
    ...group('Proxy', ['proxy-allow', 'proxy-listen']).flags,
    'ready-file': {
      type: 'string',
      value: 'FILE',
      description: 'write {"vaultAddr","pid"} as JSON here once the proxy serves (removed when it stops)',
    },
    background: {
      type: 'boolean',
      description: 'start the proxy in the background and print shell exports for eval (stop it with kill)',
    },
  },
};

export const ATTEST_FLAGS = group('Attestations', ['provenance', 'attest-predicate', 'attest-type']);
/** For files: also where their attestations go. */
export const ATTEST_FILE_FLAGS = group('Attestations', [
  'provenance',
  'attest-predicate',
  'attest-type',
  'attestation-name',
]);
/** attest-blob: the key and where outputs go, without signature-only flags (--bundle). */
export const ATTEST_SIGNING_FLAGS = group('Signing', [
  'transit-path',
  'transit-key',
  'key-version',
  'signature-dir',
  'if-no-files-found',
]);

export const IMAGE_VERIFY_FLAGS: FlagGroup = {
  title: 'Image verification',
  flags: Object.fromEntries([
    ['key', { type: 'string', value: 'PUB', description: 'public key PEM file (the transit key version that signed)' }],
    optionFlag(OPTIONS.annotations, 'key=value pairs every accepted signature must have signed (as cosign verify -a)'),
    optionFlag(OPTIONS['registry-insecure']),
  ]),
};

export const VERIFY_FLAGS: FlagGroup = {
  title: 'Verification',
  flags: {
    key: { type: 'string', value: 'PUB', description: 'public key PEM file (the KEY.pub that sign-blob writes)' },
    signature: { type: 'string', value: 'SIG', description: 'signature file (FILE.sig, base64 DER)' },
    bundle: { type: 'string', value: 'JSON', description: 'Sigstore bundle (FILE.sigstore.json)' },
  },
};

export const REGISTRY_INSECURE_FLAG: FlagGroup = {
  title: 'Registry',
  flags: Object.fromEntries([optionFlag(OPTIONS['registry-insecure'])]),
};

export const ATTEST_VERIFY_FLAGS: FlagGroup = {
  title: 'Attestation verification',
  flags: {
    key: { type: 'string', value: 'PUB', description: 'public key PEM file (the KEY.pub that sign-blob writes)' },
    bundle: {
      type: 'string',
      value: 'JSON',
      description: 'the attestation bundle of the files (NAME.intoto.sigstore.json)',
    },
    type: {
      type: 'string',
      value: 'TYPE',
      description:
        "the predicate type it must have: cosign's names (slsaprovenance1, spdxjson, cyclonedx, custom…) or a URI (default any)",
    },
    'builder-id': {
      type: 'string',
      value: 'GLOB',
      description: 'SLSA provenance: the builder ID (the SPIFFE ID) must match this glob (* any characters, ? one)',
    },
  },
};

const QUIET: FlagSpec = { type: 'boolean', aliases: ['q'], description: 'print only warnings and errors on stderr' };
const HELP: FlagSpec = { type: 'boolean', aliases: ['h'], description: 'show this help' };

export const OUTPUT_FLAGS: FlagGroup = {
  title: 'Output',
  flags: {
    json: { type: 'boolean', description: 'print the result as JSON on stdout' },
    quiet: QUIET,
    help: HELP,
  },
};

/** For commands whose stdout is not theirs (exec) or that have no result to print. */
export const QUIET_HELP_FLAGS: FlagGroup = { title: 'Output', flags: { quiet: QUIET, help: HELP } };

/** The flags of several groups, for parsing. */
export function mergeFlags(groups: readonly FlagGroup[]): FlagSpecs {
  return Object.assign({}, ...groups.map((g) => g.flags)) as FlagSpecs;
}
