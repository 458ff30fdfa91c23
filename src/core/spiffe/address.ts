/**
 * Workload API addresses (unix:///path, tcp://IP:PORT) parsed and checked as the SPIFFE spec
 * defines them.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { WorkloadApiError } from './errors.ts';

/** SPIRE's default agent socket, used when no address is configured. */
export const DEFAULT_AGENT_SOCKET = 'unix:///tmp/spire-agent/public/api.sock';

/** `sun_path` is 108 bytes including the terminating NUL. */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

export type WorkloadApiAddress =
  | {
      readonly kind: 'unix';
      /** What grpc-js dials: `unix:///abs/path`. */
      readonly target: string;
      /** The absolute socket path. */
      readonly socketPath: string;
      /** The value as given, for messages. */
      readonly original: string;
    }
  | {
      readonly kind: 'tcp';
      /** What grpc-js dials: `IP:PORT` (`[v6]:PORT`). */
      readonly target: string;
      readonly host: string;
      readonly port: number;
      readonly original: string;
    };

const ACCEPTED =
  'accepted forms: unix:///absolute/path/to/socket (or unix:/absolute/path), ' +
  'tcp://IP:PORT with an IPv4 or bracketed IPv6 literal (tcp://127.0.0.1:8081, tcp://[::1]:8081)';

function invalid(value: string, why: string): WorkloadApiError {
  return new WorkloadApiError(
    'WORKLOAD_API_ADDRESS_INVALID',
    `invalid SPIFFE Workload API address '${value}': ${why}; ${ACCEPTED}`,
  );
}

/**
 * Parses a `SPIFFE_ENDPOINT_SOCKET` value (SPIFFE Workload Endpoint spec) into a grpc-js target.
 * Unix: `unix:///abs/path` or `unix:/abs/path`; no authority, query or fragment; the path must be
 * absolute and fit `sun_path`. TCP: `tcp://IP:PORT`, an IP literal only (no host name), port
 * 1-65535, nothing else.
 */
export function parseWorkloadApiAddress(value: string): WorkloadApiAddress {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(value, 'the address is empty');
  if (trimmed !== value) throw invalid(value, 'the address has leading or trailing white space');
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw invalid(value, 'the address contains control characters');
  }

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  if (scheme === undefined) throw invalid(value, 'there is no scheme');
  const rest = value.slice(scheme.length + 1);
  if (scheme === 'unix') return parseUnix(value, rest);
  if (scheme === 'tcp') return parseTcp(value, rest);
  throw invalid(value, `the scheme '${scheme}' is not supported (use unix or tcp, lowercase)`);
}

function parseUnix(value: string, rest: string): WorkloadApiAddress {
  let path: string;
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
    if (authority !== '') {
      throw invalid(
        value,
        `a unix address must not have an authority ('${authority}'): write unix:///path with three slashes`,
      );
    }
    path = slash === -1 ? '' : afterSlashes.slice(slash);
  } else {
    path = rest;
  }
  if (path.includes('?')) throw invalid(value, 'a unix address must not have a query');
  if (path.includes('#')) throw invalid(value, 'a unix address must not have a fragment');
  if (path === '' || path === '/') throw invalid(value, 'the socket path is missing');
  if (!path.startsWith('/')) throw invalid(value, `the socket path '${path}' is not absolute`);
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_UNIX_SOCKET_PATH_BYTES) {
    throw invalid(
      value,
      `the socket path is ${bytes} bytes long; unix socket paths must be shorter than 108 bytes (move the socket to a shorter directory)`,
    );
  }
  return { kind: 'unix', target: `unix://${path}`, socketPath: path, original: value };
}

function parseTcp(value: string, rest: string): WorkloadApiAddress {
  if (!rest.startsWith('//')) throw invalid(value, 'a tcp address must start with tcp://');
  const authorityAndMore = rest.slice(2);
  if (/[/?#]/.test(authorityAndMore)) {
    throw invalid(value, 'a tcp address must not have a path, query or fragment');
  }
  const authority = authorityAndMore;
  if (authority.includes('@')) throw invalid(value, 'a tcp address must not have user info');
  if (authority === '') throw invalid(value, 'the host is missing');

  let host: string;
  let portText: string;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) throw invalid(value, 'the IPv6 literal has no closing bracket');
    host = authority.slice(1, close);
    const after = authority.slice(close + 1);
    if (!after.startsWith(':')) throw invalid(value, 'the port is missing');
    portText = after.slice(1);
    if (!isIPv6(host)) throw invalid(value, `'${host}' is not an IPv6 address`);
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon === -1) {
      throw invalid(
        value,
        isIPv4(authority)
          ? 'the port is missing'
          : `the host '${authority}' is not an IP address, and the port is missing`,
      );
    }
    host = authority.slice(0, colon);
    portText = authority.slice(colon + 1);
    if (isIPv6(authority) || host.includes(':')) {
      throw invalid(value, 'an IPv6 address must be written in brackets: tcp://[::1]:8081');
    }
    if (!isIPv4(host)) {
      throw invalid(value, `the host '${host}' is not an IP address (host names are not allowed)`);
    }
  }
  if (!/^[0-9]{1,5}$/.test(portText)) throw invalid(value, `the port '${portText}' is not a number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw invalid(value, `the port ${port} is outside 1-65535`);
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return { kind: 'tcp', target, host, port, original: value };
}
