/**
 * The loop verify-image and verify-attestation share: resolve each reference once to its
 * digest, check that digest, and make a failure of one image (not found, a registry error) its
 * own result instead of an exception.
 */
import { describeError, errorCode } from '../errors.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import {
  parseImageReference,
  RegistryClient,
  repositoryName,
  resolveImage,
  type ImageReference,
  type RegistryClientOptions,
} from '../oci/index.ts';
import { mapConcurrent } from './concurrency.ts';

export interface EachImageOptions {
  /** Tag or digest references; those that do not parse throw before any request. */
  readonly references: readonly string[];
  readonly registry: RegistryClientOptions;
  readonly concurrency?: number;
  readonly logger?: Logger;
}

export interface ImageTarget {
  readonly reference: string;
  /** registry/repository. */
  readonly repository: string;
  /** `sha256:<hex>`; undefined when the reference could not be resolved. */
  readonly digest?: string;
}

export function checkEachImage<T extends object, F extends object>(
  options: EachImageOptions,
  check: (client: RegistryClient, target: { readonly ref: ImageReference; readonly digest: string }) => Promise<T>,
  failure: (reason: string, code: string) => F,
): Promise<Array<ImageTarget & (T | F)>> {
  const parsed = options.references.map((reference) => ({ reference, ref: parseImageReference(reference) }));
  const client = new RegistryClient({ logger: options.logger ?? NOOP_LOGGER, ...options.registry });
  return mapConcurrent(parsed, {
    limit: options.concurrency ?? 8,
    each: async ({ reference, ref }): Promise<ImageTarget & (T | F)> => {
      const repository = repositoryName(ref);
      let digest: string | undefined;
      try {
        digest = (await resolveImage(client, ref)).descriptor.digest;
        return { reference, repository, digest, ...(await check(client, { ref, digest })) };
      } catch (error: unknown) {
        const code = errorCode(error).replace(/^ \[|\]$/g, '') || 'ERROR';
        return { reference, repository, ...(digest ? { digest } : {}), ...failure(describeError(error), code) };
      }
    },
  });
}
