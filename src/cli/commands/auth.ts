/**
 * `spiffe-vault auth`: log in with the SPIFFE identity and print the token as shell exports for
 * eval.
 */
import { shellQuote } from '../args.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { parseLoginConfig, parseTransitConfig, parseVaultConfig } from '../config.ts';
import { vaultEnvironment } from '../../core/vault/environment.ts';
import { LOGIN_FLAGS, OUTPUT_FLAGS, TRANSIT_PATH_FLAG, VAULT_FLAGS } from '../flags.ts';

export const authCommand: Command = {
  name: 'auth',
  summary: 'log in to Vault with the SPIFFE identity; print the token as shell exports for eval',
  usage: ['eval "$(spiffe-vault auth --role ROLE [flags])"', 'spiffe-vault auth --role ROLE --json'],
  description: [
    'Fetches a JWT-SVID from the SPIFFE Workload API, logs in to Vault with it, and prints',
    'shell-quoted export lines (VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE when set,',
    'TRANSIT_SECRET_ENGINE_PATH, and VAULT_CACERT & co. when given as files) on stdout. The flags',
    'of the Go spiffe-vault CLI (-role, -audience, -authPath, -socketPath) work unchanged. The',
    'token is not revoked: run `spiffe-vault revoke` when done, or prefer `spiffe-vault exec`,',
    'which keeps the token out of the shell and always revokes it.',
  ].join('\n'),
  groups: [LOGIN_FLAGS, VAULT_FLAGS, TRANSIT_PATH_FLAG, OUTPUT_FLAGS],
  examples: [
    'export VAULT_ADDR=https://vault.example.com:8200',
    'eval "$(spiffe-vault auth -role ci)"',
    'vault kv get secret/app && spiffe-vault revoke',
    'spiffe-vault auth --role ci --audience vault --auth-path spiffe --namespace team-a',
    'spiffe-vault auth --role ci --json | jq -r .expiresAt',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const login = parseLoginConfig(flags.values, ctx.env);
    const { transitPath } = parseTransitConfig(flags.values, ctx.env);
    const { cliLogin } = await import('../vault.ts');
    const identity = cliLogin(ctx, { connection: vault, login });
    let result;
    try {
      result = await identity.login();
    } finally {
      identity.close();
    }
    const env = vaultEnvironment(vault, { token: result.token, transitPath });
    if (flags.values.json === true) {
      printJson(ctx, {
        vaultAddr: vault.vaultAddr,
        namespace: vault.namespace,
        token: result.token,
        accessor: result.accessor,
        spiffeId: result.spiffeId,
        policies: result.policies,
        ttlSeconds: result.ttlSeconds,
        expiresAt: result.expiresAt.toISOString(),
        env,
      });
    } else {
      ctx.out(
        Object.entries(env)
          .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
          .join(''),
      );
    }
    return 0;
  },
};
