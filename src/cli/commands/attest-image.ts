/** `spiffe-vault attest-image`: sign in-toto attestations about container images, in their registries. */
import { parseCommandFlags, type Command } from '../command.ts';
import { ATTEST_FLAGS, IMAGE_SIGNING_FLAGS, LOGIN_FLAGS, OUTPUT_FLAGS, VAULT_FLAGS } from '../flags.ts';
import { signImageReferences } from './sign-image.ts';

export const attestImageCommand: Command = {
  name: 'attest-image',
  summary: 'sign SLSA provenance or any in-toto predicate about container images with a Vault transit key',
  usage: [
    'spiffe-vault attest-image [--role ROLE | with $VAULT_TOKEN] (--provenance | --predicate FILE [--type TYPE]) [flags] IMAGE...',
  ],
  description: [
    'Resolves each image (by tag or digest) once to its digest and signs, with the transit key and',
    'in one Vault request for all images, an in-toto Statement about it: SLSA provenance v1',
    '(--provenance; the builder is the SPIFFE ID of the login) and/or the predicate in FILE',
    "(--predicate, of --type: cosign's short names or a URI). Written as cosign writes them: a",
    'Sigstore bundle referrer (bundle, both) and/or a layer of the sha256-<digest>.att tag (legacy,',
    'both; a statement already there is not added again). No image signature is made (sign-image',
    'does both). Registry credentials come from the Docker config. --json prints the result.',
  ].join('\n'),
  groups: [ATTEST_FLAGS, IMAGE_SIGNING_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault attest-image --role ci --provenance registry.example.com/app:1.2.3',
    'spiffe-vault attest-image --role ci --predicate sbom.spdx.json --type spdxjson registry.example.com/app@sha256:…',
    'cosign verify-attestation --key cosign.pub --type slsaprovenance1 --insecure-ignore-tlog=true registry.example.com/app@sha256:…',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    await signImageReferences(ctx, flags, { command: this.name, signatures: false });
    return 0;
  },
};
