/** The Vault server checks that stand alone: is the connection's TLS sound, does the namespace exist. */
import { answerOf, diagnoseLogin } from '../../diagnose/vault.ts';
import type { VaultConnection } from '../../options/config.ts';
import type { VaultClient } from '../../vault/client.ts';
import { tlsSkipVerifyWarning } from '../../vault/connect.ts';
import { ignoredNamespaceMessage } from '../../vault/namespace-support.ts';
import { failFromFinding, ok, warn, type CheckResult } from '../check.ts';
import type { DoctorPlan, ServerInfo } from '../plan.ts';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Called once the server answered: the scheme, and how the certificate was trusted. */
export function tlsCheck(connection: VaultConnection): CheckResult {
  const url = new URL(connection.vaultAddr);
  const skipVerify = tlsSkipVerifyWarning(connection);
  if (skipVerify) {
    return warn('vault.tls', 'TLS trusted', skipVerify, {
      fix: "give the CA that signed Vault's certificate (--ca-cert FILE, VAULT_CACERT; the action's ca-cert input) and turn tls-skip-verify off",
    });
  }
  if (url.protocol === 'http:') {
    if (LOOPBACK.test(url.hostname))
      return ok('vault.tls', 'TLS trusted', 'plain http to this machine: no TLS to check');
    return warn(
      'vault.tls',
      'TLS trusted',
      `plain http to ${url.host}: the JWT-SVID and the Vault token cross the network unencrypted`,
      {
        fix: 'give Vault a TLS listener and write vault-addr with https://',
      },
    );
  }
  const ca = connection.tlsFiles.caCert ?? (connection.tls.caCert ? 'the given CA' : 'the system CAs');
  return ok('vault.tls', 'TLS trusted', `the certificate of ${url.host} is trusted (CA: ${ca})`);
}

/**
 * Whether the namespace exists, asked without a token: sys/internal/ui/mounts answers in any
 * namespace that exists and 404 "namespace not found" otherwise (OpenBao v2.6; Vault Enterprise
 * has the same endpoint). HashiCorp Vault's Community Edition ignores namespaces: a warning.
 */
export async function namespaceCheck(
  vault: VaultClient,
  seen: { readonly info: ServerInfo; readonly namespace: string; readonly plan: DoctorPlan },
): Promise<CheckResult> {
  const { info, namespace, plan } = seen;
  const ignored = info.flavour === 'vault' && !info.enterprise;
  const message = ignored
    ? ignoredNamespaceMessage({ version: info.version, enterprise: false }, namespace)
    : undefined;
  if (message)
    return warn('vault.namespace', 'namespace', message, { fix: 'leave namespace empty (VAULT_NAMESPACE unset)' });
  try {
    await vault.request({ method: 'GET', path: '/sys/internal/ui/mounts', namespace });
    return ok('vault.namespace', 'namespace', `namespace '${namespace}' exists`);
  } catch (error: unknown) {
    const finding = diagnoseLogin(error, {
      address: plan.connection.vaultAddr,
      role: plan.login.role,
      authPath: plan.login.authPath,
      namespace,
    });
    if (finding.reason === 'namespace-missing') return failFromFinding('vault.namespace', 'namespace', finding);
    return warn(
      'vault.namespace',
      'namespace',
      `could not tell whether namespace '${namespace}' exists (${answerOf(error)})`,
      {
        fix: 'the login check will say: a login to a namespace that does not exist is refused with "namespace not found"',
      },
    );
  }
}
