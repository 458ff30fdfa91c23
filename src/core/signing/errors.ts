/**
 * The signing area's errors (codes such as SIGNING_INTERRUPTED, PUBLIC_KEY_CONFLICT) and what was
 * signed before a failure.
 */
import { CodedError } from '../errors.ts';
import type { SignedBlob } from './types.ts';

/** Everything that goes wrong while signing files. Tests and adapters match on `code`. */
export const SIGNING_ERROR_CODES = [
  /** A pattern (or all of them) matched no file and `if-no-files-found` is `error`. */
  'NO_FILES_MATCHED',
  /** A pattern is not usable (empty, only `!`, or rejected by the glob engine). */
  'INVALID_PATTERN',
  /** A file to sign cannot be read (missing, permission denied, a directory, an I/O error). */
  'FILE_UNREADABLE',
  /** Two inputs would write the same `.sig` / `.sigstore.json` into `signature-dir`. */
  'OUTPUT_NAME_COLLISION',
  /** A signature, bundle or public key file could not be written. */
  'OUTPUT_WRITE_FAILED',
  /** A public key PEM is not a PKIX public key (or is a private key). */
  'PUBLIC_KEY_INVALID',
  /** `<key>.pub` already holds another key (e.g. an older version's): it is not overwritten. */
  'PUBLIC_KEY_CONFLICT',
  /** The signer answered something unusable (wrong count of signatures, an empty signature). */
  'SIGNER_RESPONSE_INVALID',
  /** Signing stopped part-way: `signed` lists what was written before the failure. */
  'SIGNING_INTERRUPTED',
] as const;
export type SigningErrorCode = (typeof SIGNING_ERROR_CODES)[number];

export class SigningError extends CodedError<SigningErrorCode> {
  /** Files fully signed (outputs written and valid) before the failure; empty when none. */
  readonly signed: readonly SignedBlob[];
  /** The file the failure is about, when there is one. */
  readonly path: string | undefined;

  constructor(
    code: SigningErrorCode,
    message: string,
    options?: { cause?: unknown; signed?: readonly SignedBlob[]; path?: string },
  ) {
    super(code, message, options);
    this.signed = options?.signed ?? [];
    this.path = options?.path;
  }
}

/** `ENOENT` & co. in words, for messages about a path. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file (ENOENT)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EISDIR':
      return 'it is a directory (EISDIR)';
    case 'ENOTDIR':
      return 'a parent of it is not a directory (ENOTDIR)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EROFS':
      return 'read-only file system (EROFS)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
