import * as core from '@actions/core';
import { defaultDockerConfigDir } from '../core/oci/index.ts';
import { signImages, type SignedImage } from '../core/signing/images.ts';
import type { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './inputs.ts';
import { actionsLogger } from './logger.ts';

/** Signs the images in their registries and publishes outputs and a summary. */
export async function signImageReferences(options: {
  readonly config: ActionConfig;
  readonly signer: TransitSigner;
}): Promise<void> {
  const { config, signer } = options;
  const { signing } = config;
  core.info(
    `Signing ${signing.images.length} image(s) (${signing.imageSignatureFormat} format) with ${signer.transitPath}/keys/${signer.transitKey} version ${signer.keyVersion}`,
  );
  const signed = await signImages({
    references: signing.images,
    signer,
    format: signing.imageSignatureFormat,
    annotations: signing.annotations,
    recursive: signing.recursive,
    registry: {
      dockerConfigDir: defaultDockerConfigDir(process.env),
      insecureHosts: signing.registryInsecure,
      proxyEnv: process.env,
      logger: actionsLogger,
      retryDeadlineMs: config.timeoutMs,
    },
    logger: actionsLogger,
  });
  core.setOutput('signed-images', JSON.stringify(signed.map(toOutput)));
  for (const image of signed) {
    core.info(
      `Signed ${image.repository}@${image.digest}${image.platform ? ` (${image.platform})` : ''} — ${where(image)}`,
    );
  }
  await writeSummary(signed, signer);
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

async function writeSummary(signed: readonly SignedImage[], signer: TransitSigner): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading(
      `Signed ${signed.length} image(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
      3,
    )
    .addTable([
      [
        { data: 'Image', header: true },
        { data: 'Digest', header: true },
        { data: 'Signature', header: true },
      ],
      ...signed.map((image) => [
        image.reference + (image.platform ? ` (${image.platform})` : ''),
        image.digest,
        where(image),
      ]),
    ])
    .addRaw(`\nVerify: \`cosign verify --key ${signer.transitKey}.pub --insecure-ignore-tlog=true IMAGE@DIGEST\`\n`)
    .write();
}
