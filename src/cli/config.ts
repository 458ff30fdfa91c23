import { DEFAULT_AUDIENCE, DEFAULT_AUTH_PATH, DEFAULT_TIMEOUT } from '../core/defaults.ts';
import { resolve } from 'node:path';
import { describeError, InputError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { RegistryClientOptions } from '../core/oci/client.ts';
import { defaultDockerConfigDir } from '../core/oci/docker-config.ts';
import { parseDuration, parseHttpUrl, parseKeyValues, parseList, readPem } from '../core/parse.ts';
import { parseIfNoFilesFound, parseKeyVersion } from '../core/signing/options.ts';
import {
  parseTransitKeyName,
  parseTransitPath as parseTransitPathValue,
  type TransitKeySelection,
} from '../core/vault/transit-names.ts';
import type { IfNoFilesFound } from '../core/signing/patterns.ts';
import { DEFAULT_AGENT_SOCKET, parseWorkloadApiAddress } from '../core/spiffe/address.ts';
import { parseSpiffeId } from '../core/spiffe/spiffe-id.ts';
import type { VaultTlsOptions } from '../core/vault/transport.ts';
import type { FlagValues } from './args.ts';

/**
 * Flags (and the environment variables they fall back to) parsed once, strictly, into typed
 * readonly configs. A wrong value is an InputError naming the flag or variable and the fix.
 */

export interface VaultConfig {
  readonly vaultAddr: string;
  readonly namespace: string;
  readonly tls: VaultTlsOptions;
  /** VAULT_CACERT & co. for child processes: absolute file paths (inline PEM is not passed on). */
  readonly tlsEnv: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** HTTP(S)_PROXY / NO_PROXY as the environment has them. */
  readonly proxyEnv: Env;
}

export interface LoginConfig {
  readonly role: string;
  readonly audiences: readonly string[];
  readonly authPath: string;
  readonly socketAddress: string;
  readonly spiffeId: string;
  readonly maxTokenTtlSeconds: number | undefined;
}

export interface SigningConfig extends TransitKeySelection {
  readonly patterns: readonly string[];
  /** Absolute, or '' for "next to each file". */
  readonly signatureDir: string;
  readonly bundle: boolean;
  readonly ifNoFilesFound: IfNoFilesFound;
}

type Env = Readonly<Record<string, string | undefined>>;

/** A string flag's value, '' when unset. */
export function flagString(values: FlagValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The flag, else the first environment variable set: its value and how the user spells it. */
function pick(values: FlagValues, flag: string, env: Env, ...vars: string[]): { value: string; source: string } {
  const fromFlag = flagString(values, flag);
  if (fromFlag) return { value: fromFlag, source: `--${flag}` };
  for (const name of vars) {
    const value = env[name]?.trim();
    if (value) return { value, source: name };
  }
  return { value: '', source: `--${flag}` };
}

export function parseVaultConfig(values: FlagValues, env: Env, cwd: string): VaultConfig {
  const addr = pick(values, 'vault-addr', env, 'VAULT_ADDR', 'BAO_ADDR');
  if (!addr.value) {
    throw new InputError(
      '--vault-addr: not set — give --vault-addr or set VAULT_ADDR, e.g. https://vault.example.com:8200',
    );
  }
  const ca = pick(values, 'ca-cert', env, 'VAULT_CACERT', 'BAO_CACERT');
  const cert = pick(values, 'client-cert', env, 'VAULT_CLIENT_CERT', 'BAO_CLIENT_CERT');
  const key = pick(values, 'client-key', env, 'VAULT_CLIENT_KEY', 'BAO_CLIENT_KEY');
  if (Boolean(cert.value) !== Boolean(key.value)) {
    throw new InputError(
      `${cert.value ? key.source : cert.source}: missing — give both --client-cert and --client-key (mutual TLS) or neither`,
    );
  }
  const skipVerify = parseSkipVerify(values, env);
  const asFile = (value: string) => (value && !value.startsWith('-----BEGIN ') ? resolve(cwd, value) : '');
  const pem = (given: { value: string; source: string }) => readPem(given.source, asFile(given.value) || given.value);
  const tls: VaultTlsOptions = {
    ...(ca.value ? { caCert: pem(ca) } : {}),
    ...(cert.value ? { clientCert: pem(cert) } : {}),
    ...(key.value ? { clientKey: pem(key) } : {}),
    skipVerify,
  };
  const tlsEnv: Record<string, string> = {};
  if (asFile(ca.value)) tlsEnv.VAULT_CACERT = asFile(ca.value);
  if (asFile(cert.value) && asFile(key.value)) {
    tlsEnv.VAULT_CLIENT_CERT = asFile(cert.value);
    tlsEnv.VAULT_CLIENT_KEY = asFile(key.value);
  }
  if (skipVerify) tlsEnv.VAULT_SKIP_VERIFY = 'true';
  return Object.freeze({
    vaultAddr: parseHttpUrl(addr.source, addr.value),
    namespace: pick(values, 'namespace', env, 'VAULT_NAMESPACE', 'BAO_NAMESPACE').value,
    tls: Object.freeze(tls),
    tlsEnv: Object.freeze(tlsEnv),
    timeoutMs: parseDuration('--timeout', flagString(values, 'timeout') || DEFAULT_TIMEOUT),
    proxyEnv: env,
  });
}

/** The flag, else VAULT_SKIP_VERIFY read as the vault CLI reads it (Go's strconv.ParseBool). */
function parseSkipVerify(values: FlagValues, env: Env): boolean {
  if (typeof values['tls-skip-verify'] === 'boolean') return values['tls-skip-verify'];
  for (const name of ['VAULT_SKIP_VERIFY', 'BAO_SKIP_VERIFY']) {
    const raw = env[name]?.trim() ?? '';
    if (raw === '') continue;
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
    if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
    throw new InputError(`${name}: '${raw}' is not a boolean — use true or false, or unset it`);
  }
  return false;
}

export function parseLoginConfig(values: FlagValues, env: Env): LoginConfig {
  const role = flagString(values, 'role');
  if (!role) throw new InputError('--role: required — name the Vault JWT role to log in with, e.g. --role ci');
  if (/[\s/]/.test(role)) throw new InputError(`--role: '${role}' must not contain spaces or slashes`);

  const audiences = parseList(flagString(values, 'audience') || DEFAULT_AUDIENCE);
  if (audiences.length === 0) {
    throw new InputError(`--audience: '${flagString(values, 'audience')}' names no audience — e.g. --audience vault`);
  }
  const authPathRaw = flagString(values, 'auth-path');
  const authPath = (authPathRaw || DEFAULT_AUTH_PATH).replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
  if (!authPath || /\s/.test(authPath)) {
    throw new InputError(`--auth-path: '${authPathRaw}' is not a mount path — e.g. --auth-path jwt`);
  }

  const socket = pick(values, 'socket-path', env, 'SPIFFE_ENDPOINT_SOCKET');
  const socketRaw = socket.value || DEFAULT_AGENT_SOCKET;
  const socketAddress = socketRaw.startsWith('/') ? `unix://${socketRaw}` : socketRaw;
  try {
    parseWorkloadApiAddress(socketAddress);
  } catch (error: unknown) {
    throw new InputError(`${socket.source}: ${describeError(error)}`, { cause: error });
  }

  const spiffeId = flagString(values, 'spiffe-id');
  if (spiffeId) {
    try {
      parseSpiffeId(spiffeId);
    } catch (error: unknown) {
      throw new InputError(`--spiffe-id: ${describeError(error)}`, { cause: error });
    }
  }
  const maxTtl = flagString(values, 'max-token-ttl');
  return Object.freeze({
    role,
    audiences: Object.freeze(audiences),
    authPath,
    socketAddress,
    spiffeId,
    maxTokenTtlSeconds: maxTtl ? parseDuration('--max-token-ttl', maxTtl) / 1000 : undefined,
  });
}

/** `--transit-path`, else TRANSIT_SECRET_ENGINE_PATH (what cosign's hashivault:// reads), else transit. */
export function parseTransitPath(values: FlagValues, env: Env): string {
  const raw = pick(values, 'transit-path', env, 'TRANSIT_SECRET_ENGINE_PATH');
  return parseTransitPathValue(raw.source, raw.value);
}

export function parseSigningConfig(
  values: FlagValues,
  env: Env,
  input: { readonly positionals: readonly string[]; readonly cwd: string },
): SigningConfig {
  const patterns = input.positionals.map((p) => p.trim()).filter((p) => p !== '');
  if (patterns.length === 0) {
    throw new InputError("no FILE given — name the files to sign, e.g. spiffe-vault sign-blob 'dist/*.tar.gz'");
  }
  const signatureDir = flagString(values, 'signature-dir');
  return Object.freeze({
    patterns: Object.freeze(patterns),
    transitPath: parseTransitPath(values, env),
    transitKey: parseTransitKeyName('--transit-key', flagString(values, 'transit-key')),
    keyVersion: parseKeyVersion('--key-version', flagString(values, 'key-version')),
    signatureDir: signatureDir ? resolve(input.cwd, signatureDir) : '',
    bundle: values.bundle !== false,
    ifNoFilesFound: parseIfNoFilesFound('--if-no-files-found', flagString(values, 'if-no-files-found')),
  });
}

/**
 * What `auth` prints for eval and `exec` puts in its command's environment: what the vault and
 * bao CLIs and cosign's hashivault:// KMS read.
 */
export function vaultEnvironment(config: VaultConfig, token: string, transitPath: string): Record<string, string> {
  return {
    VAULT_ADDR: config.vaultAddr,
    VAULT_TOKEN: token,
    ...(config.namespace ? { VAULT_NAMESPACE: config.namespace } : {}),
    TRANSIT_SECRET_ENGINE_PATH: transitPath,
    ...config.tlsEnv,
  };
}

/** Registry access for sign-image and verify-image: Docker config credentials, insecure hosts. */
export function registryOptions(
  values: FlagValues,
  env: Env,
  logger: Logger,
  /** How long each registry request keeps retrying (--timeout of the signing commands). */
  timeoutMs?: number,
): RegistryClientOptions {
  return {
    dockerConfigDir: defaultDockerConfigDir(env),
    insecureHosts: parseList(flagString(values, 'registry-insecure')),
    proxyEnv: env,
    logger,
    ...(timeoutMs !== undefined ? { retryDeadlineMs: timeoutMs } : {}),
  };
}

/** --annotations k=v,… */
export function parseAnnotationsFlag(values: FlagValues): Record<string, string> {
  return parseKeyValues('--annotations', parseList(flagString(values, 'annotations')));
}
