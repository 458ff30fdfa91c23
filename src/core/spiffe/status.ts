/**
 * gRPC status handling for the Workload API client: which statuses are retryable (the SPIFFE
 * Workload Endpoint spec's table) and the final, actionable error for each.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { describeError } from '../errors.ts';
import type { RetryPolicy } from '../retry.ts';
import type { WorkloadApiAddress } from './address.ts';
import { WorkloadApiError, redactJwts } from './errors.ts';

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    typeof (error as Partial<ServiceError>).details === 'string'
  );
}

/**
 * Unavailable (agent not ready, attestation failed, and — in grpc-js — a socket that does not
 * exist yet or refuses connections) and PermissionDenied (no identity issued yet: registration
 * entries reach the agent within seconds) are retried. Nothing else is.
 */
export function isRetryableStatus(code: number): boolean {
  return code === status.UNAVAILABLE || code === status.PERMISSION_DENIED;
}

export function statusName(code: number): string {
  return status[code] ?? `status ${code}`;
}

/** The status details, without grpc-js's empty trailer and anything token-like. */
function cleanDetails(details: string): string {
  return redactJwts(details.replace(/\.?\s*Resolution note:\s*$/, '').trim()) || '(no details)';
}

/** `PERMISSION_DENIED: no identity issued` (details scrubbed of anything token-like). */
export function describeGrpcFailure(error: unknown): string {
  if (isServiceError(error)) return `${statusName(error.code)}: ${cleanDetails(error.details)}`;
  return redactJwts(describeError(error));
}

export interface FailureContext {
  /** The operation, e.g. `FetchJWTSVID for audience 'vault'`. */
  readonly what: string;
  readonly address: WorkloadApiAddress;
  readonly policy: RetryPolicy;
  readonly attempts: number;
  readonly elapsedMs: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function unavailableHint(details: string, address: WorkloadApiAddress): string {
  const where = address.kind === 'unix' ? `the socket ${address.socketPath}` : address.target;
  if (/ENOENT/.test(details)) {
    return `${where} does not exist: start the SPIRE agent, or point SPIFFE_ENDPOINT_SOCKET at its socket`;
  }
  if (/ECONNREFUSED/.test(details)) return `nothing accepts connections at ${where}: is the SPIRE agent running?`;
  if (/EACCES|EPERM/.test(details)) return `this user may not open ${where}: check its permissions`;
  return `check that the SPIRE agent is running and healthy (\`spire-agent healthcheck\`) and serves ${where}`;
}

function rejectedHint(details: string): string {
  if (/audience/i.test(details)) return 'pass at least one non-empty audience';
  if (/security header/i.test(details)) {
    return 'this client always sends the `workload.spiffe.io: true` header; is a proxy in between dropping it?';
  }
  return 'check the request and the agent log';
}

/** The error to throw once an operation has failed for good (or its deadline has passed). */
export function finalError(error: unknown, context: FailureContext): WorkloadApiError {
  if (error instanceof WorkloadApiError) return error;
  const { what, address, attempts, elapsedMs } = context;
  const tried = `${attempts} attempt${attempts === 1 ? '' : 's'} over ${seconds(elapsedMs)}`;
  const at = `the SPIFFE Workload API at ${address.original}`;
  if (!isServiceError(error)) {
    return new WorkloadApiError(
      'WORKLOAD_API_UNAVAILABLE',
      `${what} at ${at} failed (${tried}): ${describeGrpcFailure(error)}`,
      {
        cause: error,
        attempts,
      },
    );
  }
  const name = statusName(error.code);
  const last = `last status ${name}: ${cleanDetails(error.details)}`;
  const options = { cause: error, grpcStatus: name, attempts };
  switch (error.code) {
    case status.PERMISSION_DENIED:
      return new WorkloadApiError(
        'WORKLOAD_NOT_REGISTERED',
        `${what}: ${at} issued no identity to this workload (${tried}; ${last}). No identity is issued for ` +
          'this workload: check the registration entry (selectors, e.g. unix:uid) with `spire-server entry show`, ' +
          'and that it is for this agent (its parent ID)',
        options,
      );
    case status.UNAVAILABLE:
      return new WorkloadApiError(
        'WORKLOAD_API_UNAVAILABLE',
        `${what}: could not reach ${at} (${tried}; ${last}): ${unavailableHint(error.details, address)}`,
        options,
      );
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return new WorkloadApiError(
        'WORKLOAD_API_UNAVAILABLE',
        `${what}: ${at} did not answer in time (${tried}; ${last}): check that the SPIRE agent is healthy ` +
          '(`spire-agent healthcheck`) and can reach its server',
        options,
      );
    case status.UNIMPLEMENTED:
      return new WorkloadApiError(
        'WORKLOAD_API_REJECTED',
        `${what}: ${at} does not implement this call (${last}): is ${address.original} really a SPIFFE Workload API socket?`,
        options,
      );
    default:
      return new WorkloadApiError(
        'WORKLOAD_API_REJECTED',
        `${what}: ${at} rejected the request (${last}); not retried: ${rejectedHint(error.details)}`,
        options,
      );
  }
}
