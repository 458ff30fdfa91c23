/**
 * The fix for each refused JWT login, with the exact command that applies it. Facts the
 * commands rely on (HashiCorp Vault v1.21 and OpenBao v2.6 alike):
 * - `vault write auth/P/role/R field=value` changes only the fields given, except role_type:
 *   left out, it is set to its default, oidc (a role without allowed_redirect_uris is then
 *   refused, one with them silently becomes a browser-login role). Every role command below
 *   therefore says `role_type=jwt`.
 * - `vault write auth/P/config …` replaces the whole config (a write without the keys is refused:
 *   "exactly one of 'jwt_validation_pubkeys', 'jwks_url', … must be set"), and the config does not
 *   take PATCH (405): the algorithm fix reads the config and writes it back with one field changed.
 * - bound_claims is a map: the CLI's `field=value` cannot give one ("expected a map"), so its fix
 *   writes JSON on stdin, read from the role as it is.
 */
import type { LoginContext, VaultFinding } from './vault.ts';
import type { JwtLoginRefusal } from './vault-answers.ts';

/** SPIRE's JWT-SVID algorithm unless its keys are RSA: what the fixes name when not told. */
export const DEFAULT_JWT_SVID_ALGORITHM = 'ES256';

/** A value as one shell word (SPIFFE IDs and audiences need no quoting; anything else is quoted). */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `vault write auth/P/role/R role_type=jwt k=v…`: changes the fields given and keeps the rest. */
export function roleWriteCommand(
  target: Pick<LoginContext, 'authPath' | 'role'>,
  fields: Readonly<Record<string, string>>,
): string {
  const pairs = Object.entries({ role_type: 'jwt', ...fields }).map(([key, value]) => `${key}=${shellWord(value)}`);
  return `vault write auth/${target.authPath}/role/${target.role} ${pairs.join(' ')}`;
}

/** Adds `algorithm` to jwt_supported_algs, keeping the rest of the config (keys, issuer…). */
export function algorithmFixCommand(authPath: string, algorithm: string): string {
  const config = `auth/${authPath}/config`;
  return `vault read -format=json ${config} | jq '.data | .jwt_supported_algs += ["${algorithm}"]' | vault write ${config} -`;
}

