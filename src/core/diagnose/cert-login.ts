/**
 * A refused cert-auth login (X.509-SVID over mutual TLS), classified from the server's words.
 * The two servers word it differently (HashiCorp Vault v1.21, OpenBao v2.6; the unit tests hold
 * their real answers):
 * - no client certificate in the handshake: Vault "client certificate must be supplied",
 *   OpenBao "no client certificate found" (a listener with tls_disable_client_certs, or a proxy
 *   that ends TLS in front of Vault);
 * - an SVID without a subject CN: both "missing name in alias" (the alias is named after the CN);
 * - OpenBao tells a chain the role does not trust ("invalid certificate or no client certificate
 *   supplied", also for a role that does not exist) from a trusted chain whose URI SAN the role
 *   does not allow ("no chain matching all constraints could be found …");
 * - Vault says "failed to match all constraints for this login certificate" for all three.
 */
import { diagnoseLoginFailure, type LoginContext, type VaultFinding } from './vault.ts';
import { isMissingAliasNameAnswer, isNoRouteAnswer, serverWords } from './vault-answers.ts';
import { VaultHttpError } from '../vault/errors.ts';

export type CertLoginRefusal =
  | 'namespace-missing'
  | 'auth-mount-missing'
  | 'no-client-certificate'
  | 'certificate-without-cn'
  | 'uri-san-mismatch'
  | 'certificate-untrusted'
  | 'certificate-not-accepted'
  | 'login-refused';

const CERT_REFUSALS: readonly (readonly [CertLoginRefusal, RegExp])[] = [
  ['namespace-missing', /namespace not found/i],
  ['no-client-certificate', /client certificate must be supplied|no client certificate found/i],
  ['certificate-without-cn', /missing name in alias/i],
  ['uri-san-mismatch', /no chain matching all constraints/i],
  ['certificate-untrusted', /invalid certificate or no client certificate supplied/i],
  ['certificate-not-accepted', /failed to match all constraints/i],
];

/** Classifies a refused cert login (4xx below 500, not sealed). */
export function certLoginRefusal(answer: Pick<VaultHttpError, 'status' | 'vaultErrors'>): CertLoginRefusal {
  if (answer.status === 403 || isNoRouteAnswer(answer)) return 'auth-mount-missing';
  const words = serverWords(answer.vaultErrors).join('; ');
  return CERT_REFUSALS.find(([, pattern]) => pattern.test(words))?.[0] ?? 'login-refused';
}

/** A failed cert login: a refusal by the cert auth method, or any request failure. */
export function diagnoseCertLogin(error: unknown, context: LoginContext): VaultFinding {
  return diagnoseLoginFailure(error, {
    context,
    refusedAnyway: isMissingAliasNameAnswer,
    refusal: (answer) => {
      const reason = certLoginRefusal(answer);
      return { reason, ...certLoginFix(reason, context) };
    },
  });
}

function certLoginFix(reason: CertLoginRefusal, context: LoginContext): Pick<VaultFinding, 'fix' | 'commands'> {
  const path = context.authPath;
  const readRole = `vault read auth/${path}/certs/${context.role}`;
  const id = context.spiffeId ?? '?';
  switch (reason) {
    case 'namespace-missing':
      return {
        fix: `there is no namespace '${context.namespace ?? ''}' on this server — check the namespace input`,
        commands: ['bao namespace list'],
      };
    case 'auth-mount-missing':
      return {
        fix: `there is no cert auth method at 'auth/${path}' here — enable it (\`vault auth enable cert\`) or check auth-path (\`vault auth list\`)`,
        commands: ['vault auth list'],
      };
    case 'no-client-certificate':
      return {
        fix:
          'Vault saw no client certificate: its listener must request one (remove tls_disable_client_certs from the listener), ' +
          'and nothing between this runner and Vault may end TLS (a load balancer must pass TLS through); vault-addr must be https',
      };
    case 'certificate-without-cn':
      return {
        fix:
          "the cert auth method names its identity alias after the certificate's subject CN, and X.509-SVIDs have none by default: " +
          `give the workload's registration entry a DNS name (\`spire-server entry create … -dns NAME\`; SPIRE puts the first in the CN)`,
      };
    case 'uri-san-mismatch':
      return {
        fix: `the X.509-SVID for ${id} is trusted, but the role's allowed_uri_sans do not allow that SPIFFE ID (\`${readRole}\`)`,
        commands: [readRole],
      };
    case 'certificate-untrusted':
      return {
        fix:
          `the role does not trust the X.509-SVID's chain: set its certificate to SPIRE's X.509 bundle (\`spire-server bundle show\`), ` +
          `or check the role name (\`vault list auth/${path}/certs\`)`,
        commands: [readRole, `vault list auth/${path}/certs`, 'spire-server bundle show'],
      };
    case 'certificate-not-accepted':
      return {
        fix:
          `no role '${context.role}' accepts the X.509-SVID for ${id}: check that the role exists (\`vault list auth/${path}/certs\`), ` +
          `that its allowed_uri_sans allow ${id}, and that its certificate is SPIRE's X.509 bundle (\`${readRole}\`, \`spire-server bundle show\`)`,
        commands: [`vault list auth/${path}/certs`, readRole, 'spire-server bundle show'],
      };
    case 'login-refused':
      return { fix: `check the role (\`${readRole}\`) and the cert auth method's configuration` };
  }
}
