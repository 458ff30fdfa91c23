/** `spiffe-vault sign-image`: sign container images in their registries with the transit key. */
import { InputError } from '../../core/errors.ts';
import type { ParsedFlags } from '../args.ts';
import { parseCommandFlags, printJson, type Command, type CommandContext } from '../command.ts';
import {
  parseAttestationConfig,
  parseImageSigningConfig,
  parseTransitConfig,
  parseVaultConfig,
  registryOptions,
} from '../config.ts';
import { ATTEST_FLAGS, IMAGE_SIGNING_FLAGS, LOGIN_FLAGS, OUTPUT_FLAGS, VAULT_FLAGS } from '../flags.ts';
import { checkBuilderIdentity, prepareSigningTokens, withSigningTokens } from '../signing-session.ts';

export const signImageCommand: Command = {
  name: 'sign-image',
  summary: 'sign container images in their registry with a Vault transit key (no cosign needed)',
  usage: ['spiffe-vault sign-image [--role ROLE | with $VAULT_TOKEN] [flags] IMAGE...'],
  description: [
    'Resolves each image (by tag or digest) once to its digest and signs that digest with the',
    "transit key, as the GitHub action's sign-images input does: the cosign signature tag",
    '(sha256-<digest>.sig) and/or a Sigstore bundle referrer. With --provenance and/or --predicate',
    'each image is also attested (see attest-image), in the same Vault request. Registry',
    'credentials come from the Docker config ($DOCKER_CONFIG or ~/.docker/config.json). --json',
    'prints the result on stdout.',
  ].join('\n'),
  groups: [IMAGE_SIGNING_FLAGS, ATTEST_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault sign-image --role ci registry.example.com/app:1.2.3',
    'spiffe-vault exec --role ci -- spiffe-vault sign-image --recursive --annotations build=42 registry.example.com/app@sha256:…',
    'spiffe-vault sign-image --role ci --provenance registry.example.com/app:1.2.3',
    'cosign verify --key cosign.pub --insecure-ignore-tlog=true registry.example.com/app@sha256:…',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    await signImageReferences(ctx, flags, { command: this.name, signatures: true });
    return 0;
  },
};

/** sign-image and attest-image: log in (or use $VAULT_TOKEN), sign and/or attest, report. */
export async function signImageReferences(
  ctx: CommandContext,
  flags: ParsedFlags,
  mode: { readonly command: string; readonly signatures: boolean },
): Promise<void> {
  const verb = mode.signatures ? 'sign' : 'attest';
  if (flags.positionals.length === 0) {
    throw new InputError(
      `no IMAGE given — name the images to ${verb}, e.g. spiffe-vault ${mode.command} registry.example.com/app:1.0`,
    );
  }
  const { transitPath, transitKey, keyVersion } = parseTransitConfig(flags.values, ctx.env);
  const { format, annotations, recursive } = parseImageSigningConfig(flags.values, ctx.env);
  const requests = parseAttestationConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
  if (!mode.signatures && requests.length === 0) {
    throw new InputError(
      `${mode.command}: nothing to attest — give --provenance and/or --predicate FILE [--type TYPE]`,
    );
  }
  const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
  const tokens = prepareSigningTokens(ctx, { values: flags.values, vault });
  checkBuilderIdentity(ctx, { requests, tokens });

  const { signImages, startImageReads } = await import('../../core/signing/images.ts');
  const registry = registryOptions(flags.values, { env: ctx.env, logger: ctx.logger, timeoutMs: vault.timeoutMs });
  // The registry reads need no token: started now, they overlap the login.
  const reads = startImageReads({
    references: flags.positionals,
    recursive,
    legacy: mode.signatures && format !== 'bundle',
    registry,
    logger: ctx.logger,
  });
  try {
    await withSigningTokens(ctx, {
      tokens,
      sign: async (client, provider, { spiffeId }) => {
        const { TransitSigner } = await import('../../core/vault/transit.ts');
        const signer = await TransitSigner.open({
          client,
          tokens: provider,
          transitPath,
          transitKey,
          ...(keyVersion !== undefined ? { keyVersion } : {}),
          logger: ctx.logger,
        });
        const signed = await signImages({
          references: flags.positionals,
          signer,
          format,
          annotations,
          recursive,
          registry,
          reads,
          logger: ctx.logger,
          signatures: mode.signatures,
          ...(requests.length > 0
            ? { attestations: { requests, context: { builderId: spiffeId ?? '', env: ctx.env } } }
            : {}),
        });
        for (const image of signed) {
          const what = image.attestations?.map((a) => a.predicateType).join(', ');
          ctx.logger.info(
            `${mode.signatures ? 'Signed' : 'Attested'} ${image.repository}@${image.digest}${image.platform ? ` (${image.platform})` : ''}${what ? ` — attestations: ${what}` : ''}`,
          );
        }
        if (flags.values.json === true) {
          printJson(ctx, {
            transitPath,
            transitKey,
            keyVersion: signer.keyVersion,
            publicKey: signer.publicKeyPem,
            images: signed.map((image) => ({ ...image, image: `${image.repository}@${image.digest}` })),
          });
        }
      },
    });
  } finally {
    reads.abort(); // a run that failed before it used the reads does not wait for them
  }
}
