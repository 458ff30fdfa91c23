import { CodedError } from '../errors.ts';

export type VaultErrorCode =
  | 'VAULT_UNREACHABLE'
  | 'VAULT_TLS_FAILED'
  | 'VAULT_SEALED'
  | 'VAULT_LOGIN_DENIED'
  | 'VAULT_PERMISSION_DENIED'
  | 'VAULT_REQUEST_FAILED'
  | 'VAULT_TOKEN_TTL_EXCEEDED'
  | 'VAULT_REVOKE_FAILED';

export class VaultError extends CodedError<VaultErrorCode> {
  /** HTTP status, when Vault answered. */
  readonly status: number | undefined;

  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown; status?: number | undefined }) {
    super(code, message, options);
    this.status = options?.status;
  }
}

/**
 * A failed HTTP exchange, reduced to what is safe to keep: no request body, no headers (the
 * JWT and the token travel there), only the status, Vault's error strings and a socket code.
 */
export class VaultHttpError extends Error {
  readonly status: number | undefined;
  readonly vaultErrors: readonly string[];
  readonly socketCode: string | undefined;

  constructor(fields: { status?: number; vaultErrors?: readonly string[]; socketCode?: string; message: string }) {
    super(fields.message);
    this.name = 'VaultHttpError';
    this.status = fields.status;
    this.vaultErrors = fields.vaultErrors ?? [];
    this.socketCode = fields.socketCode;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export function isTlsFailure(error: VaultHttpError): boolean {
  return error.socketCode !== undefined && (TLS_CODES.has(error.socketCode) || error.socketCode.startsWith('ERR_SSL'));
}

export function isSealed(error: VaultHttpError): boolean {
  return error.status === 503 && error.vaultErrors.some((e) => /sealed/i.test(e));
}

/** What the design says is retryable: connection failures, 5xx (but not sealed), 412, 429. */
export function isRetryableVaultFailure(error: unknown): boolean {
  if (!(error instanceof VaultHttpError)) return false;
  if (isTlsFailure(error) || isSealed(error)) return false;
  if (error.status === undefined) return true;
  return error.status >= 500 || error.status === 412 || error.status === 429;
}
