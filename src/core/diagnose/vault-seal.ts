/**
 * A Vault server that cannot serve requests yet: not initialized, or sealed (by hand, after a
 * restart, or because its auto-unseal KMS is out of reach). Read from sys/seal-status, which
 * answers in every state; runs meet the same server as 503 "Vault is sealed" (VAULT_SEALED).
 */
import type { VaultFinding } from './vault.ts';

export interface SealContext {
  readonly address: string;
  /** The server's own CLI (`bao` or `vault`) for the commands. */
  readonly cli: string;
  /** sys/seal-status: the seal type, threshold, shares and progress. */
  readonly type?: string | undefined;
  readonly threshold?: number | undefined;
  readonly progress?: number | undefined;
}

export function notInitializedFinding(context: SealContext): VaultFinding {
  const init = `${context.cli} operator init`;
  return {
    code: 'VAULT_SEALED',
    area: 'vault',
    reason: 'not-initialized',
    what: `${context.address} has not been initialized`,
    why: 'a server that was never initialized has no keys and stays sealed',
    fix: `initialize it (\`${init}\`; keep the unseal keys and root token it prints safe), then unseal it`,
    commands: [init],
  };
}

export function sealedFinding(context: SealContext): VaultFinding {
  const { cli } = context;
  const type = context.type ?? 'shamir';
  const status = `${cli} status`;
  if (type !== 'shamir') {
    return {
      code: 'VAULT_SEALED',
      area: 'vault',
      reason: 'sealed',
      what: `${context.address} is sealed`,
      why: `it unseals itself with its '${type}' seal, which has not happened`,
      fix: `check that the '${type}' seal's key service is reachable from the server (see the server log and \`${status}\`)`,
      commands: [status],
    };
  }
  const unseal = `${cli} operator unseal`;
  const shares = context.threshold ?? 1;
  return {
    code: 'VAULT_SEALED',
    area: 'vault',
    reason: 'sealed',
    what: `${context.address} is sealed`,
    why: `${context.progress ?? 0} of the ${shares} unseal key share${shares === 1 ? '' : 's'} it needs have been given`,
    fix: `unseal it: run \`${unseal}\` with one key share at a time until ${shares} have been given`,
    commands: [unseal, status],
  };
}
