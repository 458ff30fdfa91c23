import { VaultError, VaultHttpError, isSealed, isTlsFailure } from './errors.ts';
import { summarize, type VaultClient } from './client.ts';

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

interface LoginResponse {
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
    throw describeLoginFailure(client, options, error);
  }
  const auth = response.auth;
  if (!auth?.client_token) {
    throw new VaultError(
      'VAULT_REQUEST_FAILED',
      `${loginContext(client, options)}: the answer held no auth.client_token — is ${client.address} a Vault server?`,
    );
  }
  const ttlSeconds = auth.lease_duration ?? 0;
  const now = options.now ?? Date.now;
  return {
    token: auth.client_token,
    accessor: auth.accessor ?? '',
    policies: auth.policies ?? auth.token_policies ?? [],
    ttlSeconds,
    renewable: auth.renewable ?? false,
    expiresAt: new Date(now() + ttlSeconds * 1000),
  };
}

export interface TokenLookup {
  readonly ttlSeconds: number;
  readonly expireTime: string | null;
  readonly policies: readonly string[];
  readonly accessor: string;
}

export async function lookupSelf(client: VaultClient, token: string): Promise<TokenLookup> {
  try {
    const { data } = await client.request<{
      data: { ttl: number; expire_time: string | null; policies: string[]; accessor: string };
    }>({ method: 'GET', path: '/auth/token/lookup-self', token });
    return { ttlSeconds: data.ttl, expireTime: data.expire_time, policies: data.policies, accessor: data.accessor };
  } catch (error: unknown) {
    throw describeFailure(client, 'look up the Vault token', error);
  }
}

/** Revokes the token. A token that is already gone (expired or revoked) counts as revoked. */
export async function revokeSelf(client: VaultClient, token: string): Promise<'revoked' | 'already-gone'> {
  try {
    await client.request({ method: 'POST', path: '/auth/token/revoke-self', token });
    return 'revoked';
  } catch (error: unknown) {
    // Vault answers 403 for a token it no longer knows: it expired or was revoked already.
    if (error instanceof VaultHttpError && error.status === 403) return 'already-gone';
    throw describeFailure(client, 'revoke the Vault token', error, 'VAULT_REVOKE_FAILED');
  }
}

/** Throws (after the caller revokes) when Vault issued a token that lives longer than allowed. */
export function assertTokenTtl(token: VaultToken, maxTtlSeconds: number | undefined, role: string): void {
  if (maxTtlSeconds === undefined || token.ttlSeconds <= maxTtlSeconds) return;
  throw new VaultError(
    'VAULT_TOKEN_TTL_EXCEEDED',
    `Vault issued a token for role '${role}' that lives ${token.ttlSeconds} s, longer than the allowed ${maxTtlSeconds} s; ` +
      `it was revoked — lower the role's token_ttl/token_max_ttl, or raise max-token-ttl`,
  );
}

function loginContext(client: VaultClient, options: JwtLoginOptions): string {
  const ns = options.namespace ?? client.namespace;
  return (
    `failed to log in to Vault at ${client.address} with role '${options.role}' ` +
    `(auth path '${trimSlashes(options.authPath)}'${ns ? `, namespace '${ns}'` : ''})`
  );
}

function describeLoginFailure(client: VaultClient, options: JwtLoginOptions, error: unknown): VaultError {
  if (!(error instanceof VaultHttpError) || error.status === undefined || error.status >= 500 || isSealed(error)) {
    return describeFailure(client, 'log in', error, undefined, loginContext(client, options));
  }
  const text = error.vaultErrors.join('; ');
  const path = trimSlashes(options.authPath);
  const context = `${loginContext(client, options)}: ${error.status} ${text}`;
  let hint = 'check the role and the JWT auth configuration';
  if (error.status === 403) {
    hint = `there is no JWT auth method at 'auth/${path}' here — check auth-path (\`vault auth list\`) and the namespace`;
  } else if (/role .* could not be found/i.test(text)) {
    hint = `check the role name (\`vault list auth/${path}/role\`)`;
  } else if (/audience|\baud\b/i.test(text)) {
    hint = `the JWT-SVID was issued for audience '${options.audience ?? '?'}', which is not in the role's bound_audiences — set audience to one of them (\`vault read auth/${path}/role/${options.role}\`)`;
  } else if (/subject|sub\b|claim/i.test(text)) {
    hint = `the SPIFFE ID '${options.spiffeId ?? '?'}' does not match the role's bound_subject/bound_claims (\`vault read auth/${path}/role/${options.role}\`)`;
  } else if (/signature|public key|jwks|keys/i.test(text)) {
    hint = `Vault cannot verify the JWT-SVID: give auth/${path}/config SPIRE's JWT keys (jwks_url or jwt_validation_pubkeys) and jwt_supported_algs`;
  }
  return new VaultError('VAULT_LOGIN_DENIED', `${context} — ${hint}`, { cause: error, status: error.status });
}

/** Maps failures that are not specific to one endpoint: unreachable, TLS, sealed, denied. */
export function describeFailure(
  client: VaultClient,
  action: string,
  error: unknown,
  code?: VaultError['code'],
  context = `failed to ${action} at ${client.address}`,
): VaultError {
  if (!(error instanceof VaultHttpError)) {
    return new VaultError(code ?? 'VAULT_REQUEST_FAILED', `${context}: ${summarize(error)}`, { cause: error });
  }
  const status = error.status;
  if (isTlsFailure(error)) {
    return new VaultError(
      code ?? 'VAULT_TLS_FAILED',
      `${context}: TLS failed (${error.socketCode}: ${error.message}) — give the CA that signed Vault's certificate with ca-cert, or check vault-addr's scheme and host`,
      { cause: error },
    );
  }
  if (status === undefined) {
    return new VaultError(
      code ?? 'VAULT_UNREACHABLE',
      `${context}: Vault did not answer (${error.socketCode}: ${error.message}) — check vault-addr, that Vault runs and that this runner can reach it (proxy: HTTPS_PROXY/NO_PROXY)`,
      { cause: error },
    );
  }
  if (isSealed(error)) {
    return new VaultError(
      code ?? 'VAULT_SEALED',
      `${context}: Vault is sealed — unseal it (\`vault operator unseal\`) and retry`,
      {
        cause: error,
        status,
      },
    );
  }
  const detail = `${status} ${error.vaultErrors.join('; ')}`.trim();
  if (status === 403) {
    return new VaultError(
      code ?? 'VAULT_PERMISSION_DENIED',
      `${context}: ${detail} — the token's policies do not allow this`,
      {
        cause: error,
        status,
      },
    );
  }
  return new VaultError(code ?? 'VAULT_REQUEST_FAILED', `${context}: ${detail}`, { cause: error, status });
}

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, '');
}
