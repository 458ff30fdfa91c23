/**
 * The registry area's errors (codes such as REGISTRY_AUTH_REQUIRED, IMAGE_NOT_FOUND) and which
 * failures are retryable.
 */
import { CodedError } from '../errors.ts';
import { renderFinding, type Finding } from '../diagnose/finding.ts';

/** Everything that goes wrong talking to an OCI registry. Tests and adapters match on `code`. */
export const OCI_ERROR_CODES = [
  /** An image reference does not parse (bad host, repository, tag or digest). */
  'IMAGE_REFERENCE_INVALID',
  /** The registry has no such manifest (tag or digest) or repository. */
  'IMAGE_NOT_FOUND',
  /** 401 after every credential we have was tried: names the host and how to log in. */
  'REGISTRY_AUTH_REQUIRED',
  /** The Docker config's credential helper for the registry is missing or failed. */
  'REGISTRY_CREDENTIAL_HELPER_FAILED',
  /** 403: the credentials are known but may not do this (usually: push). */
  'REGISTRY_PUSH_DENIED',
  /** 5xx, 429 or a connection failure that outlasted the retries. */
  'REGISTRY_UNAVAILABLE',
  /** An answer that breaks the distribution spec (bad digest, bad JSON, unexpected status, redirects). */
  'REGISTRY_PROTOCOL_ERROR',
  /** An answer larger than its limit (src/core/oci/limits.ts): a manifest, index, token or blob. */
  'REGISTRY_ANSWER_TOO_LARGE',
  /** The token realm is plain http on a host not allowed for it: credentials would travel in clear. */
  'REGISTRY_INSECURE_REALM',
  /** A signature the registry accepted (2xx) is not there when read back. */
  'SIGNATURE_NOT_STORED',
] as const;
export type OciErrorCode = (typeof OCI_ERROR_CODES)[number];

export class OciError extends CodedError<OciErrorCode> {
  /** The registry host (host[:port]) the error is about, when there is one. */
  readonly host: string | undefined;
  /** The last HTTP status, when the registry answered. */
  readonly status: number | undefined;

  constructor(
    code: OciErrorCode,
    message: string,
    options?: { cause?: unknown; host?: string; status?: number; finding?: Finding<OciErrorCode> },
  ) {
    super(code, message, options);
    this.host = options?.host;
    this.status = options?.status;
  }
}

/** The error for a finding (src/core/diagnose/registry.ts) about `host`. */
export function ociErrorFrom(finding: Finding<OciErrorCode>, options: { host: string; cause?: unknown }): OciError {
  return new OciError(finding.code, renderFinding(finding), {
    ...options,
    ...(finding.status !== undefined ? { status: finding.status } : {}),
    finding,
  });
}

/** One failed HTTP exchange before it is turned into an OciError (retry decisions look at it). */
export class RegistryHttpError extends Error {
  readonly status: number;
  /** Node's socket error code for a connection failure (status 0). */
  readonly socketCode: string | undefined;
  /** The registry's `errors[].code` values, e.g. MANIFEST_UNKNOWN. */
  readonly registryCodes: readonly string[];
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Set when the answer's body was larger than this limit (and not read past it). */
  readonly limitBytes: number | undefined;

  constructor(fields: {
    status: number;
    message: string;
    socketCode?: string;
    registryCodes?: readonly string[];
    headers?: Readonly<Record<string, string | string[] | undefined>>;
    limitBytes?: number;
  }) {
    super(fields.message);
    this.name = 'RegistryHttpError';
    this.status = fields.status;
    this.socketCode = fields.socketCode;
    this.registryCodes = fields.registryCodes ?? [];
    this.headers = fields.headers ?? {};
    this.limitBytes = fields.limitBytes;
  }
}

/** No answer: the connection failed, closed or stayed silent (status 0, Node's socket code). */
export function noAnswerError(error: NodeJS.ErrnoException, fallbackCode: string): RegistryHttpError {
  return new RegistryHttpError({ status: 0, socketCode: error.code ?? fallbackCode, message: error.message });
}

/** An answer whose body passed `limit`: refused, not read past it. */
export function answerTooLargeError(
  url: URL,
  answer: { readonly limit: number; readonly status: number; readonly headers: RegistryHttpError['headers'] },
): RegistryHttpError {
  return new RegistryHttpError({
    status: answer.status,
    message: `the answer of ${url.origin}${url.pathname} is larger than ${answer.limit} bytes`,
    limitBytes: answer.limit,
    headers: answer.headers,
  });
}

/** 5xx, 429, 408 and connection failures are worth another try; 401/403/404 and the rest are not. */
export function isRetryableRegistryError(error: unknown): boolean {
  if (!(error instanceof RegistryHttpError)) return false;
  if (error.limitBytes !== undefined) return false;
  if (error.status === 0) return true;
  // 501 Not Implemented is a refusal, not a passing fault.
  return (error.status >= 500 && error.status !== 501) || error.status === 429 || error.status === 408;
}
