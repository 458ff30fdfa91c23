import { createHash, createPublicKey } from 'node:crypto';
import { describeError } from '../errors.ts';
import { SigningError } from './errors.ts';

/**
 * cosign's key hint for a bundle's `verificationMaterial.publicKey.hint`: standard base64
 * (padded) of the SHA-256 of the key's SubjectPublicKeyInfo DER. cosign (`AssembleNewBundle`,
 * and `sign-blob --bundle` with a key) and sigstore-go's keypairs compute it this way.
 */
export function cosignKeyHint(publicKeyPem: string): string {
  return createHash('sha256').update(publicKeySpkiDer(publicKeyPem)).digest('base64');
}

/** The SPKI DER of a PKIX public key PEM; refuses private keys and non-PEM text. */
export function publicKeySpkiDer(publicKeyPem: string): Buffer {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(publicKeyPem)) {
    throw new SigningError('PUBLIC_KEY_INVALID', 'a private key was given where a public key PEM was expected');
  }
  try {
    return createPublicKey({ key: publicKeyPem, format: 'pem' }).export({ type: 'spki', format: 'der' });
  } catch (error: unknown) {
    throw new SigningError(
      'PUBLIC_KEY_INVALID',
      `not a usable public key PEM (expected '-----BEGIN PUBLIC KEY-----'): ${describeError(error)}`,
      { cause: error },
    );
  }
}
