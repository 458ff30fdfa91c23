/** The job summary of a login: who logged in where, with what rights, until when. No secrets. */
import type { LoginToken } from '../core/login/types.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';

export async function writeLoginSummary(
  runner: ActionRunner,
  {
    config,
    first,
    proxyAddr,
  }: { readonly config: ActionConfig; readonly first: LoginToken; readonly proxyAddr: string | undefined },
): Promise<void> {
  const { connection, login } = config;
  await runner.writeSummary({
    heading: 'Vault login with SPIFFE identity',
    rows: [
      ['What', 'Value'],
      ['SPIFFE ID', first.spiffeId],
      ['Vault', connection.vaultAddr + (connection.namespace ? ` (namespace ${connection.namespace})` : '')],
      ['Role', `${login.role} (auth/${login.authPath})`],
      ['Policies', first.policies.join(', ') || '(none)'],
      ['Token expires', `${first.expiresAt.toISOString()} (ttl ${first.ttlSeconds} s)`],
      ['Later steps', laterSteps(config, proxyAddr)],
      ['Revoked at job end', config.revoke || proxyAddr !== undefined ? 'yes' : 'no'],
    ],
  });
}

function laterSteps(config: ActionConfig, proxyAddr: string | undefined): string {
  if (proxyAddr !== undefined) return `reach Vault through the job-local proxy (${proxyAddr}); no token exported`;
  return config.exportToken ? 'VAULT_TOKEN exported' : 'no token exported';
}
