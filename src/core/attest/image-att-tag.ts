/**
 * cosign's legacy image attestations: the `sha256-<hex>.att` tag, a signature image whose every
 * layer is one DSSE envelope (an in-toto Statement and its signature), media type
 * `application/vnd.dsse.envelope.v1+json`, annotated with the statement's `predicateType` and an
 * empty `dev.cosignproject.cosign/signature` (the signature is inside the envelope). What
 * `cosign attest` writes without the new bundle format (attest.go, static.NewAttestation) and
 * what `cosign verify-attestation` v2 (and v3 when no bundle referrer exists) reads.
 */
import type { KeyObject } from 'node:crypto';
import { verifiesSha256 } from '../ecdsa.ts';
import { sha256Digest, type Descriptor, type ManifestJson } from '../oci/index.ts';
import { dssePreAuthEncoding } from '../signing/bundle-builder.ts';
import { COSIGN_SIGNATURE_ANNOTATION, layeredManifest, type SignatureManifest } from '../signing/image-legacy.ts';

export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
/** The layer annotation cosign filters `.att` layers by. */
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';

/** `sha256:abc…` → `sha256-abc….att`. */
export function attestationTag(digest: string): string {
  return `${digest.replace(':', '-')}.att`;
}

/** A DSSE envelope, decoded. */
export interface Envelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signatures: readonly Buffer[];
}

/**
 * The envelope as the `.att` layer's bytes: the JSON cosign v3 writes (the protobuf envelope
 * through encoding/json: payload, payloadType, signatures; an empty keyid left out).
 */
export function envelopeJson(envelope: { payloadType: string; payload: Buffer; signature: Buffer }): Buffer {
  return Buffer.from(
    JSON.stringify({
      payload: envelope.payload.toString('base64'),
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signature.toString('base64') }],
    }),
    'utf8',
  );
}

/** A DSSE envelope's JSON (either field order; base64 payload and signatures), or undefined. */
export function parseEnvelope(bytes: Buffer): Envelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { payload, payloadType, signatures } = json as Record<string, unknown>;
  if (typeof payload !== 'string' || typeof payloadType !== 'string' || !Array.isArray(signatures)) return undefined;
  return {
    payloadType,
    payload: Buffer.from(payload, 'base64'),
    signatures: signatures
      .map((s: unknown) => (s as { sig?: unknown } | null)?.sig)
      .filter((sig): sig is string => typeof sig === 'string')
      .map((sig) => Buffer.from(sig, 'base64')),
  };
}

/** Whether one of the envelope's signatures is `key`'s ECDSA signature of its DSSE PAE. */
export function envelopeVerifies(envelope: Envelope, key: KeyObject | string): boolean {
  const pae = dssePreAuthEncoding(envelope.payloadType, envelope.payload);
  return envelope.signatures.some((signature) => verifiesSha256({ key, data: pae, signature }));
}

/** The `.att` layer descriptor of an envelope about a statement of `predicateType`. */
export function attestationLayer(envelope: Buffer, predicateType: string): Descriptor {
  return {
    mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
    size: envelope.length,
    digest: sha256Digest(envelope),
    annotations: { [COSIGN_SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: predicateType },
  };
}

/** The `.att` layers that may hold a statement of `predicateType` (DSSE, that annotation or none). */
export function attestationLayers(manifest: ManifestJson | undefined, predicateType?: string): Descriptor[] {
  return (manifest?.layers ?? []).filter(
    (l) =>
      l.mediaType === DSSE_ENVELOPE_MEDIA_TYPE &&
      (predicateType === undefined ||
        l.annotations?.[PREDICATE_TYPE_ANNOTATION] === undefined ||
        l.annotations[PREDICATE_TYPE_ANNOTATION] === predicateType),
  );
}

/**
 * The `.att` manifest with the envelopes appended after the layers already there (kept as they
 * are); a layer whose digest is already there is not added again. Undefined when nothing is new.
 */
export function appendAttestationLayers(
  existing: ManifestJson | undefined,
  added: readonly Descriptor[],
): SignatureManifest | undefined {
  const layers: Descriptor[] = [...(existing?.layers ?? [])];
  const seen = new Set(layers.map((l) => l.digest));
  let count = 0;
  for (const layer of added) {
    if (seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    layers.push(layer);
    count++;
  }
  if (count === 0) return undefined;
  return { ...layeredManifest(existing, layers), added: count };
}
