/**
 * `spiffe-vault attest-blob`: sign in-toto attestations (SLSA provenance, any predicate) about
 * files with the transit key, without signing each file.
 */
import { InputError } from '../../core/errors.ts';
import { parseCommandFlags, type Command } from '../command.ts';
import { fileAttestations, runFileSigning } from '../file-command.ts';
import { ATTEST_FILE_FLAGS, ATTEST_SIGNING_FLAGS, LOGIN_FLAGS, OUTPUT_FLAGS, VAULT_FLAGS } from '../flags.ts';

export const attestBlobCommand: Command = {
  name: 'attest-blob',
  summary: 'sign SLSA provenance or any in-toto predicate about files: NAME.intoto.sigstore.json',
  usage: [
    'spiffe-vault attest-blob [--role ROLE | with $VAULT_TOKEN] --provenance|--predicate FILE [flags] FILE|GLOB...',
  ],
  description: [
    'Signs one in-toto statement per attestation asked for, each about all the files (globs as in',
    'sign-blob), with the transit key: --provenance (SLSA provenance v1; the builder is the SPIFFE',
    'ID of the token, the build the CI job) and/or --predicate FILE --type TYPE (an SBOM, a scan',
    'report). Each is written as a Sigstore bundle with a DSSE envelope, what `cosign',
    'verify-blob-attestation --bundle` checks: provenance.intoto.sigstore.json and',
    'PREDICATE.intoto.sigstore.json (or --attestation-name NAME) in --signature-dir or the working',
    'directory, with KEY.pub. No FILE.sig is written (sign-blob --provenance writes both). Tokens',
    'as in sign-blob: --role logs in with the SPIFFE identity, else $VAULT_TOKEN.',
  ].join('\n'),
  groups: [ATTEST_FILE_FLAGS, ATTEST_SIGNING_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    "spiffe-vault attest-blob --role ci --provenance 'dist/*.tar.gz'",
    'spiffe-vault attest-blob --role ci --predicate sbom.spdx.json --type spdxjson dist/app.tar.gz',
    "spiffe-vault exec --role ci -- spiffe-vault attest-blob --provenance --signature-dir att 'dist/*'",
    'cosign verify-blob-attestation --key cosign.pub --type slsaprovenance1 --insecure-ignore-tlog=true \\',
    '  --bundle provenance.intoto.sigstore.json dist/app.tar.gz',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const attestations = fileAttestations(ctx, flags);
    if (attestations.requests.length === 0) {
      throw new InputError('--provenance or --predicate: give at least one — what to attest about the files');
    }
    if (flags.positionals.every((p) => p.trim() === '')) {
      throw new InputError(
        "no FILE given — name the files to attest, e.g. spiffe-vault attest-blob --provenance 'dist/*.tar.gz'",
      );
    }
    return runFileSigning(ctx, { flags, attestations, signatures: false });
  },
};
