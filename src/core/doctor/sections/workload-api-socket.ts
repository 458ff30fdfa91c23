/**
 * The Workload API address and what is behind it, before any gRPC: the address parses, and the
 * unix socket exists, is a socket and takes a connection (or the TCP address connects).
 */
import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { agentUnreachable } from '../../diagnose/workload-api.ts';
import { describeError } from '../../errors.ts';
import type { LoginOptions } from '../../options/config.ts';
import { parseWorkloadApiAddress, type WorkloadApiAddress } from '../../spiffe/address.ts';
import { fail, ok, type CheckResult } from '../check.ts';
import { failFromError } from './workload-api-failure.ts';

/** A connection to the socket that takes longer than this is reported as no answer. */
const CONNECT_TIMEOUT_MS = 3_000;

const SET_ADDRESS =
  "set SPIFFE_ENDPOINT_SOCKET (or socket-path) to the agent's socket_path, e.g. unix:///run/spire/agent.sock";

export function addressCheck(login: LoginOptions): { check: CheckResult; address?: WorkloadApiAddress } {
  const given = login.defaulted.socket
    ? " (SPIRE's default socket: neither socket-path nor SPIFFE_ENDPOINT_SOCKET is set)"
    : '';
  try {
    const address = parseWorkloadApiAddress(login.socketAddress);
    return { check: ok('workload-api.address', 'Workload API address', `${address.original}${given}`), address };
  } catch (error: unknown) {
    const check = failFromError('workload-api.address', 'Workload API address', error, {
      reason: 'address-invalid',
      fix: SET_ADDRESS,
    });
    return { check };
  }
}

/** The socket file (unix) or the port (tcp) takes a connection. */
export async function socketCheck(address: WorkloadApiAddress, defaulted: boolean): Promise<CheckResult> {
  const where = address.kind === 'unix' ? address.socketPath : address.target;
  if (address.kind === 'unix') {
    const problem = await socketFileProblem(address.socketPath);
    if (problem) return socketFailure(problem, address, defaulted);
  }
  const refused = await connectProblem(address);
  if (refused) return socketFailure(refused, address, defaulted);
  return ok('workload-api.socket', 'Workload API socket', `${where} takes connections`);
}

async function socketFileProblem(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return info.isSocket() ? undefined : 'ENOTSOCK';
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code ?? describeError(error);
  }
}

function connectProblem(address: WorkloadApiAddress): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket =
      address.kind === 'unix'
        ? connect({ path: address.socketPath })
        : connect({ host: address.host, port: address.port });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function socketFailure(problem: string, address: WorkloadApiAddress, defaulted: boolean): CheckResult {
  const where = address.kind === 'unix' ? `the socket ${address.socketPath}` : address.target;
  const seen =
    problem === 'ENOTSOCK'
      ? { reason: 'not-a-socket', why: `${where} exists but is not a socket`, fix: SET_ADDRESS }
      : problem === 'ETIMEDOUT'
        ? {
            reason: 'no-answer-in-time',
            why: `${where} did not take a connection within ${CONNECT_TIMEOUT_MS / 1000} s`,
            fix: 'check that the SPIRE agent is running and healthy',
          }
        : agentUnreachable(problem, address);
  const defaultNote = defaulted
    ? ' (this is the default address: set SPIFFE_ENDPOINT_SOCKET if the agent listens elsewhere)'
    : '';
  return fail('workload-api.socket', 'Workload API socket', `${seen.why ?? `${where}: ${problem}`}${defaultNote}`, {
    code: 'WORKLOAD_API_UNAVAILABLE',
    reason: seen.reason,
    ...(seen.fix ? { fix: seen.fix } : {}),
    commands: [
      `spire-agent healthcheck -socketPath ${address.kind === 'unix' ? address.socketPath : '<AGENT_SOCKET>'}`,
    ],
  });
}
