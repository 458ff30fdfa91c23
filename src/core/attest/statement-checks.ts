/**
 * What verify-attestation checks in a statement whose signature verified: that it is an in-toto
 * Statement, that each artifact's SHA-256 is one of its subjects, its predicate type, and (for
 * SLSA provenance) the builder ID against a glob. The same checks for files and images.
 */
import { CodedError } from '../errors.ts';
import { IN_TOTO_STATEMENT_TYPE } from './statement.ts';

export const ATTESTATION_CHECK_CODES = [
  /** The signed payload is not an in-toto Statement. */
  'STATEMENT_INVALID',
  /** An artifact's digest is not among the statement's subjects. */
  'SUBJECT_MISMATCH',
  /** The predicate type is not the one asked for. */
  'PREDICATE_TYPE_MISMATCH',
  /** The provenance's builder ID does not match the --builder-id glob (or it has none). */
  'BUILDER_ID_MISMATCH',
  /** An image has no attestation (no bundle referrer, no `.att` tag layer). */
  'NO_ATTESTATIONS',
  /** An image's attestations exist, but none passes every check (key, subject, type, builder). */
  'ATTESTATION_INVALID',
] as const;
export type AttestationCheckCode = (typeof ATTESTATION_CHECK_CODES)[number];

export class AttestationCheckError extends CodedError<AttestationCheckCode> {}

export interface ParsedStatement {
  readonly subjects: readonly { readonly name: string; readonly sha256: string | undefined }[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

/** The statement in a DSSE payload (legacy in-toto v0.1 statements are read too, as cosign does). */
export function parseStatement(payload: Buffer): ParsedStatement {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new AttestationCheckError('STATEMENT_INVALID', 'the signed payload is not JSON: not an in-toto statement');
  }
  const statement = json as { _type?: unknown; subject?: unknown; predicateType?: unknown; predicate?: unknown };
  const type = statement?._type;
  if (type !== IN_TOTO_STATEMENT_TYPE && type !== 'https://in-toto.io/Statement/v0.1') {
    throw new AttestationCheckError(
      'STATEMENT_INVALID',
      `the signed payload is not an in-toto statement (_type ${JSON.stringify(type)})`,
    );
  }
  if (!Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
    throw new AttestationCheckError('STATEMENT_INVALID', 'the statement has no subject list or no predicateType');
  }
  const subjects = (statement.subject as unknown[]).map((s) => {
    const subject = s as { name?: unknown; digest?: { sha256?: unknown } };
    const sha256 = subject?.digest?.sha256;
    return {
      name: typeof subject?.name === 'string' ? subject.name : '',
      sha256: typeof sha256 === 'string' ? sha256.toLowerCase() : undefined,
    };
  });
  return { subjects, predicateType: statement.predicateType, predicate: statement.predicate };
}

/** The subject with this SHA-256 (lowercase hex); `what` names the artifact in the error. */
export function findSubject(statement: ParsedStatement, sha256: string, what: string): { readonly name: string } {
  const subject = statement.subjects.find((s) => s.sha256 === sha256);
  if (!subject) {
    throw new AttestationCheckError(
      'SUBJECT_MISMATCH',
      `${what} (sha256 ${sha256}) is not a subject of the attestation (${statement.subjects.length} subject(s)) — it changed since it was attested, or the attestation is about other artifacts`,
    );
  }
  return subject;
}

export function checkPredicateType(statement: ParsedStatement, expected: string): void {
  if (statement.predicateType !== expected) {
    throw new AttestationCheckError(
      'PREDICATE_TYPE_MISMATCH',
      `the predicate type is ${statement.predicateType}, not ${expected} — give --type for the attestation's type`,
    );
  }
}

/** runDetails.builder.id (SLSA provenance v1) or builder.id (v0.2); undefined for other predicates. */
export function builderIdOf(statement: ParsedStatement): string | undefined {
  const predicate = statement.predicate as {
    runDetails?: { builder?: { id?: unknown } };
    builder?: { id?: unknown };
  } | null;
  if (statement.predicateType === 'https://slsa.dev/provenance/v1') {
    const id = predicate?.runDetails?.builder?.id;
    return typeof id === 'string' ? id : undefined;
  }
  if (statement.predicateType === 'https://slsa.dev/provenance/v0.2') {
    const id = predicate?.builder?.id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/** The builder ID matches `glob`: `*` any run of characters (also `/`), `?` one; the rest literally. */
export function checkBuilderId(statement: ParsedStatement, glob: string): string {
  const id = builderIdOf(statement);
  if (id === undefined) {
    throw new AttestationCheckError(
      'BUILDER_ID_MISMATCH',
      `--builder-id: the attestation (${statement.predicateType}) has no SLSA provenance builder ID`,
    );
  }
  if (!globMatches(glob, id)) {
    throw new AttestationCheckError('BUILDER_ID_MISMATCH', `the builder ID is ${id}, which does not match ${glob}`);
  }
  return id;
}

export function globMatches(glob: string, value: string): boolean {
  const pattern = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, 's').test(value);
}
