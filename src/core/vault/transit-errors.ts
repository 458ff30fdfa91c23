/**
 * The transit area's errors (TransitError, carrying its finding), the key a signer works with
 * (TransitTarget) and the texts every transit message shares: the target, paths, the policy.
 */
import { CodedError } from '../errors.ts';
import { renderFinding, type Finding } from '../diagnose/finding.ts';
import { answerOf } from '../diagnose/vault.ts';
import { policyLines, signingGrants } from '../policy/grants.ts';
import { vaultErrorFrom, type VaultError, type VaultErrorCode } from './errors.ts';

export const TRANSIT_ERROR_CODES = [
  'TRANSIT_KEY_NOT_FOUND',
  'TRANSIT_KEY_TYPE_UNSUPPORTED',
  'TRANSIT_KEY_VERSION_UNKNOWN',
  'TRANSIT_PERMISSION_DENIED',
  'TRANSIT_TOKEN_EXPIRED',
  'TRANSIT_INVALID_DIGEST',
  'TRANSIT_SIGN_FAILED',
] as const;
export type TransitErrorCode = (typeof TRANSIT_ERROR_CODES)[number];

export class TransitError extends CodedError<TransitErrorCode> {
  /**
   * How many digests of the failed `signDigests` call were signed before the failure (the
   * completed chunks, always a prefix of the input). 0 for failures outside signing.
   */
  readonly signedCount: number;
  /** HTTP status, when Vault answered. */
  readonly status: number | undefined;

  constructor(
    code: TransitErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      signedCount?: number;
      status?: number | undefined;
      finding?: Finding<TransitErrorCode>;
    },
  ) {
    super(code, message, options);
    this.signedCount = options?.signedCount ?? 0;
    this.status = options?.status;
  }
}

/**
 * The error for a finding (src/core/diagnose/transit.ts): a TransitError for the transit area's,
 * a VaultError for a plain request failure.
 */
export function errorFromFinding(
  finding: Finding<TransitErrorCode> | Finding<VaultErrorCode>,
  options?: TransitErrorSource,
): TransitError | VaultError {
  if (finding.area !== 'transit') return vaultErrorFrom(finding as Finding<VaultErrorCode>, options?.cause);
  return transitErrorFrom(finding as Finding<TransitErrorCode>, options);
}

export interface TransitErrorSource {
  readonly cause?: unknown;
  /** Digests signed before the failure (see TransitError.signedCount). */
  readonly signedCount?: number;
}

export function transitErrorFrom(finding: Finding<TransitErrorCode>, options?: TransitErrorSource): TransitError {
  return new TransitError(finding.code, renderFinding(finding), {
    ...(options?.cause !== undefined ? { cause: options.cause } : {}),
    ...(options?.signedCount !== undefined ? { signedCount: options.signedCount } : {}),
    status: finding.status,
    finding,
  });
}

/** Which key on which server: every message names it. */
export interface TransitTarget {
  readonly address: string;
  /** Mount path of the transit engine. */
  readonly transitPath: string;
  readonly key: string;
}

export function describeTarget(target: TransitTarget): string {
  return `transit key '${target.key}' (mount '${target.transitPath}') at ${target.address}`;
}

/** The paths a signer uses, relative to the namespace. */
export function keyPath(target: TransitTarget): string {
  return `${target.transitPath}/keys/${target.key}`;
}

export function signPath(target: TransitTarget): string {
  return `${target.transitPath}/sign/${target.key}/sha2-256`;
}

/** URL paths below /v1 (each segment encoded) for the key read and the sign request. */
export function keyUrlPath(target: TransitTarget): string {
  return `/${encodeMount(target.transitPath)}/keys/${encodeURIComponent(target.key)}`;
}

export function signUrlPath(target: TransitTarget): string {
  return `/${encodeMount(target.transitPath)}/sign/${encodeURIComponent(target.key)}/sha2-256`;
}

function encodeMount(mount: string): string {
  return mount.split('/').map(encodeURIComponent).join('/');
}

/** What a signing token needs, no more (checked against both servers in the integration tests). */
export function leastPrivilegePolicy(target: TransitTarget): string {
  return policyLines(signingGrants(target)).join('\n');
}

/** The command that creates a key this signer accepts. */
export function createKeyCommand(target: TransitTarget): string {
  return `vault write -f ${keyPath(target)} type=ecdsa-p256`;
}

/** Vault's answer on one line ("403 permission denied; invalid token"), or the error's message. */
export function vaultAnswer(error: unknown): string {
  return answerOf(error);
}
