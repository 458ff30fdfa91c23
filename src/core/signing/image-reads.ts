/**
 * The registry reads an image signing run starts with: each reference resolved to the digest it
 * signs and, for legacy signatures, the `.sig` manifest that may already hold signatures. They
 * need no Vault token, so the fronts start them before logging in and the login's round trips
 * (Workload API, Vault) overlap them; `signImages` then continues from them. (The `.sig` read
 * is the base the new signature is appended to: the fronts start the reads early only when the
 * write follows within the login's time, not after other signing.)
 */
import { getManifest, RegistryClient, type FetchedManifest, type RegistryClientOptions } from '../oci/index.ts';
import type { Logger } from '../logger.ts';
import { mapConcurrent } from './concurrency.ts';
import { signatureTag } from './image-legacy.ts';
import {
  parseReferences,
  resolveReference,
  targetKey,
  type ImageTarget,
  type ParsedReference,
} from './image-targets.ts';

/** Registry requests in flight at once (resolving, reading `.sig` tags, pushing). */
export const DEFAULT_REGISTRY_CONCURRENCY = 8;

export interface ImageReadOptions {
  /** Tag or digest references. */
  readonly references: readonly string[];
  /** For an index: also each platform manifest. */
  readonly recursive: boolean;
  /** Also read each target's `.sig` tag (legacy signatures are wanted). */
  readonly legacy: boolean;
  readonly registry: RegistryClientOptions;
  readonly concurrency?: number;
  readonly logger?: Logger;
}

export interface ImageRead {
  readonly target: ImageTarget;
  /** legacy: the `.sig` manifest of the target's digest, undefined when there is none yet. */
  readonly signatures: FetchedManifest | undefined;
}

/** Reads under way; `done` settles once every reference is read (or the first one failed). */
export interface ImageReads {
  readonly client: RegistryClient;
  readonly options: ImageReadOptions;
  /** One per manifest to sign, in the order of the references; the same manifest once. */
  readonly done: Promise<readonly ImageRead[]>;
  /**
   * Stops the reads (requests under way end, nothing is retried): for a run that failed before
   * it used them, so its process does not wait for them. Harmless once they are done.
   */
  abort(): void;
}

/**
 * Starts the reads and returns at once. Every reference is parsed first: one that does not parse
 * throws here, before any request (and before a login). A failed read is kept for whoever awaits
 * `done`, never an unhandled rejection: a login that fails meanwhile is what the run reports.
 */
export function startImageReads(options: ImageReadOptions): ImageReads {
  const parsed = parseReferences(options.references);
  const concurrency = options.concurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const stop = new AbortController();
  const client = new RegistryClient({
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.registry,
    signal: stop.signal,
  });
  const done = readAll(client, { parsed, options, concurrency });
  done.catch(() => undefined);
  return { client, options, done, abort: () => stop.abort() };
}

async function readAll(
  client: RegistryClient,
  run: {
    readonly parsed: readonly ParsedReference[];
    readonly options: ImageReadOptions;
    readonly concurrency: number;
  },
): Promise<readonly ImageRead[]> {
  const { parsed, options, concurrency } = run;
  const resolved = await mapConcurrent(parsed, {
    limit: concurrency,
    each: (reference) => resolveReference(client, reference, options.recursive),
  });
  // A manifest named twice (or reached through two indexes) is signed once, as first named.
  const seen = new Set<string>();
  const targets = resolved.flat().filter((target) => {
    const key = targetKey(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return mapConcurrent(targets, {
    limit: concurrency,
    each: async (target): Promise<ImageRead> => ({
      target,
      signatures: options.legacy
        ? await getManifest(client, { repo: target.ref, reference: signatureTag(target.descriptor.digest) })
        : undefined,
    }),
  });
}
