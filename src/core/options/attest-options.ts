/**
 * Option rows for attestations: SLSA provenance and any in-toto predicate, signed with the
 * transit key for the files and images a run signs.
 */
import { defineOption, type Front } from './spec.ts';
import { booleanValue } from './values.ts';

const ALL: readonly Front[] = ['action', 'cli', 'gitlab'];

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
} as const;
