/**
 * The bundle-assembly stage: every signature this project makes is signed through here, and
 * every Sigstore bundle it writes (a file's message signature, an image's DSSE statement, any
 * later statement type) is built here. A witness (a timestamp authority, a transparency log)
 * plugs in here and nowhere else: `@sigstore/sign`'s `Witness` interface as it is, so its
 * `TSAWitness` or `RekorWitness` can be passed in.
 *
 * Shaped like `@sigstore/sign`'s BundleBuilder (prepare → sign → package → witnesses), but our
 * own: its builders sign one artifact per call with the artifact's bytes in memory (we send
 * hundreds of digests of streamed files to Vault in one request), its message bundles are v0.2
 * (ours, like cosign's, v0.3), and its DSSE envelopes carry the key hint as keyid (cosign skips
 * such a signature when verifying with a key). The bytes this stage writes are what cosign
 * v2/v3 and `@sigstore/verify` check in the integration tests.
 */
import { createHash } from 'node:crypto';
import { bundleToJSON, toDSSEBundle, toMessageSignatureBundle, type Bundle } from '@sigstore/bundle';
import type { Witness } from '@sigstore/sign';
import { isDerEcdsaSignature } from '../ecdsa.ts';
import { SigningError } from './errors.ts';
import type { DigestSigner } from './types.ts';

/** What is signed: a file by its SHA-256, or a payload (a statement) in a DSSE envelope. */
export type BundleArtifact =
  /** The SHA-256 of a file's bytes (hashed while streaming): a message-signature bundle. */
  | { readonly kind: 'message-digest'; readonly digest: Buffer }
  /** A payload of `payloadType` (e.g. an in-toto Statement): signed over its DSSE PAE. */
  | { readonly kind: 'dsse'; readonly payloadType: string; readonly payload: Buffer };

export interface BundleBuilderOptions {
  readonly signer: DigestSigner;
  /** Asked about every bundle, in parallel; what they return goes into its verification material. */
  readonly witnesses?: readonly Witness[];
}

export class BundleBuilder {
  readonly signer: DigestSigner;
  private readonly witnesses: readonly Witness[];

  constructor(options: BundleBuilderOptions) {
    this.signer = options.signer;
    this.witnesses = options.witnesses ?? [];
  }

  /** sigstore's `prepare`, hashed: the SHA-256 the signer signs for an artifact. */
  static digestToSign(artifact: BundleArtifact): Buffer {
    if (artifact.kind === 'message-digest') return artifact.digest;
    return createHash('sha256').update(dssePreAuthEncoding(artifact.payloadType, artifact.payload)).digest();
  }

  /**
   * Signs the artifacts in one `signDigests` call (one Vault batch request for up to its batch
   * size): DER signatures in the same order, checked to be as many as asked and DER-shaped.
   */
  async sign(artifacts: readonly BundleArtifact[]): Promise<Buffer[]> {
    if (artifacts.length === 0) return [];
    const signatures: unknown = await this.signer.signDigests(artifacts.map((a) => BundleBuilder.digestToSign(a)));
    if (!Array.isArray(signatures) || signatures.length !== artifacts.length) {
      const got = Array.isArray(signatures) ? `${signatures.length}` : typeof signatures;
      throw new SigningError(
        'SIGNER_RESPONSE_INVALID',
        `the signer returned ${got} signatures for ${artifacts.length} digests`,
      );
    }
    (signatures as unknown[]).forEach((signature, i) => {
      if (!isDerEcdsaSignature(signature)) {
        throw new SigningError(
          'SIGNER_RESPONSE_INVALID',
          `the signer's signature #${i + 1} is not an ASN.1 DER signature`,
        );
      }
    });
    return signatures as Buffer[];
  }

  /** sigstore's `package`, then every witness: the v0.3 bundle of one signed artifact. */
  async assemble(artifact: BundleArtifact, signature: Buffer): Promise<Bundle> {
    const bundle = packageBundle({ artifact, signature, keyHint: this.signer.keyHint });
    if (this.witnesses.length === 0) return bundle;
    const testimonies = await Promise.all(
      this.witnesses.map((witness) => witness.testify(bundle.content, this.signer.publicKeyPem)),
    );
    const material = bundle.verificationMaterial;
    for (const { tlogEntries, rfc3161Timestamps } of testimonies) {
      material.tlogEntries.push(...(tlogEntries ?? []));
      material.timestampVerificationData ??= { rfc3161Timestamps: [] };
      material.timestampVerificationData.rfc3161Timestamps.push(...(rfc3161Timestamps ?? []));
    }
    return bundle;
  }
}

function packageBundle(input: { artifact: BundleArtifact; signature: Buffer; keyHint: string }): Bundle {
  const { artifact, signature, keyHint } = input;
  if (artifact.kind === 'message-digest') {
    return toMessageSignatureBundle({ digest: artifact.digest, signature, keyHint });
  }
  const bundle = toDSSEBundle({ artifact: artifact.payload, artifactType: artifact.payloadType, signature, keyHint });
  // The key hint goes in verificationMaterial only: cosign's DSSE check (go-securesystemslib)
  // skips a signature whose keyid differs from its verifier's, and cosign writes none.
  const envelope = bundle.content.dsseEnvelope;
  return {
    ...bundle,
    content: {
      ...bundle.content,
      dsseEnvelope: { ...envelope, signatures: envelope.signatures.map((s) => ({ ...s, keyid: '' })) },
    },
  };
}

/** A bundle as the JSON text written to `.sigstore.json` files and bundle blobs. */
export function bundleJson(bundle: Bundle): string {
  return JSON.stringify(bundleToJSON(bundle));
}

/** DSSE v1 pre-authentication encoding: what a DSSE signature is over. */
export function dssePreAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}
