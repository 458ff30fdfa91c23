/** The Workload API area's errors (their messages are redacted of JWTs by CodedError). */
import { CodedError } from '../errors.ts';
import type { Finding } from '../diagnose/finding.ts';

/**
 * Everything that goes wrong in the SPIFFE area: reaching the Workload API, what the agent
 * answers, and the local checks of a JWT-SVID. Tests and adapters match on `code`.
 */
export const WORKLOAD_API_ERROR_CODES = [
  /** `SPIFFE_ENDPOINT_SOCKET` (or the configured address) is not a valid Workload API address. */
  'WORKLOAD_API_ADDRESS_INVALID',
  /** No socket / the agent did not answer / it kept answering Unavailable until the deadline. */
  'WORKLOAD_API_UNAVAILABLE',
  /** The agent kept answering PermissionDenied ("no identity issued") until the deadline. */
  'WORKLOAD_NOT_REGISTERED',
  /** The agent refused the request for good (InvalidArgument, Unimplemented, …): not retried. */
  'WORKLOAD_API_REJECTED',
  /** The client was used after `close()`. */
  'WORKLOAD_API_CLOSED',
  /** A request argument is wrong before anything is sent (empty audience, bad SPIFFE ID). */
  'WORKLOAD_API_REQUEST_INVALID',
  /** A string is not a SPIFFE ID (`spiffe://trust-domain/path`). */
  'SPIFFE_ID_INVALID',
  /** A JWT-SVID is malformed, unsigned by the bundle, or lacks a required claim. */
  'JWT_SVID_INVALID',
  /** A JWT-SVID's `exp` has passed (beyond the clock tolerance). */
  'JWT_SVID_EXPIRED',
  /** A JWT-SVID's `aud` does not contain the expected audience. */
  'JWT_SVID_AUDIENCE_MISMATCH',
  /** A JWT-SVID's `sub` is a valid SPIFFE ID, but not the expected one / trust domain. */
  'JWT_SVID_SUBJECT_MISMATCH',
  /** No JWT bundle for the JWT-SVID's trust domain: the token cannot be trusted. */
  'JWT_BUNDLE_NOT_FOUND',
  /** A JWT bundle from the agent is not a usable JWKS. */
  'JWT_BUNDLE_INVALID',
  /** The requested SPIFFE ID is not among the JWT-SVIDs the agent issued to this workload. */
  'JWT_SVID_NOT_FOUND',
  /** The agent issued this workload no X.509-SVID (or none for the requested SPIFFE ID). */
  'X509_SVID_NOT_FOUND',
  /** An X.509-SVID from the agent is malformed (chain, key or SPIFFE ID), or not valid yet. */
  'X509_SVID_INVALID',
  /** The agent issued an X.509-SVID whose certificate has expired. */
  'X509_SVID_EXPIRED',
  /** An X.509 bundle from the agent is not a list of certificates. */
  'X509_BUNDLE_INVALID',
] as const;
export type WorkloadApiErrorCode = (typeof WORKLOAD_API_ERROR_CODES)[number];

export class WorkloadApiError extends CodedError<WorkloadApiErrorCode> {
  /** The last gRPC status name (e.g. `PERMISSION_DENIED`) when the error came from a call. */
  readonly grpcStatus: string | undefined;
  /** How many calls were made before giving up (1 when the failure was final at once). */
  readonly attempts: number | undefined;

  constructor(
    code: WorkloadApiErrorCode,
    message: string,
    options?: { cause?: unknown; grpcStatus?: string; attempts?: number; finding?: Finding<WorkloadApiErrorCode> },
  ) {
    super(code, message, options);
    this.grpcStatus = options?.grpcStatus;
    this.attempts = options?.attempts;
  }
}

export { redactJwts } from '../redact.ts';
