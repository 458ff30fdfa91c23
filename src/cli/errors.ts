/**
 * Errors of the command line itself (not of the core it drives), and the innermost code of an
 * error chain.
 */
import { CodedError } from '../core/errors.ts';

/** What goes wrong in the command line itself (not in the core it drives). */
export const CLI_ERROR_CODES = [
  /** exec: the command does not exist (exit 127). */
  'COMMAND_NOT_FOUND',
  /** exec: the command exists but cannot be run: permission, not an executable (exit 126). */
  'COMMAND_NOT_EXECUTABLE',
  /** verify-blob: the signature does not match the file and the key. */
  'SIGNATURE_INVALID',
  /** verify-blob: the bundle is not a valid Sigstore bundle, or not a key-based one. */
  'BUNDLE_INVALID',
  /** proxy --background: the proxy process ended (or did not serve in time) before it was ready. */
  'PROXY_START_FAILED',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

export class CliError extends CodedError<CliErrorCode> {}

/** The innermost code of a (chain of) coded error(s); `ERROR` for anything uncoded. */
export function codeOf(error: unknown): string {
  let code = 'ERROR';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof CodedError) code = e.code;
  }
  return code;
}
