/**
 * `spiffe-vault verify-attestation`: check an attestation (an in-toto statement signed with the
 * transit key) about files, offline with a public key: its signature, each file among its
 * subjects, its predicate type and (SLSA provenance) its builder ID.
 */
import { parsePredicateType } from '../../core/attest/predicate-type.ts';
import { AttestationCheckError } from '../../core/attest/statement-checks.ts';
import { InputError } from '../../core/errors.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { loadOfflineKey, offlineKeyFlag } from '../offline-key.ts';
import { flagString } from '../config.ts';
import { codeOf } from '../errors.ts';
import { ATTEST_VERIFY_FLAGS, OUTPUT_FLAGS, REGISTRY_INSECURE_FLAG } from '../flags.ts';

export const verifyAttestationCommand: Command = {
  name: 'verify-attestation',
  summary: 'check attestations (provenance, SBOMs) of files or images with a public key, offline',
  usage: [
    'spiffe-vault verify-attestation --key KEY.pub --bundle NAME.intoto.sigstore.json [--type TYPE] FILE...',
    'spiffe-vault verify-attestation --key KEY.pub [--type TYPE] [--builder-id GLOB] IMAGE...',
  ],
  description: [
    'Checks offline (no Vault, no network) an attestation that sign-blob/attest-blob (or `cosign',
    'attest-blob`) wrote with an ECDSA P-256 key: the DSSE signature of the bundle with the key,',
    "that each FILE's SHA-256 is one of the statement's subjects, with --type that the predicate",
    'type is that one, and with --builder-id that the SLSA provenance builder ID (the SPIFFE ID of',
    'the signing token) matches the glob. Exit 0 only when everything holds for every FILE.',
    'Without --bundle, the arguments are images: their attestations are read from the registry',
    '(bundle referrers and the `sha256-<digest>.att` tag), and one that passes every check (the',
    "key, the image's digest among the subjects, --type, --builder-id) must exist for each image.",
  ].join('\n'),
  groups: [ATTEST_VERIFY_FLAGS, REGISTRY_INSECURE_FLAG, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault verify-attestation --key cosign.pub --type slsaprovenance1 --bundle provenance.intoto.sigstore.json dist/*',
    "spiffe-vault verify-attestation --key cosign.pub --builder-id 'spiffe://example.org/ci/*' \\",
    '  --bundle provenance.intoto.sigstore.json app.bin',
    'spiffe-vault verify-attestation --json --key cosign.pub --type spdxjson --bundle sbom.spdx.intoto.sigstore.json app.bin',
    "spiffe-vault verify-attestation --key cosign.pub --builder-id 'spiffe://example.org/ci/*' \\",
    '  --type slsaprovenance1 registry.example.com/app:1.0',
  ],
  exitCodes: [
    '0 the attestation is valid for every FILE (every IMAGE has a valid one)',
    '1 it is not (or the check failed)',
    '2 bad usage (a wrong or missing flag or file)',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const keyFlag = offlineKeyFlag(flags.values, 'verify-attestation', 'give the KEY.pub that sign-blob wrote');
    const typeFlag = flagString(flags.values, 'type');
    const builderFlag = flagString(flags.values, 'builder-id');
    const expected = {
      predicateType: typeFlag ? parsePredicateType(typeFlag, '--type') : undefined,
      builderId: builderFlag || undefined,
    };
    // --bundle FILE.intoto.sigstore.json FILE…: files; image references without it.
    const kind = flagString(flags.values, 'bundle') !== '' ? 'file' : 'image';
    // Loaded here: the bundle, registry and Sigstore code is not paid for at every CLI start.
    const { ATTESTATION_TARGETS } = await import('../attestation-targets.ts');
    const target = ATTESTATION_TARGETS[kind];
    if (!target) throw new InputError(`${kind}s cannot be checked by this build`);
    const key = await loadOfflineKey(keyFlag, ctx.cwd);
    const json = flags.values.json === true;
    let report;
    try {
      report = await target({ ctx, values: flags.values, positionals: flags.positionals, key, expected });
    } catch (error: unknown) {
      if (json && !(error instanceof InputError)) printJson(ctx, { verified: false, code: codeOf(error) });
      throw error;
    }
    if (json) printJson(ctx, report);
    const failed = report.artifacts.filter((a) => !a.verified);
    if (failed.length > 0) {
      for (const artifact of failed) ctx.logger.warning(`${artifact.artifact}: ${artifact.reason ?? 'not verified'}`);
      // Files fail as subjects of the one bundle; images with their own reason's code.
      const codes = new Set(failed.map((a) => a.code ?? 'SUBJECT_MISMATCH'));
      const code = codes.size === 1 ? [...codes][0] : 'ATTESTATION_INVALID';
      const what = kind === 'file' ? 'are not subjects of the attestation' : 'have no valid attestation';
      throw new AttestationCheckError(
        code === 'NO_ATTESTATIONS' || code === 'ATTESTATION_INVALID'
          ? code
          : kind === 'file'
            ? 'SUBJECT_MISMATCH'
            : 'ATTESTATION_INVALID',
        `${failed.length} of ${report.artifacts.length} artifact(s) ${what}: ${failed.map((a) => a.artifact).join(', ')}`,
      );
    }
    const builder = report.builderId ? `, builder ${report.builderId}` : '';
    for (const artifact of report.artifacts) {
      ctx.logger.info(
        `Verified OK: ${artifact.artifact} (sha256 ${artifact.sha256}) in ${report.source} (${report.predicateType}${builder})`,
      );
    }
    return 0;
  },
};
