// Verifies a key-based Sigstore bundle (no tlog, no timestamps, no certificate) offline with
// @sigstore/verify, the way a sigstore-js consumer would: no network, no TUF.
import { createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, type TrustMaterial } from '@sigstore/verify';

/** Trust material that trusts exactly one public key, whatever the bundle's hint, at any time. */
export function trustMaterialForKey(publicKeyPem: string, expectedHint?: string): TrustMaterial {
  const publicKey = createPublicKey(publicKeyPem);
  return {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: (hint: string) => {
      if (expectedHint !== undefined && hint !== expectedHint) {
        throw new Error(`bundle key hint '${hint}' is not the expected '${expectedHint}'`);
      }
      return { publicKey, validFor: () => true };
    },
  };
}

/**
 * Throws unless `bundle` (its JSON text or the parsed object) is a valid Sigstore bundle whose
 * signature over `artifact` verifies with `publicKeyPem`. `expectedHint`, when given, must equal
 * the bundle's `verificationMaterial.publicKey.hint`.
 */
export async function verifyBundleWithKey(
  bundle: unknown,
  artifact: Buffer,
  publicKeyPem: string,
  expectedHint?: string,
): Promise<void> {
  const parsed = bundleFromJSON(typeof bundle === 'string' ? JSON.parse(bundle) : bundle);
  const verifier = new Verifier(trustMaterialForKey(publicKeyPem, expectedHint), {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  verifier.verify(toSignedEntity(parsed, artifact));
}
