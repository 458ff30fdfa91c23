/**
 * Why one image signature is not a valid signature of an image digest by a key: a legacy `.sig`
 * layer (a simple signing payload) or a Sigstore bundle (a DSSE envelope of a cosign sign
 * Statement). image-verify.ts finds the signatures; these functions judge each one.
 */
import type { KeyObject } from 'node:crypto';
import { sha256Digest, type Descriptor } from '../oci/index.ts';
import { COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE } from './image-bundle.ts';
import { legacySignatureProblem } from './image-legacy.ts';
import { COSIGN_SIGNATURE_TYPE } from './image-payload.ts';
import { keySignatureProblem, readKeyedDsseBundle } from './keyed-bundle.ts';

/** in-toto Statement types a cosign sign bundle may carry (v3 writes v1). */
const STATEMENT_TYPES: ReadonlySet<string> = new Set([
  'https://in-toto.io/Statement/v1',
  'https://in-toto.io/Statement/v0.1',
]);

/** The image digest a signature must be about, and the annotations it must carry. */
export interface ExpectedSubject {
  readonly digest: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Why a legacy `.sig` layer does not verify, or undefined when it does. */
export function checkLegacyLayer(
  layer: Descriptor,
  signed: { readonly payload: Buffer; readonly key: KeyObject | string; readonly expected: ExpectedSubject },
): string | undefined {
  const { payload, expected } = signed;
  if (sha256Digest(payload) !== layer.digest) return `the payload does not hash to the layer digest ${layer.digest}`;
  return checkSimpleSigningPayload(payload, expected) ?? legacySignatureProblem(layer, signed);
}

/** Why a cosign simple signing payload is not about `expected`, or undefined when it is. */
export function checkSimpleSigningPayload(payload: Buffer, expected: ExpectedSubject): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the payload is not JSON';
  }
  const critical = field(json, 'critical');
  if (!isObject(critical)) return 'the payload has no critical section';
  if (critical.type !== COSIGN_SIGNATURE_TYPE)
    return `the payload type is '${String(critical.type)}', not '${COSIGN_SIGNATURE_TYPE}'`;
  const signed = field(critical.image, 'docker-manifest-digest');
  if (signed !== expected.digest) return `the payload signs ${String(signed)}, not ${expected.digest}`;
  return missingAnnotations(field(json, 'optional'), expected.annotations);
}

/** Why a cosign sign in-toto Statement is not about `expected`, or undefined when it is. */
export function checkCosignStatement(
  envelope: { readonly payloadType: string; readonly payload: Buffer },
  expected: ExpectedSubject,
): string | undefined {
  const { payloadType, payload } = envelope;
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return `the envelope payload type is '${payloadType}', not in-toto`;
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the statement is not JSON';
  }
  if (!STATEMENT_TYPES.has(String(field(json, '_type')))) return 'the payload is not an in-toto Statement';
  const predicateType = field(json, 'predicateType');
  if (predicateType !== COSIGN_SIGN_PREDICATE_TYPE) {
    return `the predicate type is '${String(predicateType)}', not a signature ('${COSIGN_SIGN_PREDICATE_TYPE}')`;
  }
  const [algorithm, hex] = expected.digest.split(':') as [string, string];
  const subjects = field(json, 'subject');
  const subject = Array.isArray(subjects)
    ? (subjects as unknown[]).find((s) => field(field(s, 'digest'), algorithm) === hex)
    : undefined;
  if (!subject) return `no subject of the statement is ${expected.digest}`;
  return missingAnnotations(field(subject, 'annotations'), expected.annotations);
}

/** Why a bundle (its JSON bytes) is not a valid signature of `expected` by `key`, or undefined. */
export function checkBundle(
  bytes: Buffer,
  check: { readonly key: KeyObject; readonly expected: ExpectedSubject },
): string | undefined {
  const { key, expected } = check;
  const bundle = readKeyedDsseBundle(bytes);
  if (typeof bundle === 'string') return bundle;
  return checkCosignStatement(bundle.content.dsseEnvelope, expected) ?? keySignatureProblem(bundle, key);
}

function missingAnnotations(signed: unknown, required: Readonly<Record<string, string>>): string | undefined {
  const missing = Object.entries(required)
    .filter(([k, v]) => field(signed, k) !== v)
    .map(([k, v]) => `${k}=${v}`);
  return missing.length ? `the signed annotations lack ${missing.join(', ')}` : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, name: string): unknown {
  return isObject(value) && Object.hasOwn(value, name) ? value[name] : undefined;
}
