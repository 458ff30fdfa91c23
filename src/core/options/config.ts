/**
 * The typed configs every front end gets from the option table: the same values give the same
 * config, and the same bad value the same error code, whichever front end they came through.
 */
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { readPem } from '../parse.ts';
import type { ImageSignatureFormat } from '../signing/image-format.ts';
import type { IfNoFilesFound } from '../signing/patterns.ts';
import type { VaultTlsOptions } from '../vault/transport.ts';
import type { AllowList } from '../proxy/allow-list.ts';
import { readPredicateFile } from '../attest/predicate-file.ts';
import { parsePredicateType, PREDICATE_TYPES, SLSA_PROVENANCE_V1 } from '../attest/predicate-type.ts';
import { parseListenAddress, type ListenAddress } from '../proxy/listen-address.ts';
import { DEFAULT_AUTH_PATH, DEFAULT_CERT_AUTH_PATH } from '../defaults.ts';
import type { LoginMethod } from './login-options.ts';
import { rawValue, readOption, type OptionSource, type RawValue } from './spec.ts';
import { OPTIONS } from './table.ts';

export interface VaultConnection {
  readonly vaultAddr: string;
  readonly namespace: string;
  readonly tls: VaultTlsOptions;
  /** Absolute paths of the TLS files given as files (later steps are pointed at them). */
  readonly tlsFiles: Readonly<{ caCert?: string; clientCert?: string; clientKey?: string }>;
  readonly timeoutMs: number;
}

export interface LoginOptions {
  /** jwt: a JWT-SVID to the JWT auth method; cert: the X.509-SVID to the cert auth method. */
  readonly method: LoginMethod;
  readonly role: string;
  readonly audiences: readonly string[];
  readonly authPath: string;
  readonly socketAddress: string;
  /** '' = the first SVID the agent returns. */
  readonly spiffeId: string;
  readonly maxTokenTtlSeconds: number | undefined;
  /** Which values are our defaults, not the user's: a failure then says which flag to add. */
  readonly defaulted: { readonly socket: boolean; readonly audience: boolean };
}

export interface TransitOptions {
  readonly transitPath: string;
  readonly transitKey: string;
  /** undefined = the key's latest version, resolved once and used for every signature. */
  readonly keyVersion: number | undefined;
}

export interface BlobOutputOptions {
  /** Absolute, or '' for "next to each file". */
  readonly signatureDir: string;
  readonly bundle: boolean;
  readonly ifNoFilesFound: IfNoFilesFound;
}

export interface ImageSigningOptions {
  readonly format: ImageSignatureFormat;
  readonly annotations: Readonly<Record<string, string>>;
  readonly recursive: boolean;
  /** Registry hosts (host or host:port) spoken to over plain http; loopback always is. */
  readonly registryInsecure: readonly string[];
}

/** One attestation to sign about every subject of a run. */
export interface AttestationRequest {
  /** The predicate type URI. */
  readonly predicateType: string;
  /** provenance: built from the CI context at signing time; file: read (and checked) now. */
  readonly predicate:
    | { readonly kind: 'provenance' }
    | {
        readonly kind: 'file';
        readonly value: unknown;
        /** The predicate file's absolute path (its name names the files' attestation). */
        readonly path?: string;
      };
}

export interface ProxyOptions {
  /** Vault API paths the proxy forwards; an empty list forwards every path. */
  readonly allow: AllowList;
  readonly listen: ListenAddress;
  /** How the front end spells the listen address, for errors. */
  readonly listenSource: string;
}

/** Relative paths are relative to this folder (the workspace, or the CLI's working directory). */
export interface PathBase {
  readonly cwd: string;
}

export function parseVaultConnection(source: OptionSource, base: PathBase): VaultConnection {
  const ca = readOption(source, OPTIONS['ca-cert']);
  const cert = readOption(source, OPTIONS['client-cert']);
  const key = readOption(source, OPTIONS['client-key']);
  if ((cert.value === '') !== (key.value === '')) {
    const absent = cert.value === '' ? cert : key;
    throw new InputError(`${absent.source}: missing — give both client-cert and client-key (mutual TLS) or neither`);
  }
  const asFile = (raw: RawValue) =>
    raw.value && !raw.value.startsWith('-----BEGIN ') ? absolute(raw.value, base) : undefined;
  const pem = (raw: RawValue) => (raw.value ? readPem(raw.source, asFile(raw) ?? raw.value) : undefined);
  const caPem = pem(ca);
  const certPem = pem(cert);
  const keyPem = pem(key);
  const tls: VaultTlsOptions = {
    ...(caPem ? { caCert: caPem } : {}),
    ...(certPem ? { clientCert: certPem } : {}),
    ...(keyPem ? { clientKey: keyPem } : {}),
    skipVerify: readOption(source, OPTIONS['tls-skip-verify']),
  };
  const tlsFiles = {
    ...(asFile(ca) ? { caCert: asFile(ca) as string } : {}),
    ...(asFile(cert) ? { clientCert: asFile(cert) as string } : {}),
    ...(asFile(key) ? { clientKey: asFile(key) as string } : {}),
  };
  return Object.freeze({
    vaultAddr: readOption(source, OPTIONS['vault-addr']),
    namespace: readOption(source, OPTIONS.namespace),
    tls: Object.freeze(tls),
    tlsFiles: Object.freeze(tlsFiles),
    timeoutMs: readOption(source, OPTIONS.timeout),
  });
}

