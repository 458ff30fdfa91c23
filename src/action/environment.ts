import * as core from '@actions/core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionConfig } from './inputs.ts';

/**
 * Exports what later steps (vault CLI, cosign's hashivault:// KMS, OpenBao's bao) read. The
 * token is already masked. The CA goes out as a file path, since that is what they all take.
 */
export function exportVaultEnvironment(config: ActionConfig, token: string): void {
  core.exportVariable('VAULT_ADDR', config.vaultAddr);
  if (config.namespace) core.exportVariable('VAULT_NAMESPACE', config.namespace);
  // cosign's hashivault:// KMS reads the transit mount from here.
  core.exportVariable('TRANSIT_SECRET_ENGINE_PATH', config.signing.transitPath);
  const caFile = caCertFile(config);
  if (caFile) core.exportVariable('VAULT_CACERT', caFile);
  if (config.tls.skipVerify) core.exportVariable('VAULT_SKIP_VERIFY', 'true');
  if (config.exportToken) {
    core.exportVariable('VAULT_TOKEN', token);
  } else {
    core.info('export-token is false: VAULT_TOKEN is not exported to later steps');
  }
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
