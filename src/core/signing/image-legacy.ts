/** cosign's legacy image signatures: the `sha256-<hex>.sig` tag, its layers and its config. */
import type { KeyObject } from 'node:crypto';
import { verifiesSha256 } from '../ecdsa.ts';
import {
  DOCKER_MANIFEST,
  OCI_IMAGE_CONFIG,
  OCI_MANIFEST,
  sha256Digest,
  type Descriptor,
  type ManifestJson,
} from '../oci/index.ts';

/** cosign's legacy signature format: a `sha256-<hex>.sig` tag holding one layer per signature. */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
const DOCKER_IMAGE_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** go-containerregistry's zero time, which cosign leaves in its signature image configs. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `sha256:abc…` → `sha256-abc….sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

/** A payload and the DER signature over its SHA-256. */
export interface PayloadSignature {
  readonly payload: Buffer;
  /** `sha256:<hex>` of the payload: the layer digest. */
  readonly payloadDigest: string;
  readonly signature: Buffer;
}

/**
 * Whether the existing `.sig` manifest already holds a layer with this payload whose signature
 * verifies with this public key: cosign's duplicate rule (ECDSA signatures differ every time,
 * so comparing signature bytes would never find one). Such a payload is not signed again.
 */
export function hasValidSignature(
  existing: ManifestJson | undefined,
  signed: { readonly payload: Buffer; readonly payloadDigest: string; readonly key: KeyObject | string },
): boolean {
  return (existing?.layers ?? []).some(
    (layer) => layer.digest === signed.payloadDigest && legacySignatureProblem(layer, signed) === undefined,
  );
}

/**
 * Why a `.sig` layer's signature annotation is not `key`'s signature of `payload` (the layer's
 * blob), or undefined when it is. The one signature check of the writer (duplicates) and the
 * verifier (image-checks.ts).
 */
export function legacySignatureProblem(
  layer: Descriptor,
  signed: { readonly payload: Buffer; readonly key: KeyObject | string },
): string | undefined {
  const b64 = layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION];
  if (!b64) return `no ${COSIGN_SIGNATURE_ANNOTATION} annotation`;
  const valid = verifiesSha256({ key: signed.key, data: signed.payload, signature: Buffer.from(b64, 'base64') });
  return valid ? undefined : 'the signature does not verify with the key (another key, or key version, signed it)';
}

/** A `.sig` manifest ready to write: its bytes, media type, config blob and how many layers are new. */
export interface SignatureManifest {
  readonly manifest: Buffer;
  readonly mediaType: string;
  readonly config: Buffer;
  readonly added: number;
}

/**
 * The `.sig` manifest with `added` appended after the existing layers (kept as they are, with
 * their annotations), and its config as cosign writes it (go-containerregistry's mutate.Append:
 * one history entry and one diff_id per layer, zero times). A layer whose payload digest and
 * signature both equal an existing layer's is not added again. Undefined when nothing is added.
 */
export function appendSignatureLayers(
  existing: ManifestJson | undefined,
  added: readonly PayloadSignature[],
): SignatureManifest | undefined {
  const layers: Descriptor[] = [...(existing?.layers ?? [])];
  const seen = new Set(layers.map((l) => `${l.digest} ${l.annotations?.[COSIGN_SIGNATURE_ANNOTATION] ?? ''}`));
  let count = 0;
  for (const sig of added) {
    const b64 = sig.signature.toString('base64');
    const key = `${sig.payloadDigest} ${b64}`;
    if (seen.has(key)) continue;
    seen.add(key);
    layers.push({
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      size: sig.payload.length,
      digest: sig.payloadDigest,
      annotations: { [COSIGN_SIGNATURE_ANNOTATION]: b64 },
    });
    count++;
  }
  if (count === 0) return undefined;
  return { ...layeredManifest(existing, layers), added: count };
}

/**
 * A cosign signature image (`.sig` or `.att` tag) holding `layers`: the manifest and its config as
 * cosign writes them (go-containerregistry's mutate.Append: one history entry and one diff_id
 * per layer, zero times), the kind of manifest the tag already has, its annotations kept.
 */
export function layeredManifest(
  existing: ManifestJson | undefined,
  layers: readonly Descriptor[],
): Omit<SignatureManifest, 'added'> {
  // An old cosign wrote Docker v2 manifests: keep the kind the tag already has.
  const mediaType = existing?.mediaType === DOCKER_MANIFEST ? DOCKER_MANIFEST : OCI_MANIFEST;
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: ZERO_TIME,
      history: layers.map(() => ({ created: ZERO_TIME })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: mediaType === DOCKER_MANIFEST ? DOCKER_IMAGE_CONFIG : OCI_IMAGE_CONFIG,
      size: config.length,
      digest: sha256Digest(config),
    },
    layers,
    ...(existing?.annotations ? { annotations: existing.annotations } : {}),
  };
  return { manifest: Buffer.from(JSON.stringify(manifest)), mediaType, config };
}
