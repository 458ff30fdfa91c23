/**
 * The Vault token's life: JWT login, lookup-self, revoke-self and the TTL check. Failures are
 * classified by src/core/diagnose/vault.ts and thrown as VaultErrors carrying the finding.
 */
import {
  diagnoseLogin,
  diagnoseVaultRequest,
  loginAnswerWithoutToken,
  tokenTtlExceeded,
  type LoginContext,
} from '../diagnose/vault.ts';
import { isForbiddenAnswer } from '../diagnose/vault-answers.ts';
import { trimSlashes } from '../parse.ts';
import { VaultHttpError, vaultErrorFrom, type VaultError } from './errors.ts';
import type { VaultClient } from './client.ts';

/** A Vault token as the domain sees it. `token` is a secret: never log it. */
export interface VaultToken {
  readonly token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly ttlSeconds: number;
  readonly renewable: boolean;
  readonly expiresAt: Date;
}

export interface JwtLoginOptions {
  /** Mount path of the JWT auth method, without `auth/` (e.g. `jwt`). */
  readonly authPath: string;
  readonly role: string;
  /** The JWT-SVID. A secret. */
  readonly jwt: string;
  /** For error messages only: the SVID's audience and SPIFFE ID. */
  readonly audience?: string;
  readonly spiffeId?: string;
  /** Namespace to log in to, when it differs from the client's. */
  readonly namespace?: string;
  readonly now?: () => number;
}

/** A login answer, as every auth method gives it. */
export interface LoginResponse {
  auth?: {
    client_token?: string;
    accessor?: string;
    policies?: string[] | null;
    token_policies?: string[] | null;
    lease_duration?: number;
    renewable?: boolean;
  };
}

export async function loginWithJwt(client: VaultClient, options: JwtLoginOptions): Promise<VaultToken> {
  const path = `/auth/${trimSlashes(options.authPath)}/login`;
  let response: LoginResponse;
  try {
    response = await client.request<LoginResponse>({
      method: 'POST',
      path,
      body: { role: options.role, jwt: options.jwt },
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    });
  } catch (error: unknown) {
    throw vaultErrorFrom(diagnoseLogin(error, loginContext(client, options)), error);
  }
  return tokenFromLogin(response, {
    now: options.now ?? Date.now,
    withoutToken: () => vaultErrorFrom(loginAnswerWithoutToken(loginContext(client, options))),
  });
}

/**
 * A login answer's token (any auth method): throws `withoutToken()` when it holds none, or one
 * whose lease is not a count of seconds (its TTL could not be checked). Other fields of the
 * wrong type read as absent.
 */
export function tokenFromLogin(
  response: LoginResponse,
  options: { readonly now: () => number; readonly withoutToken: () => Error },
): VaultToken {
  const auth = (response as LoginResponse | null)?.auth;
  if (typeof auth?.client_token !== 'string' || auth.client_token === '') throw options.withoutToken();
  const ttlSeconds: unknown = auth.lease_duration ?? 0;
  if (!isSeconds(ttlSeconds)) throw options.withoutToken();
  const expiresAt = new Date(options.now() + ttlSeconds * 1000);
  if (Number.isNaN(expiresAt.getTime())) throw options.withoutToken();
  return {
    token: auth.client_token,
    accessor: typeof auth.accessor === 'string' ? auth.accessor : '',
    policies: stringsOf(auth.policies) ?? stringsOf(auth.token_policies) ?? [],
    ttlSeconds,
    renewable: auth.renewable === true,
    expiresAt,
  };
}

function isSeconds(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** The strings of a JSON array; undefined when it is not one. */
function stringsOf(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

export interface TokenLookup {
  readonly ttlSeconds: number;
  readonly expireTime: string | null;
  readonly policies: readonly string[];
  readonly accessor: string;
}

export async function lookupSelf(client: VaultClient, token: string): Promise<TokenLookup> {
  let response: { data?: { ttl?: unknown; expire_time?: unknown; policies?: unknown; accessor?: unknown } } | null;
  try {
    response = await client.request({ method: 'GET', path: '/auth/token/lookup-self', token });
  } catch (error: unknown) {
    throw requestFailure(client, { action: 'look up the Vault token', error });
  }
  const data = response?.data;
  if (typeof data !== 'object' || data === null || !isSeconds(data.ttl)) {
    throw vaultErrorFrom(
      diagnoseVaultRequest(new Error('the answer holds no data.ttl of whole seconds'), {
        what: `failed to look up the Vault token at ${client.address}`,
      }),
    );
  }
  return {
    ttlSeconds: data.ttl,
    expireTime: typeof data.expire_time === 'string' ? data.expire_time : null,
    policies: stringsOf(data.policies) ?? [],
    accessor: typeof data.accessor === 'string' ? data.accessor : '',
  };
}

/** Revokes the token. A token that is already gone (expired or revoked) counts as revoked. */
export async function revokeSelf(client: VaultClient, token: string): Promise<'revoked' | 'already-gone'> {
  try {
    await client.request({ method: 'POST', path: '/auth/token/revoke-self', token });
    return 'revoked';
  } catch (error: unknown) {
    // Vault and OpenBao answer 403 for a token they no longer know: it expired or was revoked.
    if (error instanceof VaultHttpError && isForbiddenAnswer(error)) return 'already-gone';
    throw requestFailure(client, { action: 'revoke the Vault token', error, code: 'VAULT_REVOKE_FAILED' });
  }
}

/** Throws (after the caller revokes) when Vault issued a token that lives longer than allowed. */
export function assertTokenTtl(
  token: VaultToken,
  limit: { readonly maxTtlSeconds: number | undefined; readonly role: string },
): void {
  const { maxTtlSeconds, role } = limit;
  if (maxTtlSeconds === undefined || token.ttlSeconds <= maxTtlSeconds) return;
  throw vaultErrorFrom(tokenTtlExceeded({ role, ttlSeconds: token.ttlSeconds, maxTtlSeconds }));
}

function loginContext(client: VaultClient, options: JwtLoginOptions): LoginContext {
  return {
    address: client.address,
    role: options.role,
    authPath: trimSlashes(options.authPath),
    namespace: options.namespace ?? client.namespace,
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
    ...(options.spiffeId !== undefined ? { spiffeId: options.spiffeId } : {}),
  };
}

/** A request failure as a VaultError: `failed to <action> at <address>: … — <fix>`. */
function requestFailure(
  client: VaultClient,
  failure: { readonly action: string; readonly error: unknown; readonly code?: VaultError['code'] },
): VaultError {
  const what = `failed to ${failure.action} at ${client.address}`;
  const code = failure.code ? { code: failure.code } : {};
  return vaultErrorFrom(diagnoseVaultRequest(failure.error, { what, ...code }), failure.error);
}
