/** `spiffe-vault revoke`: revoke the token in $VAULT_TOKEN (or $BAO_TOKEN). */
import { InputError } from '../../core/errors.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { parseVaultConfig } from '../config.ts';
import { OUTPUT_FLAGS, VAULT_FLAGS } from '../flags.ts';

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke $VAULT_TOKEN (after eval "$(spiffe-vault auth …)")',
  usage: ['spiffe-vault revoke [flags]'],
  description: [
    'Revokes the token in $VAULT_TOKEN (or $BAO_TOKEN) with auth/token/revoke-self. A token that',
    'already expired or was revoked counts as revoked (exit 0).',
  ].join('\n'),
  groups: [VAULT_FLAGS, OUTPUT_FLAGS],
  examples: ['eval "$(spiffe-vault auth -role ci)"', 'vault kv get secret/app', 'spiffe-vault revoke'],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const token = ctx.env.VAULT_TOKEN?.trim() || ctx.env.BAO_TOKEN?.trim() || '';
    ctx.logger.redact(token);
    if (!token) throw new InputError('VAULT_TOKEN: not set — there is no token to revoke');
    const config = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const { revokeSelf } = await import('../../core/vault/token.ts');
    const { cliVaultClient } = await import('../vault.ts');
    // Unlike the routine that cleans up after us, `revoke` is asked for: a failure fails it.
    const outcome = await revokeSelf(cliVaultClient(ctx, { connection: config }), token);
    ctx.logger.info(
      outcome === 'revoked' ? 'Revoked the Vault token.' : 'The Vault token had already expired or been revoked.',
    );
    if (flags.values.json === true) printJson(ctx, { revoked: true, alreadyGone: outcome === 'already-gone' });
    return 0;
  },
};
