/**
 * Option rows for attestations: SLSA provenance and any in-toto predicate, signed with the
 * transit key for the files and images a run signs.
 */
import { InputError } from '../errors.ts';
import { defineOption, type Front } from './spec.ts';
import { booleanValue } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];
const NOT_GITLAB: readonly Front[] = ['action', 'cli'];

export const ATTEST_OPTIONS = {
  provenance: defineOption({
    name: 'provenance',
    kind: 'boolean',
    help: "also sign SLSA provenance v1 for what is signed (builder: the runner's SPIFFE ID)",
    default: 'false',
    fronts: ALL,
    parse: booleanValue,
  }),
  'attest-predicate': defineOption({
    name: 'attest-predicate',
    flag: 'predicate',
    kind: 'string',
    metavar: 'FILE',
    help: 'also sign this predicate (an SBOM, a scan report: a JSON file) about what is signed',
    fronts: ALL,
    parse: (raw) => raw,
  }),
  'attest-type': defineOption({
    name: 'attest-type',
    flag: 'type',
    kind: 'string',
    metavar: 'TYPE',
    help: "the predicate's type: slsaprovenance1, spdxjson, cyclonedx, vuln, openvex, custom… (cosign's names) or a URI",
    defaultHelp: 'custom, with attest-predicate',
    fronts: ALL,
    parse: (raw) => raw,
  }),
  'attestation-name': defineOption({
    name: 'attestation-name',
    kind: 'string',
    metavar: 'NAME',
    help: "files' attestations go to NAME.intoto.sigstore.json (with provenance and a predicate, the predicate's to NAME.<predicate file>.intoto.sigstore.json)",
    defaultHelp: 'provenance, and the predicate file name',
    fronts: NOT_GITLAB,
    parse: (raw): string => {
      if (raw.value !== '' && !/^[A-Za-z0-9_][A-Za-z0-9_.@+-]*$/.test(raw.value)) {
        throw new InputError(
          `${raw.source}: '${raw.value}' is not a file name — letters, digits and . _ - + @, no folder (signature-dir says where)`,
        );
      }
      return raw.value.replace(/\.intoto\.sigstore\.json$/, '');
    },
  }),
} as const;
