/** sign-images: signs (and attests) the images in their registries, sets the outputs and the summary. */
import type { ImageAttestation } from '../core/attest/image-attestations.ts';
import { signImages, startImageReads, type ImageReads, type SignedImage } from '../core/signing/images.ts';
import type { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './config.ts';
import { registryClientOptions } from './registry.ts';
import type { ActionRunner } from './runner.ts';

/** Starts the registry reads of sign-images; they need no token, so main starts them before the login. */
export function startActionImageReads(runner: ActionRunner, config: ActionConfig): ImageReads {
  return startImageReads({
    references: config.images,
    recursive: config.imageSigning.recursive,
    legacy: config.imageSigning.format !== 'bundle',
    registry: registryClientOptions(runner, config),
    logger: runner,
  });
}

/** Signs the images in their registries (and attests them when asked) and publishes outputs and a summary. */
export async function signImageReferences(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly signer: TransitSigner;
  /** The SPIFFE ID of the login's token: the provenance's builder. */
  readonly spiffeId?: string;
  /** The reads startActionImageReads began; started here when not given. */
  readonly reads?: ImageReads;
}): Promise<void> {
  const { runner, config, signer } = options;
  const signing = config.imageSigning;
  const requests = config.attestations;
  runner.info(
    `Signing ${config.images.length} image(s) (${signing.format} format${requests.length ? `, ${requests.length} attestation(s) each` : ''}) with ${signer.transitPath}/keys/${signer.transitKey} version ${signer.keyVersion}`,
  );
  const signed = await signImages({
    references: config.images,
    signer,
    format: signing.format,
    annotations: signing.annotations,
    recursive: signing.recursive,
    registry: registryClientOptions(runner, config),
    logger: runner,
    reads: options.reads ?? startActionImageReads(runner, config),
    ...(requests.length > 0
      ? { attestations: { requests, context: { builderId: options.spiffeId ?? '', env: runner.env } } }
      : {}),
  });
  runner.setOutput('signed-images', JSON.stringify(signed.map(toOutput)));
  if (requests.length > 0) runner.setOutput('image-attestations', JSON.stringify(signed.flatMap(attestationOutputs)));
  for (const image of signed) {
    runner.info(
      `Signed ${image.repository}@${image.digest}${image.platform ? ` (${image.platform})` : ''} — ${where(image)}`,
    );
    for (const attestation of image.attestations ?? []) {
      runner.info(`  attested ${attestation.predicateType} — ${attestationWhere(attestation)}`);
    }
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

/** `image-attestations`: one entry per image and predicate type. */
function attestationOutputs(image: SignedImage) {
  return (image.attestations ?? []).map((attestation) => ({
    reference: image.reference,
    image: `${image.repository}@${image.digest}`,
    digest: image.digest,
    ...(image.platform ? { platform: image.platform } : {}),
    predicateType: attestation.predicateType,
    statementDigest: attestation.statementDigest,
    ...(attestation.referrerDigest ? { referrerDigest: attestation.referrerDigest } : {}),
    ...(attestation.attestationTag
      ? { attestationTag: attestation.attestationTag, addedToTag: attestation.addedToTag }
      : {}),
    keyVersion: image.keyVersion,
  }));
}

function where(image: SignedImage): string {
  const places = [];
  if (image.signatureTag) places.push(`signature tag ${image.signatureTag}`);
  if (image.referrerDigest) places.push(`bundle referrer ${image.referrerDigest}`);
  return places.join(', ');
}

function attestationWhere(attestation: ImageAttestation): string {
  const places = [];
  if (attestation.referrerDigest) places.push(`bundle referrer ${attestation.referrerDigest}`);
  if (attestation.attestationTag) {
    places.push(`${attestation.addedToTag ? '' : 'already in '}attestation tag ${attestation.attestationTag}`);
  }
  return places.join(', ');
}

async function writeSummary(
  runner: ActionRunner,
  { signed, signer }: { readonly signed: readonly SignedImage[]; readonly signer: TransitSigner },
): Promise<void> {
  const attested = signed.some((image) => (image.attestations ?? []).length > 0);
  await runner.writeSummary({
    heading: `Signed ${signed.length} image(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
    rows: [
      ['Image', 'Digest', 'Signature'],
      ...signed.flatMap((image) => [
        [image.reference + (image.platform ? ` (${image.platform})` : ''), image.digest, where(image)],
        ...(image.attestations ?? []).map((attestation) => [
          `↳ attestation ${attestation.predicateType}`,
          image.digest,
          `${attestationWhere(attestation)} (key v${image.keyVersion})`,
        ]),
      ]),
    ],
    footer:
      `\nVerify: \`cosign verify --key ${signer.transitKey}.pub --insecure-ignore-tlog=true IMAGE@DIGEST\`\n` +
      (attested
        ? `\nAttestations: \`cosign verify-attestation --key ${signer.transitKey}.pub --type TYPE --insecure-ignore-tlog=true IMAGE@DIGEST\`\n`
        : ''),
  });
}
