/** sign-images: signs the images in their registries, sets the outputs and the summary. */
import { defaultDockerConfigDir } from '../core/oci/index.ts';
import { signImages, type SignedImage } from '../core/signing/images.ts';
import type { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';

/** Signs the images in their registries and publishes outputs and a summary. */
export async function signImageReferences(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly signer: TransitSigner;
}): Promise<void> {
  const { runner, config, signer } = options;
  const signing = config.imageSigning;
  runner.info(
    `Signing ${config.images.length} image(s) (${signing.format} format) with ${signer.transitPath}/keys/${signer.transitKey} version ${signer.keyVersion}`,
  );
  const signed = await signImages({
    references: config.images,
    signer,
    format: signing.format,
    annotations: signing.annotations,
    recursive: signing.recursive,
    registry: {
      dockerConfigDir: defaultDockerConfigDir(runner.env),
      insecureHosts: signing.registryInsecure,
      proxyEnv: runner.env,
      logger: runner,
      retryDeadlineMs: config.connection.timeoutMs,
    },
    logger: runner,
  });
  runner.setOutput('signed-images', JSON.stringify(signed.map(toOutput)));
  for (const image of signed) {
    runner.info(
      `Signed ${image.repository}@${image.digest}${image.platform ? ` (${image.platform})` : ''} — ${where(image)}`,
    );
  }
  await writeSummary(runner, { signed, signer });
}

function toOutput(image: SignedImage) {
  return {
    reference: image.reference,
    image: `${image.repository}@${image.digest}`,
    digest: image.digest,
    ...(image.platform ? { platform: image.platform } : {}),
    format: image.format,
    ...(image.signatureTag ? { signatureTag: image.signatureTag } : {}),
    ...(image.referrerDigest ? { referrerDigest: image.referrerDigest } : {}),
    keyVersion: image.keyVersion,
  };
}

function where(image: SignedImage): string {
  const places = [];
  if (image.signatureTag) places.push(`signature tag ${image.signatureTag}`);
  if (image.referrerDigest) places.push(`bundle referrer ${image.referrerDigest}`);
  return places.join(', ');
}

async function writeSummary(
  runner: ActionRunner,
  { signed, signer }: { readonly signed: readonly SignedImage[]; readonly signer: TransitSigner },
): Promise<void> {
  await runner.writeSummary({
    heading: `Signed ${signed.length} image(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
    rows: [
      ['Image', 'Digest', 'Signature'],
      ...signed.map((image) => [
        image.reference + (image.platform ? ` (${image.platform})` : ''),
        image.digest,
        where(image),
      ]),
    ],
    footer: `\nVerify: \`cosign verify --key ${signer.transitKey}.pub --insecure-ignore-tlog=true IMAGE@DIGEST\`\n`,
  });
}
