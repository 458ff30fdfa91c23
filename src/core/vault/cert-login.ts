/**
 * Login with Vault's cert auth method: the client certificate presented in the TLS handshake is
 * the credential, so the request body only names the role. The client given must present the
 * X.509-SVID (VaultTlsOptions.clientCert/clientKey).
 */
import { diagnoseCertLogin } from '../diagnose/cert-login.ts';
import { loginAnswerWithoutToken, type LoginContext } from '../diagnose/vault.ts';
import { trimSlashes } from '../parse.ts';
import type { VaultClient } from './client.ts';
import { vaultErrorFrom } from './errors.ts';
import { tokenFromLogin, type LoginResponse, type VaultToken } from './token.ts';

export interface CertLoginOptions {
  /** Mount path of the cert auth method, without `auth/` (e.g. `cert`). */
  readonly authPath: string;
  /** The role (`auth/<path>/certs/<role>`), sent as `name`. */
  readonly role: string;
  /** For error messages only: the SVID's SPIFFE ID. */
  readonly spiffeId?: string;
  readonly now?: () => number;
}

export async function loginWithCert(client: VaultClient, options: CertLoginOptions): Promise<VaultToken> {
  const authPath = trimSlashes(options.authPath);
  const context: LoginContext = {
    address: client.address,
    role: options.role,
    authPath,
    namespace: client.namespace,
    ...(options.spiffeId !== undefined ? { spiffeId: options.spiffeId } : {}),
  };
  let response: LoginResponse;
  try {
    response = await client.request<LoginResponse>({
      method: 'POST',
      path: `/auth/${authPath}/login`,
      body: { name: options.role },
    });
  } catch (error: unknown) {
    throw vaultErrorFrom(diagnoseCertLogin(error, context), error);
  }
  return tokenFromLogin(response, {
    now: options.now ?? Date.now,
    withoutToken: () => vaultErrorFrom(loginAnswerWithoutToken(context)),
  });
}
