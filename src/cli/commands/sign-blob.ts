/**
 * `spiffe-vault sign-blob`: sign files with the transit key (FILE.sig, FILE.sigstore.json,
 * KEY.pub), and with --provenance / --predicate attest them (NAME.intoto.sigstore.json).
 */
import { parseCommandFlags, type Command } from '../command.ts';
import { fileAttestations, runFileSigning } from '../file-command.ts';
import { ATTEST_FILE_FLAGS, LOGIN_FLAGS, OUTPUT_FLAGS, SIGNING_FLAGS, VAULT_FLAGS } from '../flags.ts';

export const signBlobCommand: Command = {
  name: 'sign-blob',
  summary: 'sign files with a Vault transit key: cosign-compatible FILE.sig and FILE.sigstore.json',
  usage: ['spiffe-vault sign-blob [--role ROLE | with $VAULT_TOKEN] [flags] FILE|GLOB...'],
  description: [
    'Signs each file (globs: *, **, ?, [..], {a,b}; !PATTERN excludes) with the transit key, all',
    'with one pinned key version: writes FILE.sig (base64 DER, as `cosign sign-blob` writes it),',
    'FILE.sigstore.json (a Sigstore bundle) and KEY.pub (the public key of that version), as the',
    "GitHub action's sign-blobs input does. With --role it logs in with the SPIFFE identity (again",
    'when a short token expires) and revokes its tokens at the end; without --role it uses',
    '$VAULT_TOKEN (e.g. inside `spiffe-vault exec`) and leaves it alone. A summary goes to stderr;',
    '--json prints the result on stdout.',
    'With --provenance (SLSA provenance v1, builder: the SPIFFE ID of the token) and/or --predicate',
    'FILE it also signs one in-toto attestation about all the files, written as a Sigstore bundle',
    '(provenance.intoto.sigstore.json, PREDICATE.intoto.sigstore.json, or --attestation-name) into',
    '--signature-dir or the working directory: what `cosign verify-blob-attestation` checks.',
  ].join('\n'),
  groups: [SIGNING_FLAGS, ATTEST_FILE_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    "spiffe-vault sign-blob --role ci 'dist/*.tar.gz' '!dist/*-debug.tar.gz'",
    'spiffe-vault sign-blob --role ci --signature-dir sigs --bundle=false --key-version 2 app.bin',
    "spiffe-vault exec --role ci -- spiffe-vault sign-blob --json 'out/**' > signed.json",
    "spiffe-vault sign-blob --role ci --provenance --signature-dir sigs 'dist/*'",
    'cosign verify-blob --key cosign.pub --signature app.bin.sig --insecure-ignore-tlog=true app.bin',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    return runFileSigning(ctx, { flags, attestations: fileAttestations(ctx, flags), signatures: true });
  },
};
