/**
 * How Vault's JWT auth method learns SPIRE's JWT keys: a JWKS URL (SPIRE's OIDC discovery
 * provider, which follows key rotation) or the keys themselves as PEM, converted from a SPIFFE
 * JWT bundle (a JWKS: `spire-server bundle show -format spiffe`, or what the Workload API sends).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { describeError, InputError } from '../errors.ts';
import { jwtSigningKeys } from '../spiffe/jwt-claims.ts';

/**
 * The algorithms SPIRE signs JWT-SVIDs with: ES256 (ec-p256, its default), ES384 (ec-p384) and
 * RS256 (rsa-2048/4096). Vault still checks each token against the key that signed it.
 */
export const SPIRE_JWT_ALGORITHMS: readonly string[] = Object.freeze(['ES256', 'ES384', 'RS256']);

export type JwtKeySource =
  | { readonly kind: 'jwks-url'; readonly url: string }
  | {
      readonly kind: 'pems';
      readonly pems: readonly string[];
      /** Where the keys came from, for the printed comment. */
      readonly from: string;
    };

/** The body of `auth/<path>/config`. */
export interface JwtAuthConfig {
  readonly jwks_url?: string;
  readonly jwt_validation_pubkeys?: readonly string[];
  readonly jwt_supported_algs: readonly string[];
}

export function jwtAuthConfig(source: JwtKeySource): JwtAuthConfig {
  return source.kind === 'jwks-url'
    ? { jwks_url: source.url, jwt_supported_algs: SPIRE_JWT_ALGORITHMS }
    : { jwt_validation_pubkeys: source.pems, jwt_supported_algs: SPIRE_JWT_ALGORITHMS };
}

/** The JWT-SVID signing keys of a SPIFFE bundle as SPKI PEMs; `what` names the bundle in errors. */
export function jwtKeyPems(bundle: JSONWebKeySet, what: string): string[] {
  const keys = jwtSigningKeys(bundle).keys;
  if (keys.length === 0) {
    throw new InputError(
      `${what} has no JWT-SVID keys (none with "use": "jwt-svid"): is it SPIRE's bundle in SPIFFE format ` +
        '(`spire-server bundle show -format spiffe`)?',
    );
  }
  return keys.map((key, index) => {
    try {
      const pem = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      return pem.toString();
    } catch (error: unknown) {
      throw new InputError(`${what}: key ${key.kid ?? index} is not a public key: ${describeError(error)}`, {
        cause: error,
      });
    }
  });
}

/** Reads a SPIFFE bundle file (a JWKS); `flag` names the option in errors. */
export function readBundleFile(path: string, flag: string): JSONWebKeySet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    throw new InputError(`${flag}: cannot read '${path}': ${describeError(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new InputError(
      `${flag}: '${path}' is not JSON — give SPIRE's bundle in SPIFFE format (spire-server bundle show -format spiffe)`,
      { cause: error },
    );
  }
  if (!isJwks(parsed)) {
    throw new InputError(`${flag}: '${path}' is not a JWKS (an object with a "keys" array)`);
  }
  return parsed;
}

function isJwks(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}
