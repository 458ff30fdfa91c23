/**
 * Attestations about a run's files: one in-toto statement per request with every file as a
 * subject, all statements signed in one `signDigests` call of the run's signer, each written as
 * a Sigstore bundle v0.3 with a DSSE envelope (what `cosign verify-blob-attestation --bundle`
 * reads). Either every attestation is written or none is.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { AttestationRequest } from '../options/config.ts';
import { writeSmallFileAtomicSync } from '../signing/atomic-file.ts';
import { OUTPUT_FILE_MODE } from '../signing/blob-signing.ts';
import { BundleBuilder, bundleJson, type BundleArtifact } from '../signing/bundle-builder.ts';
import { mapConcurrent } from '../signing/concurrency.ts';
import { sha256File } from '../signing/digest.ts';
import { describeFsError, SigningError } from '../signing/errors.ts';
import type { DigestSigner } from '../signing/types.ts';
import { statementsFor, type StatementContext } from './requests.ts';
import { IN_TOTO_PAYLOAD_TYPE, statementPayload, type Subject } from './statement.ts';
import { subjectName } from './file-names.ts';

/** A file to attest: its absolute path and the SHA-256 the signing already computed. */
export interface AttestedSubjectFile {
  readonly path: string;
  /** Lowercase hex SHA-256. */
  readonly sha256: string;
}

export interface AttestFilesOptions {
  readonly requests: readonly AttestationRequest[];
  readonly files: readonly AttestedSubjectFile[];
  /** Where each request's bundle goes (see attestationPaths), in the order of `requests`. */
  readonly paths: readonly string[];
  readonly signer: DigestSigner;
  readonly context: StatementContext;
  /** Subjects are named relative to this folder (the workspace, or the working directory). */
  readonly base: string;
}

/** One written attestation. */
export interface WrittenAttestation {
  /** Absolute path of the `.intoto.sigstore.json` bundle. */
  readonly path: string;
  readonly predicateType: string;
  /** How many files it is about. */
  readonly subjects: number;
  /** The transit key version that signed. */
  readonly keyVersion: number;
}

export async function attestFiles(options: AttestFilesOptions): Promise<WrittenAttestation[]> {
  const { requests, paths, signer } = options;
  if (requests.length === 0 || options.files.length === 0) return [];
  if (paths.length !== requests.length) throw new RangeError('attestFiles needs one path per request');
  const subjects: Subject[] = options.files.map((file) => ({
    name: subjectName(file.path, options.base),
    sha256: file.sha256,
  }));
  const artifacts: BundleArtifact[] = statementsFor(requests, subjects, options.context).map((statement) => ({
    kind: 'dsse',
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: statementPayload(statement),
  }));
  const builder = new BundleBuilder({ signer });
  const signatures = await builder.sign(artifacts);
  const contents = await Promise.all(
    artifacts.map(async (artifact, i) => bundleJson(await builder.assemble(artifact, signatures[i] as Buffer))),
  );
  await writeAll(paths, contents);
  return requests.map((request, i) => ({
    path: paths[i] as string,
    predicateType: request.predicateType,
    subjects: subjects.length,
    keyVersion: signer.keyVersion,
  }));
}

/** Each file atomically; after a failure, the ones already written are removed again. */
async function writeAll(paths: readonly string[], contents: readonly string[]): Promise<void> {
  const written: string[] = [];
  try {
    for (const [i, path] of paths.entries()) {
      await mkdir(dirname(path), { recursive: true });
      writeSmallFileAtomicSync(path, { data: contents[i] as string, mode: OUTPUT_FILE_MODE });
      written.push(path);
    }
  } catch (error: unknown) {
    for (const path of written) rmSync(path, { force: true });
    const path = paths[written.length] as string;
    throw new SigningError('OUTPUT_WRITE_FAILED', `cannot write the attestation '${path}': ${describeFsError(error)}`, {
      cause: error,
      path,
    });
  }
}

/** SHA-256 of files that are attested without being signed (attest-blob). */
export async function digestFiles(files: readonly string[], concurrency = 4): Promise<AttestedSubjectFile[]> {
  return mapConcurrent(files, {
    limit: concurrency,
    each: async (path) => ({ path, sha256: (await sha256File(path)).digest.toString('hex') }),
  });
}
