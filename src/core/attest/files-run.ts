/**
 * A run over files, as sign-blobs / sign-blob / attest-blob do it: sign each file (unless only
 * attestations are asked for), then attest all of them with the digests the signing computed
 * (no second hashing), through the same signer: one more `signDigests` call for all statements.
 */
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AttestationRequest } from '../options/config.ts';
import { signBlobs } from '../signing/blob-signing.ts';
import { SigningError } from '../signing/errors.ts';
import type { DigestSigner, SignedBlob } from '../signing/types.ts';
import { attestFiles, digestFiles, type WrittenAttestation } from './file-attestations.ts';
import { checkAttestationPaths } from './file-names.ts';
import type { StatementContext } from './requests.ts';

export interface FilesRunOptions {
  /** Absolute paths. */
  readonly files: readonly string[];
  readonly signer: DigestSigner;
  /** Write FILE.sig (and FILE.sigstore.json); undefined for attestations only. */
  readonly signatures: { readonly signatureDir: string; readonly writeBundle: boolean } | undefined;
  /** The attestations to write; undefined (or no request) for none. */
  readonly attestations:
    | {
        readonly requests: readonly AttestationRequest[];
        /** One per request (attestationPaths). */
        readonly paths: readonly string[];
        readonly context: StatementContext;
        /** Subjects are named relative to it (the workspace, the working directory). */
        readonly base: string;
      }
    | undefined;
  readonly logger: Logger;
}

export interface FilesRunResult {
  /** Files whose signature outputs were written (empty for attestations only). */
  readonly signed: readonly SignedBlob[];
  readonly attestations: readonly WrittenAttestation[];
}

/**
 * Signs, then attests. Output names are checked before anything is signed. When the
 * attestations fail after the files were signed, the error is `SIGNING_INTERRUPTED` with the
 * signed files in `signed` (their outputs are valid); no attestation is left behind.
 */
export async function signAndAttestFiles(options: FilesRunOptions): Promise<FilesRunResult> {
  const { files, signer, signatures, logger } = options;
  const attestations = options.attestations?.requests.length ? options.attestations : undefined;
  if (attestations) checkAttestationPaths(attestations.paths, { files, signatures });
  const signed = signatures
    ? await signBlobs({
        files,
        signer,
        signatureDir: signatures.signatureDir,
        writeBundle: signatures.writeBundle,
        logger,
      })
    : [];
  if (!attestations) return { signed, attestations: [] };
  try {
    const subjects = signatures ? signed : await digestFiles(files);
    const written = await attestFiles({ ...attestations, files: subjects, signer });
    for (const attestation of written) {
      logger.info(
        `attested ${attestation.subjects} file(s) in ${attestation.path} (${attestation.predicateType}, key version ${attestation.keyVersion})`,
      );
    }
    return { signed, attestations: written };
  } catch (error: unknown) {
    if (signed.length === 0) throw error;
    throw new SigningError(
      'SIGNING_INTERRUPTED',
      `the ${signed.length} file(s) were signed (their signatures are valid), but their attestations were not written: ${describeError(error)}`,
      { cause: error, signed },
    );
  }
}
