/**
 * The cosign "simple signing" payload of the legacy `.sig` format, byte for byte as cosign
 * (sigstore/sigstore's payload.Cosign marshalled by Go's encoding/json) writes it:
 * `{"critical":{"identity":{"docker-reference":"REG/REPO"},"image":{"docker-manifest-digest":"sha256:…"},"type":"cosign container image signature"},"optional":null}`.
 * `optional` holds the annotations, keys sorted (Go marshals maps sorted), or is null.
 */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

export interface SimpleSigningInput {
  /** The repository as cosign names it (`cosignRepositoryName`): `registry/repo`, Docker Hub as index.docker.io. */
  readonly dockerReference: string;
  /** `sha256:<hex>` of the signed manifest or index. */
  readonly digest: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function simpleSigningPayload(input: SimpleSigningInput): Buffer {
  const annotations = input.annotations ?? {};
  const keys = Object.keys(annotations).sort();
  const optional = keys.length === 0 ? null : Object.fromEntries(keys.map((k) => [k, annotations[k]]));
  const payload = {
    critical: {
      identity: { 'docker-reference': input.dockerReference },
      image: { 'docker-manifest-digest': input.digest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional,
  };
  return Buffer.from(goJsonEscape(JSON.stringify(payload)), 'utf8');
}

/** Go's encoding/json escapes <, >, & and U+2028/U+2029 inside strings; JSON.stringify does not. */
export function goJsonEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
