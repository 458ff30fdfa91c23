/**
 * Vault Community Edition has no namespaces: it ignores X-Vault-Namespace, so a login with a
 * namespace quietly happens in the root namespace. OpenBao and Vault Enterprise honour it.
 * When a namespace is set, one unauthenticated `sys/health` tells which kind of server this is.
 */
import type { VaultClient } from './client.ts';

/** sys/health answering 200 whatever the state (sealed, uninitialized, standby), so the body says it. */
export const HEALTH_IN_ANY_STATE_PATH = '/sys/health?standbyok=true&perfstandbyok=true&sealedcode=200&uninitcode=200';

export interface NamespaceHealth {
  readonly version?: string;
  /** Present on HashiCorp Vault only; false for the Community Edition. */
  readonly enterprise?: boolean;
}

/** The warning for a namespace given to a server whose sys/health answer is `health`, if any. */
export function ignoredNamespaceMessage(health: NamespaceHealth, namespace: string): string | undefined {
  if (!namespace || health.enterprise !== false) return undefined;
  return (
    `Vault ${health.version ?? ''} Community Edition has no namespaces: namespace '${namespace}' is ignored and ` +
    'the token works in the root namespace — leave namespace empty, or use Vault Enterprise or OpenBao'
  ).replace('Vault  ', 'Vault ');
}

/** The warning to give, or undefined when the namespace is honoured (or the server cannot say). */
export async function ignoredNamespaceWarning(vault: VaultClient, namespace: string): Promise<string | undefined> {
  if (!namespace) return undefined;
  let health: NamespaceHealth;
  try {
    health = await vault.request<NamespaceHealth>({
      method: 'GET',
      path: HEALTH_IN_ANY_STATE_PATH,
      namespace: '',
    });
  } catch {
    return undefined; // sealed, standby or unreachable: the login that follows says what is wrong
  }
  return ignoredNamespaceMessage(health, namespace);
}
