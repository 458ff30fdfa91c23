/** Registry authentication: Basic and Bearer challenges answered with the registry's credentials. */
import type { Clock } from '../retry.ts';
import { parseAuthChallenge, type AuthChallenge } from './challenge.ts';
import type { RegistryCredentials } from './docker-config.ts';
import { tokenServiceRefused } from '../diagnose/registry.ts';
import { ociErrorFrom, OciError, RegistryHttpError } from './errors.ts';
import { MAX_TOKEN_RESPONSE_BYTES } from './limits.ts';
import { isLoopbackHost } from './reference.ts';
import { header, type HttpSend } from './transport.ts';

/** Where a request goes and what it needs: registry (as named), API base URL, token scope. */
export interface AuthTarget {
  readonly registry: string;
  /** `http(s)://host[:port]` of the registry API. */
  readonly baseUrl: string;
  /** e.g. `repository:team/app:pull,push`. */
  readonly scope: string;
}

export type ChallengeAnswer = 'retry' | 'no-credentials';

const DEFAULT_TOKEN_LIFETIME_S = 60;
const CLIENT_ID = 'spiffe-vault-action';

/**
 * The distribution auth flows: Basic (credentials on every request once the registry asked for
 * them) and Bearer (a token from the challenge's realm for the challenge's service and scope,
 * anonymous or with credentials, or an OAuth2 refresh-token grant for an `identitytoken`),
 * cached per host and scope until shortly before it expires. Tokens and credentials are never
 * put in messages.
 */
export class RegistryAuthenticator {
  private readonly tokens = new Map<string, { value: string; expiresAt: number }>();
  /** The Basic header per registry base URL, once the registry asked for Basic. */
  private readonly basicHeaders = new Map<string, string>();
  private readonly send: HttpSend;
  private readonly credentials: (registry: string) => Promise<RegistryCredentials | undefined>;
  private readonly clock: Clock;
  private readonly plainHttpAllowed: (host: string) => boolean;

  constructor(options: {
    send: HttpSend;
    /** Looked up only when a registry asks for credentials (a credential helper may run). */
    credentials: (registry: string) => Promise<RegistryCredentials | undefined>;
    clock: Clock;
    /** Hosts (host[:port]) a token realm may name over plain http; default loopback only. */
    plainHttpAllowed?: (host: string) => boolean;
  }) {
    this.send = options.send;
    this.credentials = options.credentials;
    this.clock = options.clock;
    this.plainHttpAllowed = options.plainHttpAllowed ?? isLoopbackHost;
  }

  /** The Authorization header for a request, if we hold one. */
  authorization(target: AuthTarget): string | undefined {
    const basic = this.basicHeaders.get(target.baseUrl);
    if (basic) return basic;
    const token = this.tokens.get(tokenKey(target.baseUrl, target.scope));
    if (token && token.expiresAt > this.clock.now()) return `Bearer ${token.value}`;
    return undefined;
  }

  /** After a 401: obtains what the challenge asks for. 'retry' when there is something new to send. */
  async answer(target: AuthTarget, wwwAuthenticate: string | undefined): Promise<ChallengeAnswer> {
    const challenge = parseAuthChallenge(wwwAuthenticate);
    if (challenge?.scheme === 'basic') {
      const basic = basicHeader(await this.credentials(target.registry));
      if (!basic || this.basicHeaders.has(target.baseUrl)) return 'no-credentials';
      this.basicHeaders.set(target.baseUrl, basic);
      return 'retry';
    }
    if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
      throw new OciError(
        'REGISTRY_PROTOCOL_ERROR',
        `registry ${target.registry} answered 401 with an unusable challenge '${wwwAuthenticate ?? ''}' (expected Bearer realm=… or Basic)`,
        { host: target.registry, status: 401 },
      );
    }
    const token = await this.fetchToken(target, { challenge, creds: await this.credentials(target.registry) });
    this.tokens.set(tokenKey(target.baseUrl, target.scope), token);
    return 'retry';
  }

  private async fetchToken(
    target: AuthTarget,
    answer: { readonly challenge: AuthChallenge; readonly creds: RegistryCredentials | undefined },
  ): Promise<{ value: string; expiresAt: number }> {
    const { challenge, creds } = answer;
    const realm = parseRealm(target, challenge.params.realm ?? '');
    if (realm.protocol === 'http:' && !this.plainHttpAllowed(realm.host)) throw insecureRealm(target, realm);
    const service = challenge.params.service ?? '';
    const scope = challenge.params.scope || target.scope;
    let response;
    if (creds?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: creds.identityToken,
        service,
        scope,
        client_id: CLIENT_ID,
      });
      response = await this.send({
        method: 'POST',
        url: realm,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
      });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
      const authorization = basicHeader(creds);
      response = await this.send({
        method: 'GET',
        url,
        headers: authorization ? { authorization } : {},
        maxResponseBytes: MAX_TOKEN_RESPONSE_BYTES,
      });
    }
    if (response.status === 401 || response.status === 403) {
      const refused = tokenServiceRefused({
        host: target.registry,
        realm: `${realm.origin}${realm.pathname}`,
        scope,
        withCredentials: creds !== undefined,
        status: response.status,
      });
      throw ociErrorFrom(refused, { host: target.registry });
    }
    if (response.status >= 500 || response.status === 429) {
      throw new RegistryHttpError({
        status: response.status,
        message: `token service ${realm.origin} answered ${response.status}`,
        headers: response.headers,
      });
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(response.body.toString('utf8')) as typeof body;
    } catch {
      body = {};
    }
    const value = typeof body.access_token === 'string' ? body.access_token : body.token;
    if (response.status !== 200 || typeof value !== 'string' || value === '') {
      throw new OciError(
        'REGISTRY_PROTOCOL_ERROR',
        `the token service of registry ${target.registry} (${realm.origin}) answered ${response.status} without a token` +
          ` (content type ${header(response, 'content-type') ?? 'none'})`,
        { host: target.registry, status: response.status },
      );
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    // Renew 10% early so a token does not expire between the check and the request.
    return { value, expiresAt: this.clock.now() + lifetime * 900 };
  }
}

function tokenKey(baseUrl: string, scope: string): string {
  return `${baseUrl} ${scope}`;
}

function basicHeader(creds: RegistryCredentials | undefined): string | undefined {
  if (!creds?.username) return undefined;
  return `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`;
}

function parseRealm(target: AuthTarget, realm: string): URL {
  try {
    const url = new URL(realm, target.baseUrl);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // fall through
  }
  throw new OciError(
    'REGISTRY_PROTOCOL_ERROR',
    `registry ${target.registry} named the token realm '${realm}', which is not an http(s) URL`,
    { host: target.registry },
  );
}

/** A plain-http realm on a host the user did not allow: the credentials would travel in clear. */
function insecureRealm(target: AuthTarget, realm: URL): OciError {
  return new OciError(
    'REGISTRY_INSECURE_REALM',
    `registry ${target.registry} sends logins to the token service ${realm.origin}${realm.pathname} over plain http, ` +
      `and ${realm.host} is not allowed plain http: its credentials and tokens would travel unencrypted — ` +
      `if that token service really serves only http, list ${realm.host} in registry-insecure`,
    { host: target.registry },
  );
}
