/** `spiffe-vault verify-image`: check offline that images carry a valid signature by a public key. */
import { describeError, InputError } from '../../core/errors.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { loadOfflineKey, offlineKeyFlag } from '../offline-key.ts';
import { parseImageSigningConfig, registryOptions } from '../config.ts';
import { IMAGE_VERIFY_FLAGS, OUTPUT_FLAGS } from '../flags.ts';

export const verifyImageCommand: Command = {
  name: 'verify-image',
  summary: 'check that images in their registry carry a valid signature by a public key, offline',
  usage: ['spiffe-vault verify-image --key KEY.pub [--annotations K=V,…] [flags] IMAGE...'],
  description: [
    'Resolves each image (by tag or digest) once to its digest and checks, with the public key only',
    '(no Vault, no transparency log), that at least one signature sign-image or `cosign sign --key`',
    'wrote for that digest verifies: a layer of the cosign signature tag (sha256-<digest>.sig) whose',
    'payload names the digest, or else a Sigstore bundle referrer (cosign v3) whose in-toto Statement',
    'has the digest as subject. --annotations must all be among the signed annotations. Registry',
    'credentials come from the Docker config ($DOCKER_CONFIG or ~/.docker/config.json). Keyless',
    '(certificate) signatures and transparency log entries are not checked.',
  ].join('\n'),
  groups: [IMAGE_VERIFY_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault verify-image --key cosign.pub registry.example.com/app:1.2.3',
    'spiffe-vault verify-image --key cosign.pub --annotations build=42 registry.example.com/app@sha256:…',
    'spiffe-vault verify-image --json --key cosign.pub a.example.com/app:1 b.example.com/app:1 | jq .images',
  ],
  exitCodes: [
    '0 every image has a valid signature by the key',
    '1 an image does not (one line each on stderr), or the registry failed',
    '2 bad usage (a wrong or missing flag, key or image reference)',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const keyFlag = offlineKeyFlag(flags.values, 'verify-image', 'give the public key PEM file');
    if (flags.positionals.length === 0) {
      throw new InputError(
        'no IMAGE given — name the images to check, e.g. spiffe-vault verify-image --key cosign.pub registry.example.com/app:1.0',
      );
    }
    const { annotations } = parseImageSigningConfig(flags.values, ctx.env);
    const { parseImageReference } = await import('../../core/oci/index.ts');
    for (const reference of flags.positionals) {
      try {
        parseImageReference(reference);
      } catch (error: unknown) {
        throw new InputError(`IMAGE: ${describeError(error)}`);
      }
    }
    const publicKey = await loadOfflineKey(keyFlag, ctx.cwd);

    const { verifyImages } = await import('../../core/signing/image-verify.ts');
    const results = await verifyImages({
      references: flags.positionals,
      publicKey,
      annotations,
      registry: registryOptions(flags.values, { env: ctx.env, logger: ctx.logger }),
      logger: ctx.logger,
    });
    for (const r of results) {
      const image = r.digest ? `${r.repository}@${r.digest}` : r.reference;
      if (r.verified) {
        ctx.logger.info(
          `Verified OK: ${image} (${r.signatures} ${r.format} signature${r.signatures === 1 ? '' : 's'})`,
        );
      } else {
        ctx.logger.error(
          r.code ?? 'ERROR',
          `${r.reference}${r.digest ? ` (${r.digest})` : ''}: ${r.reason ?? 'not verified'}`,
        );
      }
    }
    const verified = results.every((r) => r.verified);
    if (flags.values.json === true) {
      printJson(ctx, {
        verified,
        images: results.map((r) => ({ ...r, ...(r.digest ? { image: `${r.repository}@${r.digest}` } : {}) })),
      });
    }
    return verified ? 0 : 1;
  },
};
