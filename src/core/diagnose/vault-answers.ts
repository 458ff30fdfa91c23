/**
 * What Vault and OpenBao say, recognised: the one place that reads their error text. Both
 * dialects are handled where they differ (HashiCorp Vault v1.21 and OpenBao v2.6; the unit tests
 * hold their real answers):
 * - an invalid or revoked token: Vault 403 "2 errors occurred: * permission denied * invalid
 *   token", OpenBao 403 "permission denied" alone (so OpenBao's 403 is ambiguous);
 * - a request body over the JSON limits: Vault 500 "JSON array exceeds allowed element count"
 *   (and its other "JSON … exceeds allowed …" limits), OpenBao 400 "refused JSON input due to
 *   high complexity".
 */

/** A Vault answer reduced to what is safe to keep (the shape of VaultHttpError). */
export interface VaultAnswer {
  /** HTTP status; undefined when no answer came (connection or TLS failure). */
  readonly status?: number | undefined;
  readonly vaultErrors: readonly string[];
  readonly socketCode?: string | undefined;
}

/**
 * The server's error strings, one per item: go-multierror's "2 errors occurred:\n\t* a\n\t* b"
 * (how Vault joins several) becomes ['a', 'b'].
 */
export function serverWords(vaultErrors: readonly string[]): string[] {
  return vaultErrors
    .flatMap((text) => text.replace(/^\s*\d+ errors? occurred:/, '').split(/\n\s*\*\s+|^\s*\*\s+/))
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .filter((part) => part !== '');
}

/** "403 permission denied; invalid token": the status and the server's words on one line. */
export function answerLine(answer: VaultAnswer): string {
  return `${answer.status ?? ''} ${serverWords(answer.vaultErrors).join('; ')}`.trim();
}

const TLS_SOCKET_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** The connection failed in the TLS handshake (an unknown CA, a wrong host name, http vs https). */
export function isTlsAnswer(answer: VaultAnswer): boolean {
  const code = answer.socketCode;
  return code !== undefined && (TLS_SOCKET_CODES.has(code) || code.startsWith('ERR_SSL'));
}

function says(answer: VaultAnswer, pattern: RegExp): boolean {
  return serverWords(answer.vaultErrors).some((words) => pattern.test(words));
}

/** 503 "Vault is sealed" (OpenBao says "Vault" too). */
export function isSealedAnswer(answer: VaultAnswer): boolean {
  return answer.status === 503 && says(answer, /sealed/i);
}

/**
 * A 403 that names the token invalid (HashiCorp Vault). OpenBao answers a dead token with a bare
 * "permission denied", the same as a live token without the rights: ask lookup-self to tell.
 */
export function isInvalidTokenAnswer(answer: VaultAnswer): boolean {
  return answer.status === 403 && says(answer, /^invalid token$/i);
}

/** Any 403 (missing rights, a dead token, or a missing auth mount at login). */
export function isForbiddenAnswer(answer: VaultAnswer): boolean {
  return answer.status === 403;
}

/** The request body broke the server's JSON limits or size: a smaller batch may pass. */
export function isBatchTooLargeAnswer(answer: VaultAnswer): boolean {
  if (answer.status === 413) return true;
  if (answer.status === 400) return says(answer, /high complexity|too large|exceeded maximum/i);
  if (answer.status === 500) return says(answer, /^JSON .*exceeds allowed/i);
  return false;
}

/** 404 "no handler for route …": nothing is mounted at that path. */
export function isNoRouteAnswer(answer: VaultAnswer): boolean {
  return answer.status === 404 && says(answer, /no handler for route/i);
}

/** The transit key is missing: 404 on a read, 400 "… key not found" on a sign. */
export function isKeyMissingAnswer(answer: VaultAnswer): boolean {
  return answer.status === 404 || (answer.status === 400 && says(answer, /key not found/i));
}

/** Why the JWT auth method refused a login, from its words (both servers share the plugin's). */
export type JwtLoginRefusal =
  | 'namespace-missing'
  | 'auth-mount-missing'
  | 'role-not-found'
  | 'role-type-oidc'
  | 'jwt-expired'
  | 'jwt-not-yet-valid'
  | 'algorithm-not-allowed'
  | 'audiences-unbound'
  | 'audience-mismatch'
  | 'user-claim-missing'
  | 'claims-mismatch'
  | 'subject-mismatch'
  | 'issuer-mismatch'
  | 'jwt-unverifiable'
  | 'login-refused';

/**
 * Checked in order: the first that matches wins ("… (exp) claim: token is expired" is about exp;
 * "error validating claims: claim \"sub\" does not match any associated bound claim values" is
 * about bound_claims, not bound_subject, whose refusal is "invalid subject (sub) claim").
 */
const LOGIN_REFUSALS: readonly (readonly [JwtLoginRefusal, RegExp])[] = [
  // OpenBao: 404 for a namespace that does not exist (Vault Community Edition ignores namespaces).
  ['namespace-missing', /namespace not found/i],
  ['role-not-found', /role .* could not be found/i],
  // role_type defaults to oidc (browser logins), which refuses a JWT given directly.
  ['role-type-oidc', /oidc role_type is not allowed/i],
  ['jwt-expired', /\(exp\) claim|token is expired/i],
  ['jwt-not-yet-valid', /\((?:nbf|iat)\) claim/i],
  // jwt_supported_algs lacks the JWT-SVID's algorithm (SPIRE signs with ES256).
  ['algorithm-not-allowed', /\(alg\) header|unexpected algorithm/i],
  // The role has no bound_audiences; JWT-SVIDs always carry aud (Vault 1.16.3+ and OpenBao).
  ['audiences-unbound', /no audiences bound/i],
  ['audience-mismatch', /audience|\baud\b/i],
  // user_claim names a claim the token does not carry.
  ['user-claim-missing', /claim ".*" not found in token/i],
  ['claims-mismatch', /bound claim|error validating claims/i],
  ['issuer-mismatch', /\(iss\) claim/i],
  ['subject-mismatch', /subject|\bsub\b/i],
  ['claims-mismatch', /claim/i],
  ['jwt-unverifiable', /signature|public key|jwks|keys|algorithm/i],
];

/** The claim a refusal names (`claim "foo" is missing`), or undefined. */
export function claimNamed(answer: VaultAnswer): string | undefined {
  return /claim "([^"]+)"/.exec(serverWords(answer.vaultErrors).join('; '))?.[1];
}

/** Classifies a refused JWT login (4xx below 500, not sealed). */
export function jwtLoginRefusal(answer: VaultAnswer): JwtLoginRefusal {
  // Without a token, a login to a path where no auth method is mounted is a bare 403.
  if (answer.status === 403) return 'auth-mount-missing';
  if (isNoRouteAnswer(answer)) return 'auth-mount-missing';
  const words = serverWords(answer.vaultErrors).join('; ');
  return LOGIN_REFUSALS.find(([, pattern]) => pattern.test(words))?.[0] ?? 'login-refused';
}

/** The cert auth method refused a certificate without a subject CN (OpenBao: a 500, final all the same). */
export function isMissingAliasNameAnswer(answer: VaultAnswer): boolean {
  return says(answer, /missing name in alias/i);
}
