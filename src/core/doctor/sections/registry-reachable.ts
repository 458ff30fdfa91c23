/**
 * `registry.reachable`: `GET /v2/` answers, over https or, for loopback and --registry-insecure
 * hosts, plain http, and says which authentication the registry asks for (the credentials and
 * push checks build on that). One unauthenticated request, no retries: a preflight says what it
 * saw.
 */
import { parseAuthChallenge } from '../../oci/challenge.ts';
import { RegistryHttpError } from '../../oci/errors.ts';
import { header, type HttpSend } from '../../oci/transport.ts';
import { describeError } from '../../errors.ts';
import { fail, ok, type CheckResult } from '../check.ts';

const ID = 'registry.reachable';
const TITLE = 'registry reachable';

/** What the registry asks of clients at /v2/: nothing, Basic credentials, or Bearer tokens from a realm. */
export type RegistryAuthScheme = 'none' | 'basic' | 'bearer' | 'other';

export interface Reachability {
  readonly check: CheckResult;
  /** Set when the registry answered as a registry. */
  readonly scheme?: RegistryAuthScheme;
}

const PLAIN_HTTP_ANSWERS = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
const UNTRUSTED_CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/;

export async function checkReachable(send: HttpSend, at: { host: string; baseUrl: string }): Promise<Reachability> {
  const { host, baseUrl } = at;
  const url = `${baseUrl}/v2/`;
  let status: number;
  let wwwAuthenticate: string | undefined;
  let body: string;
  try {
    const response = await send({ method: 'GET', url: new URL(url), headers: { 'user-agent': 'spiffe-vault-action' } });
    status = response.status;
    wwwAuthenticate = header(response, 'www-authenticate');
    body = response.body.toString('utf8').slice(0, 200);
  } catch (error: unknown) {
    return { check: noAnswer(error, { host, url }) };
  }
  if (status === 200) return { check: ok(ID, TITLE, `${url} answered 200 (no authentication asked)`), scheme: 'none' };
  if (status === 401) {
    const challenge = parseAuthChallenge(wwwAuthenticate);
    const scheme: RegistryAuthScheme =
      challenge?.scheme === 'basic' ? 'basic' : challenge?.scheme === 'bearer' ? 'bearer' : 'other';
    const realm = challenge?.params.realm ? ` from ${originOf(challenge.params.realm)}` : '';
    const asks =
      scheme === 'bearer'
        ? `Bearer tokens${realm}`
        : scheme === 'basic'
          ? 'Basic credentials'
          : `'${challenge?.scheme ?? 'no'}' authentication`;
    return { check: ok(ID, TITLE, `${url} answered 401: asks for ${asks}`), scheme };
  }
  if (status === 400 && baseUrl.startsWith('http:') && /https/i.test(body)) {
    return {
      check: fail(ID, TITLE, `${url} answered 400: ${host} speaks https, not plain http`, {
        code: 'REGISTRY_PROTOCOL_ERROR',
        reason: 'speaks-https',
        fix: `remove ${host} from --registry-insecure`,
      }),
    };
  }
  const unavailable = status >= 500 || status === 429;
  return {
    check: fail(ID, TITLE, `${url} answered ${status}${status === 404 ? ': no registry API there' : ''}`, {
      code: unavailable ? 'REGISTRY_UNAVAILABLE' : 'REGISTRY_PROTOCOL_ERROR',
      reason: unavailable ? 'server-error' : 'unexpected-status',
      fix: unavailable
        ? 'check that the registry is up, then run again'
        : `check the registry host in the image reference (${host}): its API is at /v2/`,
      commands: [`curl -sSI ${url}`],
    }),
  };
}

function noAnswer(error: unknown, at: { host: string; url: string }): CheckResult {
  const { host, url } = at;
  const code = error instanceof RegistryHttpError ? (error.socketCode ?? '') : '';
  const message = describeError(error);
  const seen = `no answer from ${url} (${code && !message.includes(code) ? `${code}: ` : ''}${message})`;
  const https = url.startsWith('https:');
  if (https && (PLAIN_HTTP_ANSWERS.has(code) || /wrong version number|packet length/i.test(message))) {
    return fail(ID, TITLE, seen, {
      code: 'REGISTRY_UNAVAILABLE',
      reason: 'speaks-http',
      fix: `${host} answers plain http: name it in --registry-insecure (only for a registry on a network you trust)`,
    });
  }
  if (https && UNTRUSTED_CERTIFICATE.test(code)) {
    return fail(ID, TITLE, seen, {
      code: 'REGISTRY_UNAVAILABLE',
      reason: 'certificate-untrusted',
      fix: `the certificate of ${host} is not trusted here: give Node its CA (NODE_EXTRA_CA_CERTS=/path/to/ca.pem)`,
    });
  }
  return fail(ID, TITLE, seen, {
    code: 'REGISTRY_UNAVAILABLE',
    reason: 'no-answer',
    fix: `check the registry host and port (${host}) and that it is up and reachable from here`,
    commands: [`curl -sSI ${url}`],
  });
}

function originOf(realm: string): string {
  try {
    const url = new URL(realm);
    return `${url.origin}${url.pathname}`;
  } catch {
    return realm;
  }
}
