/**
 * in-toto Statement v1: what an attestation says (its predicate) about which artifacts (its
 * subjects, by SHA-256). Serialised once; the DSSE envelope signs exactly these bytes.
 */

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Subject {
  /** A file's name (as given, relative), or an image's repository (`registry/repo`). */
  readonly name: string;
  /** Lowercase hex SHA-256 of the file, or of the image manifest (without `sha256:`). */
  readonly sha256: string;
}

export interface Statement {
  readonly subjects: readonly Subject[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

/** The statement as the JSON bytes that are signed (and that cosign decodes from the envelope). */
export function statementPayload(statement: Statement): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: statement.subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
      predicateType: statement.predicateType,
      predicate: statement.predicate,
    }),
    'utf8',
  );
}
