import * as core from '@actions/core';
import type { IdentityLoginResult } from '../core/login.ts';
import type { ActionConfig } from './inputs.ts';

/** The job summary: who logged in where, with what rights, until when. No secrets. */
export async function writeLoginSummary(config: ActionConfig, result: IdentityLoginResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addHeading('Vault login with SPIFFE identity', 3)
    .addTable([
      [
        { data: 'What', header: true },
        { data: 'Value', header: true },
      ],
      ['SPIFFE ID', result.spiffeId],
      ['Vault', config.vaultAddr + (config.namespace ? ` (namespace ${config.namespace})` : '')],
      ['Role', `${config.role} (auth/${config.authPath})`],
      ['Policies', result.token.policies.join(', ') || '(none)'],
      ['Token expires', `${result.token.expiresAt.toISOString()} (ttl ${result.token.ttlSeconds} s)`],
      ['Revoked at job end', config.revoke ? 'yes' : 'no'],
    ])
    .write();
}
