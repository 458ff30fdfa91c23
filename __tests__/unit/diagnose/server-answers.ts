// Real answers (HTTP status + the `errors` array) of OpenBao and HashiCorp Vault to the failures
// the classifiers handle. Where each came from:
// - OPENBAO: captured from OpenBao v2.6.2 (dd9c19c3, `bao server -dev`, the binary the project's
//   installer builds) on 2026-11-30, with a JWT auth mount, a transit mount and an ecdsa-p256 key
//   set up as scripts/stack/up.sh sets them up; __tests__/integration/diagnose.test.ts asks the
//   stack's OpenBao again and fails when an answer here no longer matches it.
// - VAULT: captured the same day with the same requests from HashiCorp Vault v1.21.4 (`vault server
//   -dev`, built from the Go module proxy as the installer builds it). It answers as OpenBao does
//   but for a dead token and the JSON limits; where it agrees, the entry points at OpenBao's.
//   The stack runs OpenBao only, so no test re-asks Vault: re-capture after a Vault upgrade.

export interface RecordedAnswer {
  readonly status: number;
  readonly errors: readonly string[];
}

export const OPENBAO = {
  /** JWT login with a role the mount does not have. */
  unknownRole: { status: 400, errors: ['role "no-such-role" could not be found'] },
  /** JWT login (no token) to a path where no auth method is mounted. */
  noAuthMount: { status: 403, errors: ['permission denied'] },
  /** JWT login with X-Vault-Namespace naming a namespace that does not exist. */
  noNamespace: { status: 404, errors: ['namespace not found'] },
  /** A JWT-SVID for an audience the role does not bind. */
  wrongAudience: {
    status: 400,
    errors: [
      'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
    ],
  },
  /** A JWT-SVID whose sub is not the role's bound_subject. */
  wrongSubject: { status: 400, errors: ['error validating token: invalid subject (sub) claim'] },
  /** An expired JWT-SVID. */
  expired: {
    status: 400,
    errors: ['error validating token: invalid expiration time (exp) claim: token is expired'],
  },
  /** A JWT-SVID signed by a key the auth method does not have. */
  unverifiable: {
    status: 400,
    errors: [
      'error validating token: error verifying token signature: no known key successfully validated the token signature',
    ],
  },
  /** A JWT login with a role written without role_type (so oidc, the default). */
  roleTypeOidc: { status: 400, errors: ['role with oidc role_type is not allowed'] },
  /** A JWT-SVID (it always has aud) to a role without bound_audiences. */
  audiencesUnbound: { status: 400, errors: ['audience claim found in JWT but no audiences bound to the role'] },
  /** A JWT-SVID (ES256) when the JWT config's jwt_supported_algs is [RS256]. */
  algorithmNotAllowed: {
    status: 400,
    errors: [
      'error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm',
    ],
  },
  /** A JWT-SVID whose sub is not the role's bound_claims.sub. */
  boundClaimMismatch: {
    status: 400,
    errors: ['error validating claims: claim "sub" does not match any associated bound claim values'],
  },
  /** A role whose bound_claims names a claim JWT-SVIDs do not carry. */
  boundClaimMissing: { status: 400, errors: ['error validating claims: claim "foo" is missing'] },
  /** A role whose user_claim names a claim JWT-SVIDs do not carry. */
  userClaimMissing: { status: 400, errors: ['claim "email" not found in token'] },
  /** The mount probe: a login naming an existing jwt role and no JWT. */
  probeRoleExists: { status: 400, errors: ['missing token'] },
  /** The mount probe to a JWT auth method, naming no role. */
  probeJwtMount: { status: 400, errors: ['missing role'] },
  /** The mount probe to a cert auth method over plain http. */
  probeCertMount: { status: 400, errors: ['no client certificate found'] },
  /** A login, with a token, to a path where no auth method is mounted. */
  noAuthMountWithToken: {
    status: 404,
    errors: ['no handler for route "auth/nowhere/login". route entry not found.'],
  },
  /** Any request to a sealed server. */
  sealed: { status: 503, errors: ['Vault is sealed'] },
  /** A revoked token (lookup-self, or any request). */
  invalidToken: { status: 403, errors: ['permission denied'] },
  /** transit sign with a live token whose policies lack the path. */
  signDenied: { status: 403, errors: ['1 error occurred:\n\t* permission denied\n\n'] },
  /** Reading a transit key that does not exist. */
  keyMissingRead: { status: 404, errors: [] },
  /** Signing with a transit key that does not exist. */
  keyMissingSign: { status: 400, errors: ['signing key not found'] },
  /** Reading a key under a mount where nothing is mounted. */
  noTransitMount: { status: 404, errors: ['no handler for route "no-such-mount/keys/cosign". route entry not found.'] },
  /** A sign batch over the listener's JSON string limit. */
  batchTooLarge: {
    status: 400,
    errors: ['refused JSON input due to high complexity: exceeded maximum number of strings'],
  },
} as const satisfies Record<string, RecordedAnswer>;

export const VAULT = {
  unknownRole: OPENBAO.unknownRole,
  noAuthMount: OPENBAO.noAuthMount,
  wrongAudience: OPENBAO.wrongAudience,
  wrongSubject: OPENBAO.wrongSubject,
  expired: OPENBAO.expired,
  unverifiable: OPENBAO.unverifiable,
  roleTypeOidc: OPENBAO.roleTypeOidc,
  audiencesUnbound: OPENBAO.audiencesUnbound,
  algorithmNotAllowed: OPENBAO.algorithmNotAllowed,
  boundClaimMismatch: OPENBAO.boundClaimMismatch,
  boundClaimMissing: OPENBAO.boundClaimMissing,
  userClaimMissing: OPENBAO.userClaimMissing,
  probeRoleExists: OPENBAO.probeRoleExists,
  probeJwtMount: OPENBAO.probeJwtMount,
  /** Vault's cert auth method over plain http. */
  probeCertMount: { status: 400, errors: ['tls connection required'] },
  noAuthMountWithToken: OPENBAO.noAuthMountWithToken,
  sealed: OPENBAO.sealed,
  /** Vault names the dead token (lookup-self, sign, revoke-self alike), wrapped by go-multierror. */
  invalidToken: { status: 403, errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] },
  signDenied: OPENBAO.signDenied,
  keyMissingRead: OPENBAO.keyMissingRead,
  keyMissingSign: OPENBAO.keyMissingSign,
  noTransitMount: OPENBAO.noTransitMount,
  /** The HTTP layer's JSON limits answer 500 (listener setting max_json_array_element_count, 10,000). */
  batchTooLarge: { status: 500, errors: ['JSON array exceeds allowed element count'] },
} as const satisfies Record<string, RecordedAnswer>;
