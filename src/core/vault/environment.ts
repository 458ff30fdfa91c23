/**
 * The environment later programs read to reach Vault with our token: the vault and bao CLIs,
 * cosign's hashivault:// KMS. One definition for the action's exports, `auth`'s eval lines and
 * `exec`'s child environment.
 */
import type { VaultConnection } from '../options/config.ts';

export interface VaultEnvironmentOptions {
  readonly token: string;
  readonly transitPath: string;
  /** The CA as a file, when it was given as PEM text and the adapter wrote it out. */
  readonly caCertFile?: string;
}

export function vaultEnvironment(
  connection: VaultConnection,
  options: VaultEnvironmentOptions,
): Record<string, string> {
  const env: Record<string, string> = {
    VAULT_ADDR: connection.vaultAddr,
    VAULT_TOKEN: options.token,
    // cosign's hashivault:// KMS reads the transit mount from here.
    TRANSIT_SECRET_ENGINE_PATH: options.transitPath,
  };
  if (connection.namespace) env.VAULT_NAMESPACE = connection.namespace;
  const caCert = connection.tlsFiles.caCert ?? options.caCertFile;
  if (caCert) env.VAULT_CACERT = caCert;
  if (connection.tlsFiles.clientCert && connection.tlsFiles.clientKey) {
    env.VAULT_CLIENT_CERT = connection.tlsFiles.clientCert;
    env.VAULT_CLIENT_KEY = connection.tlsFiles.clientKey;
  }
  if (connection.tls.skipVerify) env.VAULT_SKIP_VERIFY = 'true';
  return env;
}

/**
 * OpenBao's bao CLI prefers BAO_* to VAULT_*: where the caller's environment has a BAO_ twin of
 * one of ours (BAO_TOKEN, BAO_ADDR…), it gets our value too instead of winning over it.
 */
export function baoTwins(
  parent: Readonly<Record<string, string | undefined>>,
  vault: Readonly<Record<string, string>>,
): Record<string, string> {
  const twins: Record<string, string> = {};
  for (const [name, value] of Object.entries(vault)) {
    const bao = name.replace(/^VAULT_/, 'BAO_');
    if (bao !== name && parent[bao] !== undefined) twins[bao] = value;
  }
  return twins;
}

/**
 * VAULT_TOKEN for clients of the job-local proxy. Not a token: clients such as cosign refuse to
 * start without one, and the proxy replaces whatever a client sends with its own.
 */
export const PROXY_TOKEN_PLACEHOLDER = 'spiffe-vault-proxy';

/** The environment that points Vault clients at the proxy: its address, no token. */
export function proxyClientEnvironment(
  vaultAddr: string,
  options: { readonly transitPath: string },
): Record<string, string> {
  return {
    VAULT_ADDR: vaultAddr,
    VAULT_TOKEN: PROXY_TOKEN_PLACEHOLDER,
    TRANSIT_SECRET_ENGINE_PATH: options.transitPath,
  };
}
