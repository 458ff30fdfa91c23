/**
 * Reading a transit key: `GET /<mount>/keys/<key>` turned into what a signer pins (the version,
 * its public key PEM, cosign's key hint), with the type and version checks that make a wrong key
 * one clear error before anything is signed.
 */
import type { KeyObject } from 'node:crypto';
import { cosignKeyHint, describeKeyType, isP256Key, readPublicKeyPem } from '../ecdsa.ts';
import { diagnoseKeyRead } from '../diagnose/transit.ts';
import { VaultHttpError } from './errors.ts';
import { withToken, type AccessContext } from './transit-access.ts';
import {
  createKeyCommand,
  describeTarget,
  errorFromFinding,
  keyPath,
  keyUrlPath,
  TransitError,
  type TransitTarget,
} from './transit-errors.ts';

/** The key type this signer accepts: cosign's hashivault default, and what Node and Sigstore verify. */
export const SUPPORTED_TRANSIT_KEY_TYPE = 'ecdsa-p256';

/** The key version a signer pins, with what it hands out. */
export interface SigningKey {
  readonly keyVersion: number;
  readonly latestVersion: number;
  readonly publicKeyPem: string;
  readonly keyHint: string;
}

/** Reads the key with the provider's token, checks its type, and resolves and checks the version. */
export async function readSigningKey(ctx: AccessContext, requestedVersion: number | undefined): Promise<SigningKey> {
  const { client, target } = ctx;
  let response: unknown;
  try {
    response = await withToken(ctx, {
      operation: 'read',
      signedCount: 0,
      send: (token) => client.request({ method: 'GET', path: keyUrlPath(target), token }),
    });
  } catch (error: unknown) {
    throw keyReadFailure(target, error);
  }
  const info = transitKeyFromResponse(response, target);
  assertSupportedType(info, target);
  const keyVersion = resolveKeyVersion(info, { requested: requestedVersion, target });
  return {
    keyVersion,
    latestVersion: info.latestVersion,
    publicKeyPem: info.publicKeys.get(keyVersion) as string,
    keyHint: cosignKeyHint(publicKeyOf(info, { version: keyVersion, target })),
  };
}

function keyReadFailure(target: TransitTarget, error: unknown): Error {
  if (!(error instanceof VaultHttpError)) return error instanceof Error ? error : new Error(String(error));
  return errorFromFinding(diagnoseKeyRead(error, target), { cause: error });
}

/** `GET /v1/<mount>/keys/<key>` reduced to what signing needs. */
export interface TransitKeyInfo {
  readonly type: string;
  readonly latestVersion: number;
  readonly minEncryptionVersion: number;
  readonly minDecryptionVersion: number;
  /** Public keys (PKIX PEM) of the versions Vault still lists, by version. */
  readonly publicKeys: ReadonlyMap<number, string>;
}

interface KeyWire {
  type?: unknown;
  latest_version?: unknown;
  min_encryption_version?: unknown;
  min_decryption_version?: unknown;
  keys?: unknown;
}

/** Converts the wire answer; throws TRANSIT_SIGN_FAILED for an answer that is not a transit key. */
export function transitKeyFromResponse(response: unknown, target: TransitTarget): TransitKeyInfo {
  const data = (response as { data?: KeyWire } | undefined)?.data;
  const malformed = (what: string) =>
    new TransitError(
      'TRANSIT_SIGN_FAILED',
      `reading ${describeTarget(target)} gave a malformed answer (${what}) — is ${target.transitPath} a transit secrets engine?`,
    );
  if (typeof data?.type !== 'string') throw malformed('no data.type');
  const publicKeys = new Map<number, string>();
  if (data.type === SUPPORTED_TRANSIT_KEY_TYPE) {
    if (!isVersion(data.latest_version)) throw malformed('no data.latest_version');
    if (typeof data.keys !== 'object' || data.keys === null) throw malformed('no data.keys');
    for (const [version, entry] of Object.entries(data.keys as Record<string, unknown>)) {
      const pem = (entry as { public_key?: unknown } | null)?.public_key;
      if (/^[1-9]\d*$/.test(version) && typeof pem === 'string' && pem.includes('PUBLIC KEY')) {
        publicKeys.set(Number(version), pem);
      }
    }
  }
  return {
    type: data.type,
    latestVersion: isVersion(data.latest_version) ? data.latest_version : 0,
    minEncryptionVersion: isVersion(data.min_encryption_version) ? data.min_encryption_version : 0,
    minDecryptionVersion: isVersion(data.min_decryption_version) ? data.min_decryption_version : 0,
    publicKeys,
  };
}

/** A key version as Vault counts them: a whole number (1e308 or 1.5 is no version). */
function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function assertSupportedType(info: TransitKeyInfo, target: TransitTarget): void {
  if (info.type === SUPPORTED_TRANSIT_KEY_TYPE) return;
  throw new TransitError(
    'TRANSIT_KEY_TYPE_UNSUPPORTED',
    `${describeTarget(target)} is of type '${info.type}'; only ${SUPPORTED_TRANSIT_KEY_TYPE} keys can sign here ` +
      `(what cosign's hashivault:// uses and Sigstore verifiers accept) — create one with \`${createKeyCommand({ ...target, key: '<new-key>' })}\` and use it`,
  );
}

/**
 * The version to sign with: `requested`, or the latest. Vault signs only with versions it still
 * lists (at least min_decryption_version), not above latest_version and not below
 * min_encryption_version; checking here turns a per-item failure later into one clear error now.
 */
export function resolveKeyVersion(
  info: TransitKeyInfo,
  wanted: { readonly requested: number | undefined; readonly target: TransitTarget },
): number {
  const { requested, target } = wanted;
  const version = requested ?? info.latestVersion;
  const usable = [...info.publicKeys.keys()]
    .filter((v) => v <= info.latestVersion && v >= info.minEncryptionVersion)
    .sort((a, b) => a - b);
  const unknown = (why: string) =>
    new TransitError(
      'TRANSIT_KEY_VERSION_UNKNOWN',
      `${describeTarget(target)} cannot sign with version ${version}: ${why} — ` +
        `pin one of the versions ${usable.join(', ') || '(none)'} or leave the version unset for the latest ` +
        `(\`vault read ${keyPath(target)}\`)`,
    );
  if (version > info.latestVersion) throw unknown(`the latest version is ${info.latestVersion}`);
  if (!info.publicKeys.has(version)) {
    throw unknown(`Vault no longer lists it (min_decryption_version is ${info.minDecryptionVersion})`);
  }
  if (version < info.minEncryptionVersion) {
    throw unknown(`Vault refuses to sign below min_encryption_version ${info.minEncryptionVersion}`);
  }
  return version;
}

/** The PEM of `version`, checked to be a P-256 public key. */
export function publicKeyOf(
  info: TransitKeyInfo,
  which: { readonly version: number; readonly target: TransitTarget },
): KeyObject {
  const { version, target } = which;
  const read = readPublicKeyPem(info.publicKeys.get(version) ?? '');
  if (!read.ok) {
    throw new TransitError(
      'TRANSIT_SIGN_FAILED',
      `${describeTarget(target)} version ${version} has a public key Node cannot read`,
      { cause: read.cause },
    );
  }
  if (!isP256Key(read.key)) {
    throw new TransitError(
      'TRANSIT_KEY_TYPE_UNSUPPORTED',
      `${describeTarget(target)} version ${version} is not a P-256 key (${describeKeyType(read.key)})`,
    );
  }
  return read.key;
}
