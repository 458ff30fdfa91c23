/**
 * gRPC status handling for the Workload API client: which statuses are retryable (the SPIFFE
 * Workload Endpoint spec's table) and the final error, rendered from src/core/diagnose's finding.
 */
import { status } from '@grpc/grpc-js';
import { renderFinding } from '../diagnose/finding.ts';
import { diagnoseWorkloadApiFailure, isServiceError, statusName } from '../diagnose/workload-api.ts';
import type { RetryPolicy } from '../retry.ts';
import type { WorkloadApiAddress } from './address.ts';
import { WorkloadApiError } from './errors.ts';

export { describeGrpcFailure, isServiceError, statusName } from '../diagnose/workload-api.ts';

/**
 * Unavailable (agent not ready, attestation failed, and — in grpc-js — a socket that does not
 * exist yet or refuses connections) and PermissionDenied (no identity issued yet: registration
 * entries reach the agent within seconds) are retried. Nothing else is.
 */
export function isRetryableStatus(code: number): boolean {
  return code === status.UNAVAILABLE || code === status.PERMISSION_DENIED;
}

export interface FailureContext {
  /** The operation, e.g. `FetchJWTSVID for audience 'vault'`. */
  readonly what: string;
  readonly address: WorkloadApiAddress;
  readonly policy: RetryPolicy;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** The error to throw once an operation has failed for good (or its deadline has passed). */
export function finalError(error: unknown, context: FailureContext): WorkloadApiError {
  if (error instanceof WorkloadApiError) return error;
  const finding = diagnoseWorkloadApiFailure(error, context);
  return new WorkloadApiError(finding.code, renderFinding(finding), {
    cause: error,
    ...(isServiceError(error) ? { grpcStatus: statusName(error.code) } : {}),
    attempts: context.attempts,
    finding,
  });
}
