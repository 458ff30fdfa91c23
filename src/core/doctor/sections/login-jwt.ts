/**
 * The JWT-SVID login itself, as a run does it, keeping what the answer says about the token
 * (its type) for the token checks. A refusal is classified by diagnoseLogin, the same finding a
 * failed run's error carries.
 */
import { decodeProtectedHeader } from 'jose';
import { diagnoseLogin, type LoginContext, type VaultFinding } from '../../diagnose/vault.ts';
import type { JwtSvid } from '../../spiffe/jwt-svid.ts';
import type { VaultClient } from '../../vault/client.ts';
import { tokenFromLogin, type LoginResponse, type VaultToken } from '../../vault/token.ts';
import type { SvidFacts } from './login-role.ts';

export type JwtLoginOutcome =
  | { readonly ok: true; readonly token: VaultToken; readonly tokenType: string | undefined }
  | { readonly ok: false; readonly finding: VaultFinding };

/** The JWT-SVID's facts for the comparisons: never the token itself. */
export function svidFacts(svid: JwtSvid): SvidFacts {
  let algorithm = '?';
  try {
    algorithm = decodeProtectedHeader(svid.token).alg ?? '?';
  } catch {
    // a token the Workload API gave us always has a header; '?' matches no algorithm list
  }
  return { spiffeId: svid.spiffeId, audiences: svid.audiences, claims: svid.claims, algorithm };
}

export async function attemptJwtLogin(
  vault: VaultClient,
  options: { readonly context: LoginContext; readonly jwt: string },
): Promise<JwtLoginOutcome> {
  const { context } = options;
  let response: LoginResponse & { auth?: { token_type?: string } };
  try {
    response = await vault.request({
      method: 'POST',
      path: `/auth/${context.authPath}/login`,
      body: { role: context.role, jwt: options.jwt },
    });
  } catch (error: unknown) {
    return { ok: false, finding: diagnoseLogin(error, context) };
  }
  const token = tokenFromLogin(response, {
    now: Date.now,
    withoutToken: () => new Error(`the login answer from ${context.address} held no token: is it a Vault server?`),
  });
  return { ok: true, token, tokenType: response.auth?.token_type };
}
