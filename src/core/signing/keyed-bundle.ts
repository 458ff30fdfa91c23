/**
 * Reading a Sigstore bundle that should hold a DSSE envelope signed with a key (not a
 * certificate), and checking its signature with that key: what verify-image (signatures) and
 * the image attestation verifier both do with a bundle referrer's bytes.
 */
import type { KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import { describeError } from '../errors.ts';
import { singleKeyVerifier } from './key-verifier.ts';

export type KeyedDsseBundle = Bundle & { readonly content: Extract<Bundle['content'], { $case: 'dsseEnvelope' }> };

/** The bundle in `bytes` when it is a key-signed DSSE bundle, or why it is not. */
export function readKeyedDsseBundle(bytes: Buffer): KeyedDsseBundle | string {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(bytes.toString('utf8')));
  } catch (error: unknown) {
    return `not a Sigstore bundle: ${describeError(error)}`;
  }
  if (bundle.content.$case !== 'dsseEnvelope') return 'the bundle holds no DSSE envelope';
  if (bundle.verificationMaterial.content.$case !== 'publicKey') {
    return 'the bundle is keyless (a certificate), not signed with a key';
  }
  return bundle as KeyedDsseBundle;
}

/** Why the bundle's signature does not verify with `key`, or undefined when it does. */
export function keySignatureProblem(bundle: Bundle, key: KeyObject): string | undefined {
  try {
    singleKeyVerifier(key).verify(toSignedEntity(bundle));
    return undefined;
  } catch (error: unknown) {
    return `the signature does not verify with the key: ${describeError(error)}`;
  }
}
