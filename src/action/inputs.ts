import { InputError, describeError } from '../core/errors.ts';
import { parseBoolean, parseDuration, parseHttpUrl, parseList, readPem } from '../core/parse.ts';
import { parseWorkloadApiAddress, DEFAULT_AGENT_SOCKET } from '../core/spiffe/address.ts';
import { parseSpiffeId } from '../core/spiffe/spiffe-id.ts';
import type { VaultTlsOptions } from '../core/vault/transport.ts';

export const DEFAULT_AUDIENCE = 'vault';
export const DEFAULT_AUTH_PATH = 'jwt';
export const DEFAULT_TIMEOUT = '60s';

/** Every input of action.yml, parsed once. Unset inputs are '' in, typed values out. */
export interface ActionConfig {
  readonly vaultAddr: string;
  readonly role: string;
  readonly audiences: readonly string[];
  readonly authPath: string;
  readonly namespace: string;
  readonly socketAddress: string;
  readonly spiffeId: string;
  readonly exportToken: boolean;
  readonly outputToken: boolean;
  readonly revoke: boolean;
  readonly maxTokenTtlSeconds: number | undefined;
  readonly tls: VaultTlsOptions;
  /** The CA as the user gave it (path or PEM), so later steps can be pointed at it. */
  readonly caCertInput: string;
  readonly timeoutMs: number;
}

export type InputReader = (name: string) => string;

/** Reads an input as the runner passes it (`INPUT_<NAME>`), '' when unset. */
export function envInputReader(env: NodeJS.ProcessEnv): InputReader {
  return (name) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function parseActionInputs(input: InputReader, env: NodeJS.ProcessEnv): ActionConfig {
  const vaultAddrRaw = input('vault-addr') || env.VAULT_ADDR || env.BAO_ADDR || '';
  if (!vaultAddrRaw) {
    throw new InputError(
      'vault-addr: not set — set the vault-addr input or VAULT_ADDR, e.g. https://vault.example.com:8200',
    );
  }
  const role = input('role');
  if (!role) throw new InputError('role: required — name the Vault JWT role to log in with, e.g. role: ci');
  if (/[\s/]/.test(role)) throw new InputError(`role: '${role}' must not contain spaces or slashes`);

  const audiences = parseList(input('audience') || DEFAULT_AUDIENCE);
  const authPath = (input('auth-path') || DEFAULT_AUTH_PATH).replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  if (!authPath || /\s/.test(authPath))
    throw new InputError(`auth-path: '${input('auth-path')}' is not a mount path, e.g. jwt`);

  const socketRaw = input('socket-path') || env.SPIFFE_ENDPOINT_SOCKET || DEFAULT_AGENT_SOCKET;
  const socketAddress = socketRaw.startsWith('/') ? `unix://${socketRaw}` : socketRaw;
  try {
    parseWorkloadApiAddress(socketAddress);
  } catch (error: unknown) {
    throw new InputError(`socket-path: ${describeError(error)}`, { cause: error });
  }

  const spiffeId = input('spiffe-id');
  if (spiffeId) parseSpiffeId(spiffeId);

  const maxTtlRaw = input('max-token-ttl');
  const maxTokenTtlSeconds = maxTtlRaw ? parseDuration('max-token-ttl', maxTtlRaw) / 1000 : undefined;

  const caCertInput = input('ca-cert') || env.VAULT_CACERT || '';
  const clientCertRaw = input('client-cert') || env.VAULT_CLIENT_CERT || '';
  const clientKeyRaw = input('client-key') || env.VAULT_CLIENT_KEY || '';
  if (Boolean(clientCertRaw) !== Boolean(clientKeyRaw)) {
    throw new InputError('client-cert and client-key: give both (mutual TLS) or neither');
  }
  const tls: VaultTlsOptions = {
    ...(caCertInput ? { caCert: readPem('ca-cert', caCertInput) } : {}),
    ...(clientCertRaw ? { clientCert: readPem('client-cert', clientCertRaw) } : {}),
    ...(clientKeyRaw ? { clientKey: readPem('client-key', clientKeyRaw) } : {}),
    skipVerify: parseBoolean('tls-skip-verify', input('tls-skip-verify'), false),
  };

  return Object.freeze({
    vaultAddr: parseHttpUrl('vault-addr', vaultAddrRaw),
    role,
    audiences: Object.freeze(audiences),
    authPath,
    namespace: input('namespace') || env.VAULT_NAMESPACE || '',
    socketAddress,
    spiffeId,
    exportToken: parseBoolean('export-token', input('export-token'), true),
    outputToken: parseBoolean('output-token', input('output-token'), false),
    revoke: parseBoolean('revoke', input('revoke'), true),
    maxTokenTtlSeconds,
    tls: Object.freeze(tls),
    caCertInput: caCertInput.startsWith('-----BEGIN ') ? '' : caCertInput,
    timeoutMs: parseDuration('timeout', input('timeout') || DEFAULT_TIMEOUT),
  });
}
