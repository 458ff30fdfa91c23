/**
 * The registry reads an image signing run starts with: each reference resolved to the digest it
 * signs and, for legacy signatures, the `.sig` manifest that may already hold signatures. They
 * need no Vault token, so the fronts start them before logging in and the login's round trips
 * (Workload API, Vault) overlap them; `signImages` then continues from them.
 */
import { getManifest, RegistryClient, type FetchedManifest, type RegistryClientOptions } from '../oci/index.ts';
import type { Logger } from '../logger.ts';
import { mapConcurrent } from './concurrency.ts';
import { signatureTag } from './image-legacy.ts';
import { parseReferences, resolveReference, targetKey, type ImageTarget } from './image-targets.ts';

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
}

/**
 * Starts the reads and returns at once. Every reference is parsed before the first request
 * (a typo fails `done` with nothing sent). Each reference's `.sig` read follows its resolution
 * directly. A failure is kept for whoever awaits `done`, never an unhandled rejection: a login
 * that fails meanwhile is what the run reports.
 */
export function startImageReads(options: ImageReadOptions): ImageReads {
  const concurrency = options.concurrency ?? DEFAULT_REGISTRY_CONCURRENCY;
  const client = new RegistryClient({ ...(options.logger ? { logger: options.logger } : {}), ...options.registry });
  const done = readAll(client, options, concurrency);
  done.catch(() => undefined);
  return { client, options, done };
}

async function readAll(
  client: RegistryClient,
  options: ImageReadOptions,
  concurrency: number,
): Promise<readonly ImageRead[]> {
  const parsed = parseReferences(options.references);
  const perReference = await mapConcurrent(parsed, {
    limit: concurrency,
    each: async (reference) => {
      const reads: ImageRead[] = [];
      for (const target of await resolveReference(client, reference, options.recursive)) {
        const signatures = options.legacy
          ? await getManifest(client, { repo: target.ref, reference: signatureTag(target.descriptor.digest) })
          : undefined;
        reads.push({ target, signatures });
      }
      return reads;
    },
  });
  // A manifest named twice (or reached through two indexes) is signed once, as first named.
  const seen = new Set<string>();
  return perReference.flat().filter(({ target }) => {
    const key = targetKey(target);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
