/** Exports the Vault environment to the following steps; the token only with export-token. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baoTwins, proxyClientEnvironment, vaultEnvironment } from '../core/vault/environment.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';

export interface ExportOptions {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly token: string;
}

/** The variables later steps (and the run command) get: VAULT_* and their BAO_* twins. */
export function stepEnvironment({ runner, config, token }: ExportOptions): Record<string, string> {
  const caCertFile = inlineCaFile(runner, config);
  const env = vaultEnvironment(config.connection, {
    token,
    transitPath: config.transit.transitPath,
    ...(caCertFile ? { caCertFile } : {}),
  });
  return { ...env, ...baoTwins(runner.env, env) };
}

export function exportVaultEnvironment(options: ExportOptions): void {
  const { runner, config } = options;
  for (const [name, value] of Object.entries(stepEnvironment(options))) {
    if (!/^(VAULT|BAO)_TOKEN$/.test(name) || config.exportToken) runner.exportVariable(name, value);
  }
  if (!config.exportToken) runner.info('export-token is false: VAULT_TOKEN is not exported to later steps');
}

/** A CA given as PEM text is written to the runner's temp folder, so later steps can use it. */
function inlineCaFile(runner: ActionRunner, config: ActionConfig): string | undefined {
  const { tls, tlsFiles } = config.connection;
  if (tlsFiles.caCert || !tls.caCert || !runner.env.RUNNER_TEMP) return undefined;
  const file = join(runner.env.RUNNER_TEMP, 'spiffe-vault-action-ca.pem');
  writeFileSync(file, tls.caCert, { mode: 0o644 });
  return file;
}

/** With the proxy: later steps (and `run`) get its address and a placeholder token, nothing else. */
export function proxyStepEnvironment(
  runner: ActionRunner,
  config: ActionConfig,
  vaultAddr: string,
): Record<string, string> {
  const env = proxyClientEnvironment(vaultAddr, { transitPath: config.transit.transitPath });
  return { ...env, ...baoTwins(runner.env, env) };
}
