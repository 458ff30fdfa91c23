/**
 * The artifacts verify-attestation checks, by kind: how each kind finds its digests and its
 * attestation bundles. The signature and statement checks are shared (attestation-verify.ts).
 */
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { findSubject } from '../core/attest/statement-checks.ts';
import { describeError, InputError } from '../core/errors.ts';
import type { FlagValues } from './args.ts';
import { checkExpectations, verifyAttestationBundle, type StatementExpectations } from './attestation-verify.ts';
import type { CommandContext } from './command.ts';
import { flagString } from './config.ts';
import { verifyImageAttestationTarget } from './attestation-image-target.ts';
import { codeOf } from './errors.ts';
import { parseBundle } from './offline-verify.ts';

/** What verify-attestation was asked, once its common flags are read. */
export interface AttestationTargetInput {
  readonly ctx: CommandContext;
  readonly values: FlagValues;
  /** The artifacts: files, or image references. */
  readonly positionals: readonly string[];
  readonly key: KeyObject;
  readonly expected: StatementExpectations;
}

/** One artifact's outcome. */
export interface ArtifactVerification {
  /** The file (absolute) or image reference as given. */
  readonly artifact: string;
  /** Lowercase hex SHA-256 checked (of the file, or of the image manifest). */
  readonly sha256?: string;
  readonly verified: boolean;
  /** The subject's name in the statement, when verified. */
  readonly subject?: string;
  /** Why not, when not verified. */
  readonly reason?: string;
  readonly code?: string;
}

export interface AttestationReport {
  readonly verified: boolean;
  /** Where the attestation came from (the bundle file; for images, the references). */
  readonly source: string;
  readonly predicateType?: string;
  readonly builderId?: string;
  readonly artifacts: readonly ArtifactVerification[];
}

export type AttestationTarget = (input: AttestationTargetInput) => Promise<AttestationReport>;

export type AttestationTargetKind = 'file' | 'image';

export const ATTESTATION_TARGETS: Readonly<Record<AttestationTargetKind, AttestationTarget | undefined>> = {
  file: verifyFileAttestation,
  image: verifyImageAttestationTarget,
};

/**
 * Files: the bundle's signature and statement are checked once (an error there fails the
 * whole check), then each file's SHA-256 must be a subject.
 */
async function verifyFileAttestation(input: AttestationTargetInput): Promise<AttestationReport> {
  const { ctx, positionals, key, expected } = input;
  if (positionals.length === 0) throw new InputError('FILE: give the file(s) the attestation is about');
  const bundleFlag = flagString(input.values, 'bundle');
  const bundlePath = resolve(ctx.cwd, bundleFlag);
  let bundleText: string;
  try {
    bundleText = await readFile(bundlePath, 'utf8');
  } catch (error: unknown) {
    throw new InputError(
      `--bundle: cannot read '${bundlePath}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  const files = positionals.map((p) => resolve(ctx.cwd, p));
  for (const file of files) await assertFile(file);
  const statement = verifyAttestationBundle(parseBundle(bundleText), key);
  const builderId = checkExpectations(statement, expected);
  const artifacts: ArtifactVerification[] = [];
  for (const file of files) {
    const sha256 = await sha256Of(file);
    try {
      const subject = findSubject(statement, sha256, `'${file}'`);
      artifacts.push({ artifact: file, sha256, verified: true, subject: subject.name });
    } catch (error: unknown) {
      artifacts.push({ artifact: file, sha256, verified: false, reason: describeError(error), code: codeOf(error) });
    }
  }
  return {
    verified: artifacts.every((a) => a.verified),
    source: bundlePath,
    predicateType: statement.predicateType,
    ...(builderId !== undefined ? { builderId } : {}),
    artifacts,
  };
}

async function assertFile(path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error: unknown) {
    throw new InputError(`FILE: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!isFile) throw new InputError(`FILE: '${path}' is not a file`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
