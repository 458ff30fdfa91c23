/**
 * An offline @sigstore/verify verifier that trusts exactly one public key (ours), for checking
 * key-based bundles.
 */
import type { KeyObject } from 'node:crypto';
import { Verifier, type TrustMaterial } from '@sigstore/verify';

/**
 * An offline `@sigstore/verify` Verifier that trusts exactly one public key, whatever the
 * bundle's key hint, at any time, and asks for no transparency log, certificate or timestamp:
 * the check for bundles signed with a Vault transit key.
 */
export function singleKeyVerifier(publicKey: KeyObject): Verifier {
  const trust: TrustMaterial = {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey, validFor: () => true }),
  };
  return new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
}
