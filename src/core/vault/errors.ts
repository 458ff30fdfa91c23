/**
 * The Vault area's errors: VaultError (coded, carrying its finding) and VaultHttpError (one failed
 * exchange reduced to what is safe to keep), and which failures are worth a retry.
 */
import { CodedError } from '../errors.ts';
import type { Finding } from '../diagnose/finding.ts';
import { renderFinding } from '../diagnose/finding.ts';
import {
  isBatchTooLargeAnswer,
  isMissingAliasNameAnswer,
  isSealedAnswer,
  isTlsAnswer,
} from '../diagnose/vault-answers.ts';

export const VAULT_ERROR_CODES = [
  'VAULT_UNREACHABLE',
  'VAULT_TLS_FAILED',
  'VAULT_SEALED',
  'VAULT_LOGIN_DENIED',
  'VAULT_PERMISSION_DENIED',
  'VAULT_REQUEST_FAILED',
  'VAULT_TOKEN_TTL_EXCEEDED',
  'VAULT_REVOKE_FAILED',
  'VAULT_ANSWER_INVALID',
] as const;
export type VaultErrorCode = (typeof VAULT_ERROR_CODES)[number];

export class VaultError extends CodedError<VaultErrorCode> {
  /** HTTP status, when Vault answered. */
  readonly status: number | undefined;

  constructor(
    code: VaultErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number | undefined; finding?: Finding<VaultErrorCode> },
  ) {
    super(code, message, options);
    this.status = options?.status;
  }
}

/** The error for a finding (src/core/diagnose/vault.ts): its code, its status, its rendered text. */
export function vaultErrorFrom(finding: Finding<VaultErrorCode>, cause?: unknown): VaultError {
  return new VaultError(finding.code, renderFinding(finding), {
    ...(cause !== undefined ? { cause } : {}),
    status: finding.status,
    finding,
  });
}

/**
 * A failed HTTP exchange, reduced to what is safe to keep: no request body, no headers (the
 * JWT and the token travel there), only the status, Vault's error strings and a socket code.
 */
export class VaultHttpError extends Error {
  readonly status: number | undefined;
  readonly vaultErrors: readonly string[];
  readonly socketCode: string | undefined;
  /** Set when the answer could not be read: a 2xx that is not JSON, or one over the size limit. */
  readonly invalidAnswer: 'not-json' | 'too-large' | undefined;

  constructor(fields: {
    status?: number;
    vaultErrors?: readonly string[];
    socketCode?: string;
    invalidAnswer?: 'not-json' | 'too-large';
    message: string;
  }) {
    super(fields.message);
    this.name = 'VaultHttpError';
    this.status = fields.status;
    this.vaultErrors = fields.vaultErrors ?? [];
    this.socketCode = fields.socketCode;
    this.invalidAnswer = fields.invalidAnswer;
  }
}

/** What the design says is retryable: connection failures, 5xx (but not sealed, nor a body over
 * Vault's JSON limits, which it answers with 500), 412, 429. */
export function isRetryableVaultFailure(error: unknown): boolean {
  if (!(error instanceof VaultHttpError)) return false;
  // A login may have minted a token before its answer broke: asking again would mint another.
  if (error.invalidAnswer !== undefined) return false;
  if (isTlsAnswer(error) || isSealedAnswer(error) || isBatchTooLargeAnswer(error)) return false;
  if (isMissingAliasNameAnswer(error)) return false;
  if (error.status === undefined) return true;
  // 307: a standby sends requests it cannot serve to the active node; during an election there is
  // none yet, and it answers 307 until one is elected (OpenBao 2.6, seen at a revocation).
  return error.status >= 500 || error.status === 412 || error.status === 429 || error.status === 307;
}
