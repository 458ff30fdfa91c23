/**
 * ECDSA P-256 keys and signatures as Vault transit makes them and cosign checks them: the one
 * home of the checks the transit signer, the signing code and the verifiers share (reading a
 * public key PEM, the P-256 check, cosign's key hint, the DER shape, a SHA-256 signature check).
 * Each caller turns a refusal into its own area's coded error.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

/** A public key PEM read, or why it is not one (a private key is refused, never parsed). */
export type PublicKeyPemReading =
  | { readonly ok: true; readonly key: KeyObject }
  | { readonly ok: false; readonly problem: 'private-key' | 'not-a-public-key'; readonly cause?: unknown };

const PRIVATE_KEY_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Reads a PKIX (SPKI) public key PEM of any type. */
export function readPublicKeyPem(pem: string): PublicKeyPemReading {
  if (PRIVATE_KEY_PEM.test(pem)) return { ok: false, problem: 'private-key' };
  try {
    return { ok: true, key: createPublicKey({ key: pem, format: 'pem' }) };
  } catch (error: unknown) {
    return { ok: false, problem: 'not-a-public-key', cause: error };
  }
}

/** Whether a key is ECDSA over P-256 (what ecdsa-p256 transit keys are and cosign verifies). */
export function isP256Key(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** `ec (secp384r1)`, `rsa`, `ed25519`: what a key is, for messages. */
export function describeKeyType(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}`;
}

/** The SubjectPublicKeyInfo DER of a public key. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * cosign's key hint for a bundle's `verificationMaterial.publicKey.hint`: standard base64
 * (padded) of the SHA-256 of the key's SubjectPublicKeyInfo DER. cosign (`AssembleNewBundle`,
 * and `sign-blob --bundle` with a key) and sigstore-go's keypairs compute it this way.
 */
export function cosignKeyHint(key: KeyObject): string {
  return createHash('sha256').update(spkiDer(key)).digest('base64');
}

/** The longest DER ECDSA P-256 signature: SEQUENCE header, then two INTEGERs of up to 33 bytes. */
const MAX_P256_DER_BYTES = 72;

/**
 * Whether `value` has the shape of an ASN.1 DER ECDSA P-256 signature: SEQUENCE (0x30) with a
 * short-form length of the rest, then INTEGER r (0x02). Raw r||s (JWS marshaling) does not fit.
 */
export function isDerEcdsaSignature(value: unknown): value is Buffer {
  return (
    Buffer.isBuffer(value) &&
    value.length >= 8 &&
    value.length <= MAX_P256_DER_BYTES &&
    value[0] === 0x30 &&
    value[1] === value.length - 2 &&
    value[2] === 0x02
  );
}

/** Whether `signature` (DER) is `key`'s ECDSA signature over SHA-256 of `data`; false for malformed input. */
export function verifiesSha256(check: {
  readonly key: KeyObject | string;
  readonly data: Buffer;
  readonly signature: Buffer;
}): boolean {
  try {
    return verify('sha256', check.data, check.key, check.signature);
  } catch {
    return false;
  }
}
