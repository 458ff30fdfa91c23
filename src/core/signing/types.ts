/** The signing seam's types: the one signer interface, and what signing a file returns. */

/**
 * What signs: the one interface blobs, image payloads, bundles and any later statement type are
 * signed through (the Vault transit signer implements it; the bundle stage, bundle-builder.ts,
 * drives it). Batched and digest-based, unlike `@sigstore/sign`'s one-message `Signer`: files
 * are hashed while streaming and hundreds of digests go to Vault in one request.
 */
export interface DigestSigner {
  /** The key version that makes the signatures (the one `publicKeyPem` belongs to). */
  readonly keyVersion: number;
  /** PKIX (SPKI) PEM of that key version: what `cosign verify-blob --key` is given. */
  readonly publicKeyPem: string;
  /** cosign's key hint for the bundle's `verificationMaterial.publicKey.hint` (see `cosignKeyHint`). */
  readonly keyHint: string;
  /** Signs 32-byte SHA-256 digests; returns ASN.1 DER ECDSA signatures in the same order. */
  signDigests(digests: readonly Buffer[]): Promise<Buffer[]>;
}

/** One signed file and what was written for it. */
export interface SignedBlob {
  /** Absolute path of the signed file. */
  readonly path: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** Bytes hashed. */
  readonly size: number;
  /** `<name>.sig`: standard base64 of the DER signature, no newline (as `cosign sign-blob` writes). */
  readonly signaturePath: string;
  /** `<name>.sigstore.json`, unless bundles were turned off. */
  readonly bundlePath?: string;
  /** The transit key version that signed. */
  readonly keyVersion: number;
}
