import { CodedError } from '../errors.ts';
import { summarize } from './client.ts';

export type TransitErrorCode =
  | 'TRANSIT_KEY_NOT_FOUND'
  | 'TRANSIT_KEY_TYPE_UNSUPPORTED'
  | 'TRANSIT_KEY_VERSION_UNKNOWN'
  | 'TRANSIT_PERMISSION_DENIED'
  | 'TRANSIT_TOKEN_EXPIRED'
  | 'TRANSIT_INVALID_DIGEST'
  | 'TRANSIT_SIGN_FAILED';

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
    options?: { cause?: unknown; signedCount?: number; status?: number | undefined },
  ) {
    super(code, message, options);
    this.signedCount = options?.signedCount ?? 0;
    this.status = options?.status;
  }
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

/** What a signing token needs, no more (checked against OpenBao in the integration tests). */
export function leastPrivilegePolicy(target: TransitTarget): string {
  const { transitPath, key } = target;
  return [
    `path "${transitPath}/keys/${key}" { capabilities = ["read"] }`,
    `path "${transitPath}/sign/${key}" { capabilities = ["update"] }`,
    `path "${transitPath}/sign/${key}/*" { capabilities = ["update"] }`,
  ].join('\n');
}

/** The command that creates a key this signer accepts. */
export function createKeyCommand(target: TransitTarget): string {
  return `vault write -f ${keyPath(target)} type=ecdsa-p256`;
}

/** Vault's answer on one line, without go-multierror's "1 error occurred: *" wrapping. */
export function vaultAnswer(error: unknown): string {
  return summarize(error)
    .replace(/\d+ errors? occurred:/g, '')
    .replace(/\s*\*\s+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