export function parseLoginOptions(source: OptionSource): LoginOptions {
  const method = readOption(source, OPTIONS.method);
  if (method === 'cert') {
    for (const name of ['client-cert', 'client-key'] as const) {
      if (!isGiven(source, name)) continue;
      const given = rawValue(source, OPTIONS[name]).source;
      throw new InputError(
        `${given} and ${rawValue(source, OPTIONS.method).source} cert are mutually exclusive: with method cert the ` +
          `X.509-SVID is the client certificate — remove ${given} (and its key), or use method jwt`,
      );
    }
  }
  const authPath = readOption(source, OPTIONS['auth-path']);
  return Object.freeze({
    method,
    role: readOption(source, OPTIONS.role),
    audiences: readOption(source, OPTIONS.audience),
    authPath: authPath || (method === 'cert' ? DEFAULT_CERT_AUTH_PATH : DEFAULT_AUTH_PATH),
    socketAddress: readOption(source, OPTIONS['socket-path']),
    spiffeId: readOption(source, OPTIONS['spiffe-id']),
    maxTokenTtlSeconds: readOption(source, OPTIONS['max-token-ttl']),
    defaulted: Object.freeze({ socket: !isGiven(source, 'socket-path'), audience: !isGiven(source, 'audience') }),
  });
}

export function parseTransitOptions(source: OptionSource): TransitOptions {
  return Object.freeze({
    transitPath: readOption(source, OPTIONS['transit-path']),
    transitKey: readOption(source, OPTIONS['transit-key']),
    keyVersion: readOption(source, OPTIONS['key-version']),
  });
}

export function parseBlobOutputOptions(source: OptionSource, base: PathBase): BlobOutputOptions {
  const signatureDir = readOption(source, OPTIONS['signature-dir']);
  return Object.freeze({
    signatureDir: signatureDir ? absolute(signatureDir, base) : '',
    bundle: readOption(source, OPTIONS.bundle),
    ifNoFilesFound: readOption(source, OPTIONS['if-no-files-found']),
  });
}

export function parseImageSigningOptions(source: OptionSource): ImageSigningOptions {
  return Object.freeze({
    format: readOption(source, OPTIONS['image-signature-format']),
    annotations: readOption(source, OPTIONS.annotations),
    recursive: readOption(source, OPTIONS.recursive),
    registryInsecure: readOption(source, OPTIONS['registry-insecure']),
  });
}

export function parseProxyOptions(source: OptionSource, base: PathBase): ProxyOptions {
  const listen = readOption(source, OPTIONS['proxy-listen']);
  return Object.freeze({
    allow: readOption(source, OPTIONS['proxy-allow']),
    listen: parseListenAddress(listen.value, { source: listen.source, cwd: base.cwd }),
    listenSource: listen.source,
  });
}

/**
 * The attestations a run signs: SLSA provenance with `provenance`, and the predicate file with
 * `attest-predicate`; empty for none. A bad file or type fails here, before any login.
 */
export function parseAttestationRequests(source: OptionSource, base: PathBase): readonly AttestationRequest[] {
  const requests: AttestationRequest[] = [];
  if (readOption(source, OPTIONS.provenance)) {
    requests.push({ predicateType: SLSA_PROVENANCE_V1, predicate: { kind: 'provenance' } });
  }
  const file = readOption(source, OPTIONS['attest-predicate']);
  const type = readOption(source, OPTIONS['attest-type']);
  if (file.value === '') {
    if (type.value !== '') {
      throw new InputError(
        `${type.source}: a predicate type without a predicate — give ${file.source} too, or drop ${type.source}`,
      );
    }
    return Object.freeze(requests);
  }
  const shortName = type.value || 'custom';
  const predicateType = parsePredicateType(shortName, type.source);
  const path = absolute(file.value, base);
  const value = readPredicateFile(path, {
    predicateType,
    ...(PREDICATE_TYPES[shortName] ? { shortName } : {}),
    source: file.source,
  });
  requests.push({ predicateType, predicate: { kind: 'file', value, path } });
  return Object.freeze(requests);
}

/** Whether the user set the option anywhere (front end or environment). */
export function isGiven(source: OptionSource, name: keyof typeof OPTIONS): boolean {
  const row = OPTIONS[name];
  return rawValue(source, { ...row, default: '' }).value !== '';
}

function absolute(path: string, base: PathBase): string {
  return isAbsolute(path) ? path : resolve(base.cwd, path);
}
