/**
 * Workload API failures classified into findings: which gRPC status (or socket error) the agent
 * gave after the retries, what it means (no socket, no registration entry, not a Workload API)
 * and what to do. The SPIFFE client throws WorkloadApiErrors rendered from these findings.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { describeError } from '../errors.ts';
import type { WorkloadApiAddress } from '../spiffe/address.ts';
import type { WorkloadApiErrorCode } from '../spiffe/errors.ts';
import { redactJwts } from '../spiffe/errors.ts';
import type { Finding } from './finding.ts';

export type WorkloadApiFinding = Finding<WorkloadApiErrorCode>;

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    typeof (error as Partial<ServiceError>).details === 'string'
  );
}

/** `PERMISSION_DENIED` for 7. */
export function statusName(code: number): string {
  return status[code] ?? `status ${code}`;
}

/** The status details, without grpc-js's empty trailer and anything token-like. */
export function cleanDetails(details: string): string {
  return redactJwts(details.replace(/\.?\s*Resolution note:\s*$/, '').trim()) || '(no details)';
}

/** `PERMISSION_DENIED: no identity issued` (details scrubbed of anything token-like). */
export function describeGrpcFailure(error: unknown): string {
  if (isServiceError(error)) return `${statusName(error.code)}: ${cleanDetails(error.details)}`;
  return redactJwts(describeError(error));
}

export interface WorkloadApiFailureContext {
  /** The operation, e.g. `FetchJWTSVID for audience 'vault'`. */
  readonly what: string;
  readonly address: WorkloadApiAddress;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** Why the agent could not be reached, from the socket error (grpc-js reports it in the details). */
export function agentUnreachable(
  details: string,
  address: WorkloadApiAddress,
): Pick<Finding, 'reason' | 'why' | 'fix'> {
  const where = address.kind === 'unix' ? `the socket ${address.socketPath}` : address.target;
  if (/ENOENT/.test(details)) {
    return {
      reason: 'socket-missing',
      why: `${where} does not exist`,
      fix: 'start the SPIRE agent, or point SPIFFE_ENDPOINT_SOCKET at its socket',
    };
  }
  if (/ECONNREFUSED/.test(details)) {
    return {
      reason: 'connection-refused',
      why: `nothing accepts connections at ${where}`,
      fix: 'is the SPIRE agent running?',
    };
  }
  if (/EACCES|EPERM/.test(details)) {
    return { reason: 'socket-forbidden', why: `this user may not open ${where}`, fix: 'check its permissions' };
  }
  return {
    reason: 'agent-unavailable',
    fix: `check that the SPIRE agent is running and healthy (\`spire-agent healthcheck\`) and serves ${where}`,
  };
}

function rejectedFix(details: string): string {
  if (/audience/i.test(details)) return 'pass at least one non-empty audience';
  if (/security header/i.test(details)) {
    return 'this client always sends the `workload.spiffe.io: true` header; is a proxy in between dropping it?';
  }
  return 'check the request and the agent log';
}

/** The finding for an operation that failed for good (or whose deadline passed). */
export function diagnoseWorkloadApiFailure(error: unknown, context: WorkloadApiFailureContext): WorkloadApiFinding {
  const { what, address, attempts, elapsedMs } = context;
  const tried = `after ${attempts} attempt${attempts === 1 ? '' : 's'} over ${(elapsedMs / 1000).toFixed(1)} s`;
  const at = `the SPIFFE Workload API at ${address.original}`;
  const area = 'workload-api' as const;
  if (!isServiceError(error)) {
    return {
      code: 'WORKLOAD_API_UNAVAILABLE',
      area,
      reason: 'call-failed',
      what: `${what} at ${at} failed ${tried}`,
      answer: describeGrpcFailure(error),
    };
  }
  const answer = `last status ${statusName(error.code)}: ${cleanDetails(error.details)}`;
  switch (error.code) {
    case status.PERMISSION_DENIED:
      return {
        code: 'WORKLOAD_NOT_REGISTERED',
        area,
        reason: 'no-identity',
        what: `${what}: ${at} issued no identity to this workload ${tried}`,
        answer,
        fix:
          'check the registration entry (selectors, e.g. unix:uid) with `spire-server entry show`, ' +
          'and that it is for this agent (its parent ID)',
        commands: ['spire-server entry show'],
      };
    case status.UNAVAILABLE:
      return {
        code: 'WORKLOAD_API_UNAVAILABLE',
        area,
        what: `${what}: could not reach ${at} ${tried}`,
        answer,
        ...agentUnreachable(error.details, address),
      };
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return {
        code: 'WORKLOAD_API_UNAVAILABLE',
        area,
        reason: 'no-answer-in-time',
        what: `${what}: ${at} did not answer in time ${tried}`,
        answer,
        fix: 'check that the SPIRE agent is healthy (`spire-agent healthcheck`) and can reach its server',
        commands: ['spire-agent healthcheck'],
      };
    case status.UNIMPLEMENTED:
      return {
        code: 'WORKLOAD_API_REJECTED',
        area,
        reason: 'not-a-workload-api',
        what: `${what}: ${at} does not implement this call`,
        answer,
        fix: `is ${address.original} really a SPIFFE Workload API socket?`,
      };
    default:
      return {
        code: 'WORKLOAD_API_REJECTED',
        area,
        reason: 'request-rejected',
        what: `${what}: ${at} rejected the request; not retried`,
        answer,
        fix: rejectedFix(error.details),
      };
  }
}

/** Who the workload is, for the registration entry that would give it an identity. */
export interface WorkloadIdentityContext {
  /** This process's uid (the unix workload attestor's selector); undefined where there is none. */
  readonly uid?: number | undefined;
  /** The SPIFFE ID asked for ('' or undefined: not known). */
  readonly spiffeId?: string | undefined;
}

/**
 * The fix for "no identity issued": the entry to create (parent: the agent's SPIFFE ID or a node
 * alias, which only `spire-server agent list` / `entry show` can tell), and how to look at the
 * entries there are.
 */
export function registrationEntryFix(context: WorkloadIdentityContext): Pick<Finding, 'fix' | 'commands'> {
  const selector = context.uid !== undefined ? `unix:uid:${context.uid}` : 'unix:uid:<UID>';
  const spiffeId = context.spiffeId || '<SPIFFE_ID>';
  const create = `spire-server entry create -parentID <PARENT_ID> -spiffeID ${spiffeId} -selector ${selector}`;
  return {
    fix:
      'no registration entry matches this workload, or it has not reached the agent yet: create one ' +
      `(\`${create}\`, where PARENT_ID is the agent's SPIFFE ID from \`spire-server agent list\` or a node alias ` +
      `that covers it${context.spiffeId ? '' : ', and SPIFFE_ID the identity Vault expects'}), ` +
      `or check the entries there are (\`spire-server entry show -selector ${selector}\`)`,
    commands: [create, 'spire-server agent list', `spire-server entry show -selector ${selector}`],
  };
}