/** Rewrites the role's bound_claims: drops `drop`, sets `set` (claim → value), keeps the others. */
export function boundClaimsFixCommand(
  target: Pick<LoginContext, 'authPath' | 'role'>,
  change: { readonly drop?: readonly string[]; readonly set: Readonly<Record<string, string>> },
): string {
  const role = `auth/${target.authPath}/role/${target.role}`;
  const dropped = (change.drop ?? []).reduce(
    (filter, claim) => `${filter} | del(.${JSON.stringify(claim)})`,
    '.bound_claims',
  );
  const filter = `.data | {role_type, bound_claims: ((${dropped}) + ${JSON.stringify(change.set)})}`;
  return `vault read -format=json ${role} | jq '${filter.replace(/'/g, `'\\''`)}' | vault write ${role} -`;
}

type Fix = Pick<VaultFinding, 'fix' | 'commands'>;

/** The fix for a refused JWT login; `claim` is the claim the server's answer names, if any. */
export function jwtLoginFix(reason: JwtLoginRefusal, context: LoginContext, claim?: string): Fix {
  const path = context.authPath;
  const readRole = `vault read auth/${path}/role/${context.role}`;
  const audience = context.audience;
  const spiffeId = context.spiffeId;
  switch (reason) {
    case 'namespace-missing':
      return {
        fix: `there is no namespace '${context.namespace ?? ''}' on this server — check the namespace input (\`bao namespace list\`), or leave it empty for the root namespace`,
        commands: ['bao namespace list'],
      };
    case 'auth-mount-missing':
      return {
        fix: `there is no JWT auth method at 'auth/${path}' here — check auth-path (\`vault auth list\`) and the namespace`,
        commands: ['vault auth list'],
      };
    case 'role-not-found':
      return {
        fix: `check the role name (\`vault list auth/${path}/role\`)`,
        commands: [`vault list auth/${path}/role`],
      };
    case 'role-type-oidc': {
      const command = roleWriteCommand(context, {});
      return {
        fix: `the role's role_type is oidc (the default when a role is written without role_type), for browser logins; a JWT-SVID needs role_type=jwt: \`${command}\` (and give role_type=jwt in every later write of the role)`,
        commands: [command],
      };
    }
    case 'jwt-expired':
    case 'jwt-not-yet-valid':
      return {
        fix: "Vault's clock and the SPIRE agent's disagree, or the JWT-SVID outlived its TTL before it was used: check both clocks and the SVID TTL",
      };
    case 'algorithm-not-allowed': {
      const algorithm = context.algorithm ?? DEFAULT_JWT_SVID_ALGORITHM;
      const command = algorithmFixCommand(path, algorithm);
      return {
        fix: `auth/${path}/config's jwt_supported_algs lacks ${algorithm}, the JWT-SVID's algorithm; a write to the config replaces all of it, so add ${algorithm} to the config as it is: \`${command}\``,
        commands: [command],
      };
    }
    case 'audiences-unbound':
    case 'audience-mismatch': {
      const seen =
        reason === 'audiences-unbound'
          ? 'the role binds no audience, and a JWT-SVID always has one'
          : `the JWT-SVID was issued for audience '${audience ?? '?'}', which is not in the role's bound_audiences`;
      if (audience === undefined) return { fix: `${seen} (\`${readRole}\`)`, commands: [readRole] };
      const command = roleWriteCommand(context, { bound_audiences: audience });
      const other = reason === 'audience-mismatch' ? `, or set audience to one the role binds (\`${readRole}\`)` : '';
      return { fix: `${seen} — bind it: \`${command}\`${other}`, commands: [command] };
    }
    case 'user-claim-missing': {
      const command = roleWriteCommand(context, { user_claim: 'sub' });
      return {
        fix: `the role's user_claim names a claim${claim ? ` ('${claim}')` : ''} JWT-SVIDs do not carry; use sub, the SPIFFE ID: \`${command}\``,
        commands: [command],
      };
    }
    case 'claims-mismatch':
      return claimsFix(context, claim, readRole);
    case 'issuer-mismatch':
      return {
        fix: `the JWT-SVID's issuer is not the role's bound_issuer (\`vault read auth/${path}/config\`)`,
        commands: [`vault read auth/${path}/config`],
      };
    case 'subject-mismatch': {
      if (spiffeId === undefined) {
        return { fix: `the SPIFFE ID does not match the role's bound_subject (\`${readRole}\`)`, commands: [readRole] };
      }
      const command = roleWriteCommand(context, { bound_subject: spiffeId });
      return {
        fix: `the SPIFFE ID '${spiffeId}' is not the role's bound_subject — bind it: \`${command}\``,
        commands: [command],
      };
    }
    case 'jwt-unverifiable':
      return {
        fix: `Vault cannot verify the JWT-SVID: give auth/${path}/config SPIRE's JWT keys (jwks_url or jwt_validation_pubkeys) and jwt_supported_algs`,
      };
    case 'login-refused':
      return { fix: 'check the role and the JWT auth configuration' };
  }
}

/** bound_claims refused the token: bind the claim to the SPIFFE ID (sub), or drop a claim SVIDs lack. */
function claimsFix(context: LoginContext, claim: string | undefined, readRole: string): Fix {
  const spiffeId = context.spiffeId;
  const general = `the JWT-SVID does not satisfy the role's bound_claims${claim ? ` (claim '${claim}')` : ''} (\`${readRole}\`)`;
  if (spiffeId === undefined || claim === undefined) return { fix: general, commands: [readRole] };
  const command =
    claim === 'sub'
      ? boundClaimsFixCommand(context, { set: { sub: spiffeId } })
      : boundClaimsFixCommand(context, { drop: [claim], set: { sub: spiffeId } });
  const what =
    claim === 'sub'
      ? `bound_claims.sub does not match the SPIFFE ID '${spiffeId}'`
      : `a JWT-SVID carries no claim '${claim}' unless its issuer adds it: bind the SPIFFE ID (sub) instead`;
  return {
    fix: `${what}; bound_claims is a map, written as JSON, keeping its other claims: \`${command}\``,
    commands: [command],
  };
}
