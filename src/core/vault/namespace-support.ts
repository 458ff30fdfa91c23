/**
 * Vault Community Edition has no namespaces: it ignores X-Vault-Namespace, so a login with a
 * namespace quietly happens in the root namespace. OpenBao and Vault Enterprise honour it.
 * When a namespace is set, one unauthenticated `sys/health` tells which kind of server this is.
 */
import type { VaultClient } from './client.ts';

interface Health {
  readonly version?: string;
  /** Present on HashiCorp Vault only; false for the Community Edition. */
  readonly enterprise?: boolean;
}

/** The warning to give, or undefined when the namespace is honoured (or the server cannot say). */
export async function ignoredNamespaceWarning(vault: VaultClient, namespace: string): Promise<string | undefined> {
  if (!namespace) return undefined;
  let health: Health;
  try {
    health = await vault.request<Health>({
      method: 'GET',
      path: '/sys/health?standbyok=true&perfstandbyok=true&sealedcode=200&uninitcode=200',
      namespace: '',
    });
  } catch {
    return undefined; // sealed, standby or unreachable: the login that follows says what is wrong
  }
  if (health.enterprise !== false) return undefined;
  return (
    `Vault ${health.version ?? ''} Community Edition has no namespaces: namespace '${namespace}' is ignored and ` +
    'the token works in the root namespace — leave namespace empty, or use Vault Enterprise or OpenBao'
  ).replace('Vault  ', 'Vault ');
}
