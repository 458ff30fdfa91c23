import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionConfig } from './inputs.ts';

/**
 * What later steps (vault CLI, cosign's hashivault:// KMS, OpenBao's bao) read: the address,
 * namespace, transit mount and CA as a file path (what they all take), and the token.
 */
export function vaultEnvironment(config: ActionConfig, token: string): Record<string, string> {
  const env: Record<string, string> = {
    VAULT_ADDR: config.vaultAddr,
    // cosign's hashivault:// KMS reads the transit mount from here.
    TRANSIT_SECRET_ENGINE_PATH: config.signing.transitPath,
    VAULT_TOKEN: token,
  };
  if (config.namespace) env.VAULT_NAMESPACE = config.namespace;
  const caFile = caCertFile(config);
  if (caFile) env.VAULT_CACERT = caFile;
  if (config.tls.skipVerify) env.VAULT_SKIP_VERIFY = 'true';
  return env;
}

/** Exports the Vault environment to the following steps; the token only with export-token. */
export function exportVaultEnvironment(config: ActionConfig, token: string): void {
  for (const [name, value] of Object.entries(vaultEnvironment(config, token))) {
    if (name !== 'VAULT_TOKEN' || config.exportToken) core.exportVariable(name, value);
  }
  if (!config.exportToken) core.info('export-token is false: VAULT_TOKEN is not exported to later steps');
}

function caCertFile(config: ActionConfig): string | undefined {
  if (config.caCertInput) return config.caCertInput;
  if (!config.tls.caCert) return undefined;
  const dir = process.env.RUNNER_TEMP;
  if (!dir) return undefined;
  const file = join(dir, 'spiffe-vault-action-ca.pem');
  writeFileSync(file, config.tls.caCert, { mode: 0o644 });
  return file;
}
