/**
 * Manifests and indexes as a registry serves them, checked at the boundary: the fields we read
 * must have their spec's types, so code above never meets a string where it iterates an array,
 * or a descriptor whose digest would make a request path of its own.
 */
import { OciError } from './errors.ts';
import type { Descriptor } from './media-types.ts';
import type { ManifestJson } from './manifests.ts';

/** The OCI digest grammar: `algorithm:encoded` (sha256:<hex>, sha512:<hex>, …). */
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Parses the bytes of a manifest or index; `what` says what was read ("read manifest
 * r.example/app:1"). Absent and null fields are absent (a size must be a number if given); any other field of the wrong type is
 * REGISTRY_PROTOCOL_ERROR. Unknown fields are kept as they are.
 */
export function parseManifestJson(
  bytes: Buffer,
  answer: { readonly what: string; readonly host: string },
): ManifestJson {
  const { what, host } = answer;
  const fail = (why: string, cause?: unknown) =>
    new OciError('REGISTRY_PROTOCOL_ERROR', `${what}: ${why}`, { host, ...(cause === undefined ? {} : { cause }) });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error: unknown) {
    throw fail('the manifest is not JSON', error);
  }
  if (!isObject(json)) throw fail('the manifest is not a JSON object');
  const wrong = fieldProblem(json);
  if (wrong) throw fail(`the manifest's ${wrong}`);
  return json as ManifestJson;
}

function fieldProblem(json: Record<string, unknown>): string | undefined {
  const { schemaVersion, mediaType, artifactType, config, subject, layers, manifests, annotations } = json;
  if (!absentOr(schemaVersion, (v) => typeof v === 'number')) return 'schemaVersion is not a number';
  if (!absentOr(mediaType, isString) || !absentOr(artifactType, isString)) return 'media type is not a string';
  for (const [name, value] of [
    ['config', config],
    ['subject', subject],
  ] as const) {
    const problem = value === undefined || value === null ? undefined : descriptorProblem(value);
    if (problem) return `${name} ${problem}`;
  }
  for (const [name, value] of [
    ['layers', layers],
    ['manifests', manifests],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) return `${name} is not an array`;
    for (const [index, item] of value.entries()) {
      const problem = descriptorProblem(item);
      if (problem) return `${name}[${index}] ${problem}`;
    }
  }
  return absentOr(annotations, isStringRecord) ? undefined : 'annotations are not a map of strings';
}

/** What is wrong with a descriptor, or undefined. */
function descriptorProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not a descriptor object';
  const d = value as Partial<Record<keyof Descriptor, unknown>>;
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) return 'has no valid digest (algorithm:encoded)';
  if (d.size !== undefined && !(Number.isSafeInteger(d.size) && (d.size as number) >= 0))
    return 'has a size that is not a count of bytes';
  if (!absentOr(d.mediaType, isString) || !absentOr(d.artifactType, isString))
    return 'has a media type that is not a string';
  if (!absentOr(d.annotations, isStringRecord)) return 'has annotations that are not a map of strings';
  if (
    !absentOr(
      d.platform,
      (p) => isObject(p) && isString(p.os) && isString(p.architecture) && absentOr(p.variant, isString),
    )
  ) {
    return 'has a platform without os and architecture strings';
  }
  return undefined;
}

function absentOr(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): boolean {
  return isObject(value) && Object.values(value).every(isString);
}
