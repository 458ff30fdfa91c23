/**
 * verify-attestation for image references: finds each image's attestations (bundle referrers and
 * the legacy `.att` tag) and checks them with the core's offline verifier.
 */
import { verifyImageAttestations } from '../core/attest/image-verify.ts';
import { InputError } from '../core/errors.ts';
import type { AttestationReport, AttestationTargetInput } from './attestation-targets.ts';
import { registryOptions } from './config.ts';

export async function verifyImageAttestationTarget(input: AttestationTargetInput): Promise<AttestationReport> {
  const { ctx, values, positionals, key, expected } = input;
  if (positionals.length === 0) {
    throw new InputError(
      'IMAGE: give the image reference(s) to check, or --bundle NAME.intoto.sigstore.json FILE... for files',
    );
  }
  const results = await verifyImageAttestations({
    references: positionals,
    publicKey: key,
    predicateType: expected.predicateType,
    ...(expected.builderId !== undefined ? { builderId: expected.builderId } : {}),
    registry: registryOptions(values, { env: ctx.env, logger: ctx.logger }),
    logger: ctx.logger,
  });
  const first = results.flatMap((result) => result.attestations)[0];
  return {
    verified: results.every((result) => result.verified),
    source: "the images' registries",
    ...(first ? { predicateType: first.predicateType } : {}),
    ...(first?.builderId !== undefined ? { builderId: first.builderId } : {}),
    artifacts: results.map((result) => ({
      artifact: result.reference,
      ...(result.digest ? { sha256: result.digest.replace(/^sha256:/, '') } : {}),
      verified: result.verified,
      ...(result.verified ? { subject: result.repository } : {}),
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
      ...(result.code !== undefined ? { code: result.code } : {}),
    })),
  };
}
