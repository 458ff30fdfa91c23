/**
 * Predicate types by cosign's short names (`cosign attest --type`), or a URI. The same names and
 * URIs as cosign, so `cosign verify-attestation --type NAME` finds what we write.
 */
import { InputError } from '../errors.ts';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** cosign wraps a custom predicate as `{ Data, Timestamp }` under this type. */
export const COSIGN_CUSTOM_PREDICATE = 'https://cosign.sigstore.dev/attestation/v1';

export const PREDICATE_TYPES: Readonly<Record<string, string>> = Object.freeze({
  custom: COSIGN_CUSTOM_PREDICATE,
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: SLSA_PROVENANCE_V1,
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
});

/** A short name or an absolute URI; `source` names the input in errors. */
export function parsePredicateType(value: string, source: string): string {
  const known = PREDICATE_TYPES[value];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value)) return value;
  throw new InputError(
    `${source}: '${value}' is not a predicate type — use one of ${Object.keys(PREDICATE_TYPES).join(', ')}, or a URI`,
  );
}
