/**
 * cosign v3's image signature: a Sigstore bundle (v0.3) holding a DSSE envelope of an in-toto
 * Statement v1 about the image digest, pushed as an OCI 1.1 referrer of the image. Shapes follow
 * what `cosign sign` v3.1.2 writes (sign.go signDigestBundle, remote/write.go
 * WriteAttestationNewBundleFormat / WriteReferrer). The bundle itself comes from bundle-builder.ts.
 */
import { EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_EMPTY, OCI_MANIFEST, type Descriptor } from '../oci/index.ts';
import { goJsonEscape } from './image-payload.ts';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE } from '../attest/statement.ts';

// The in-toto names are the statement module's; re-exported for the image signing code.
export { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE };

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** The Statement cosign signs: subject = the image digest (annotations in the subject), empty predicate. */
export function cosignSignStatement(digest: string, annotations: Readonly<Record<string, string>> = {}): Buffer {
  const [algorithm, hex] = digest.split(':') as [string, string];
  const sorted = Object.fromEntries(
    Object.keys(annotations)
      .sort()
      .map((k) => [k, annotations[k]]),
  );
  const statement = {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ digest: { [algorithm]: hex }, annotations: sorted }],
    predicateType: COSIGN_SIGN_PREDICATE_TYPE,
    predicate: {},
  };
  return Buffer.from(goJsonEscape(JSON.stringify(statement)), 'utf8');
}

/** The empty config blob every bundle referrer points at. */
export const EMPTY_CONFIG: { readonly bytes: Buffer; readonly digest: string } = {
  bytes: EMPTY_JSON,
  digest: EMPTY_JSON_DIGEST,
};

/**
 * The referrer manifest: empty config, the bundle as its one layer, `subject` = the image. Its
 * predicateType annotation names what the bundle's statement is: a signature (the default) or
 * an attestation's predicate type (cosign attest v3: WriteAttestationNewBundleFormat).
 */
export function bundleReferrerManifest(input: {
  subject: Descriptor;
  bundle: Descriptor;
  created: Date;
  predicateType?: string;
}): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    // cosign also puts the artifactType on the config descriptor; kept for byte-level likeness.
    config: {
      mediaType: OCI_EMPTY,
      size: EMPTY_JSON.length,
      digest: EMPTY_JSON_DIGEST,
      artifactType: BUNDLE_MEDIA_TYPE,
    },
    layers: [{ mediaType: BUNDLE_MEDIA_TYPE, size: input.bundle.size, digest: input.bundle.digest }],
    annotations: {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_TYPE_ANNOTATION]: input.predicateType ?? COSIGN_SIGN_PREDICATE_TYPE,
      [CREATED_ANNOTATION]: input.created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    subject: { mediaType: input.subject.mediaType, size: input.subject.size, digest: input.subject.digest },
    artifactType: BUNDLE_MEDIA_TYPE,
  };
  return Buffer.from(JSON.stringify(manifest), 'utf8');
}
