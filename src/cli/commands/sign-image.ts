/** `spiffe-vault sign-image`: sign container images in their registries with the transit key. */
import { InputError } from '../../core/errors.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { parseImageSigningConfig, parseTransitConfig, parseVaultConfig, registryOptions } from '../config.ts';
import { IMAGE_SIGNING_FLAGS, LOGIN_FLAGS, OUTPUT_FLAGS, VAULT_FLAGS } from '../flags.ts';
import { prepareSigningTokens, withSigningTokens } from '../signing-session.ts';

export const signImageCommand: Command = {
  name: 'sign-image',
  summary: 'sign container images in their registry with a Vault transit key (no cosign needed)',
  usage: ['spiffe-vault sign-image [--role ROLE | with $VAULT_TOKEN] [flags] IMAGE...'],
  description: [
    'Resolves each image (by tag or digest) once to its digest and signs that digest with the',
    "transit key, as the GitHub action's sign-images input does: the cosign signature tag",
    '(sha256-<digest>.sig) and/or a Sigstore bundle referrer. Registry credentials come from the',
    'Docker config ($DOCKER_CONFIG or ~/.docker/config.json). --json prints the result on stdout.',
  ].join('\n'),
  groups: [IMAGE_SIGNING_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault sign-image --role ci registry.example.com/app:1.2.3',
    'spiffe-vault exec --role ci -- spiffe-vault sign-image --recursive --annotations build=42 registry.example.com/app@sha256:…',
    'cosign verify --key cosign.pub --insecure-ignore-tlog=true registry.example.com/app@sha256:…',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    if (flags.positionals.length === 0) {
      throw new InputError(
        'no IMAGE given — name the images to sign, e.g. spiffe-vault sign-image registry.example.com/app:1.0',
      );
    }
    const { transitPath, transitKey, keyVersion } = parseTransitConfig(flags.values, ctx.env);
    const { format, annotations, recursive } = parseImageSigningConfig(flags.values, ctx.env);
    const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const tokens = prepareSigningTokens(ctx, { values: flags.values, vault });

    await withSigningTokens(ctx, {
      tokens,
      sign: async (client, provider) => {
        const { TransitSigner } = await import('../../core/vault/transit.ts');
        const { signImages } = await import('../../core/signing/images.ts');
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
          registry: registryOptions(flags.values, { env: ctx.env, logger: ctx.logger, timeoutMs: vault.timeoutMs }),
          logger: ctx.logger,
        });
        for (const image of signed) {
          ctx.logger.info(`Signed ${image.repository}@${image.digest}${image.platform ? ` (${image.platform})` : ''}`);
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
    return 0;
  },
};
