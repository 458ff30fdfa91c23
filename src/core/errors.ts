/**
 * The error base shared by every area: a string code, the cause, the finding; and how adapters
 * show a code.
 */
import type { Finding } from './diagnose/finding.ts';
import { redactSecrets } from './redact.ts';

/**
 * One error class per area, each with a stable string code that tests and adapters match on,
 * and the underlying `cause`. Messages say what failed, for what, why, and what to do; server
 * failures carry the `finding` (src/core/diagnose) their message was rendered from. Messages echo
 * what users and servers gave, so anything shaped like a token or a JWT is redacted from them.
 */
export abstract class CodedError<Code extends string> extends Error {
  readonly code: Code;
  /** The diagnosis as data, when the error was classified from a server's answer. */
  readonly finding: Finding<Code> | undefined;

  constructor(code: Code, message: string, options?: CodedErrorOptions<Code>) {
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.finding = options?.finding;
    this.name = new.target.name;
  }
}

export interface CodedErrorOptions<Code extends string> {
  readonly cause?: unknown;
  readonly finding?: Finding<Code>;
}

/** Bad configuration or input: names the input and the fix. */
export const INPUT_ERROR_CODES = ['INVALID_INPUT'] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

export class InputError extends CodedError<InputErrorCode> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** The message of anything thrown, for composing error text (never includes secrets itself). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * ` [CODE]` for coded errors, '' otherwise: adapters print it so users and tests can match it.
 * When a coded error wraps another (signing interrupted by a denied Vault request), the
 * innermost code is the one that says what to fix.
 */
export function errorCode(error: unknown): string {
  let code: string | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (isCodedError(e)) code = e.code;
  }
  return code ? ` [${code}]` : '';
}

/**
 * Whether `error` carries one of our codes: by class, or by shape (an Error whose `code` is an
 * UPPER_SNAKE string).
 */
export function isCodedError(error: unknown): error is Error & { readonly code: string } {
  if (error instanceof CodedError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  // Not the class name: minified bundles rename classes.
  return error instanceof Error && typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code);
}
