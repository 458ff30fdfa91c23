import { DEFAULT_AUDIENCE, DEFAULT_AUTH_PATH, DEFAULT_TIMEOUT } from '../core/defaults.ts';
import { InputError, describeError } from '../core/errors.ts';
import { parseBoolean, parseDuration, parseHttpUrl, parseKeyValues, parseList, readPem } from '../core/parse.ts';
import type { ImageSignatureFormat } from '../core/signing/image-format.ts';
import { parseIfNoFilesFound, parseImageSignatureFormat, parseKeyVersion } from '../core/signing/options.ts';
import type { IfNoFilesFound } from '../core/signing/patterns.ts';
import { parseWorkloadApiAddress, DEFAULT_AGENT_SOCKET } from '../core/spiffe/address.ts';
import { parseSpiffeId } from '../core/spiffe/spiffe-id.ts';
import { parseTransitKeyName, parseTransitPath, type TransitKeySelection } from '../core/vault/transit-names.ts';
import type { VaultTlsOptions } from '../core/vault/transport.ts';

/** What to sign with the transit key; `blobs` empty = a login-only run. */
export interface SigningConfig extends TransitKeySelection {
  readonly blobs: readonly string[];
  readonly signatureDir: string;
  readonly bundle: boolean;
  readonly ifNoFilesFound: IfNoFilesFound;
  readonly images: readonly string[];
  readonly imageSignatureFormat: ImageSignatureFormat;
  /** key=value pairs signed into the image signature payload. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly recursive: boolean;
  /** Registry hosts (host or host:port) spoken to over plain http; loopback always is. */
  readonly registryInsecure: readonly string[];
}

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
  readonly signing: SigningConfig;
  /** A command line to run with the token in its environment only; '' for none. */
  readonly run: string;
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
    // With `run`, the token goes to that command only, unless export-token says otherwise.
    exportToken: parseBoolean('export-token', input('export-token'), input('run') === ''),
    outputToken: parseBoolean('output-token', input('output-token'), false),
    revoke: parseBoolean('revoke', input('revoke'), true),
    maxTokenTtlSeconds,
    tls: Object.freeze(tls),
    caCertInput: caCertInput.startsWith('-----BEGIN ') ? '' : caCertInput,
    timeoutMs: parseDuration('timeout', input('timeout') || DEFAULT_TIMEOUT),
    signing: parseSigningInputs(input),
    run: parseRun(input('run')),
  });
}

function parseRun(value: string): string {
  if (value.includes('\n')) {
    throw new InputError('run: give one command line (for several commands, run a script, e.g. run: ./release.sh)');
  }
  return value;
}

function parseSigningInputs(input: InputReader): SigningConfig {
  return Object.freeze({
    blobs: Object.freeze(lines(input('sign-blobs'))),
    transitPath: parseTransitPath('transit-path', input('transit-path')),
    transitKey: parseTransitKeyName('transit-key', input('transit-key')),
    keyVersion: parseKeyVersion('key-version', input('key-version')),
    signatureDir: input('signature-dir'),
    bundle: parseBoolean('bundle', input('bundle'), true),
    ifNoFilesFound: parseIfNoFilesFound('if-no-files-found', input('if-no-files-found')),
    images: Object.freeze(lines(input('sign-images'))),
    imageSignatureFormat: parseImageSignatureFormat('image-signature-format', input('image-signature-format')),
    annotations: Object.freeze(parseKeyValues('annotations', lines(input('annotations')))),
    recursive: parseBoolean('recursive', input('recursive'), false),
    registryInsecure: Object.freeze(parseList(input('registry-insecure'))),
  });
}

function lines(value: string): string[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
