// What the images benchmark can count and bound: the requests each side sent to the stack's
// registry (crane's registry logs one line per request), and the floor, i.e. the time a fresh
// Node process needs just to start and send that many requests to the same registry.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StackEnv } from '../__tests__/helpers/stack-env.ts';
import { DEFAULT_REGISTRY_CONCURRENCY } from '../src/core/signing/images.ts';
import { measure } from './measure.ts';

export interface RequestLog {
  /** Where the log ends now. */
  mark(): number;
  /** Requests for `repository` logged since `mark`. */
  countSince(mark: number, repository: string): number;
}

/** The request log of the stack's crane registry (STACK_REGISTRY). */
export function registryRequestLog(stack: StackEnv): RequestLog {
  const file = join(stack.STACK_STATE_DIR, 'registry.log');
  return {
    mark: () => statSync(file).size,
    countSince(mark, repository) {
      const length = statSync(file).size - mark;
      const bytes = Buffer.alloc(length);
      const fd = openSync(file, 'r');
      try {
        readSync(fd, bytes, 0, length, mark);
      } finally {
        closeSync(fd);
      }
      const needle = ` /v2/${repository}/`;
      return bytes
        .toString('utf8')
        .split('\n')
        .filter((line) => line.includes(needle)).length;
    },
  };
}

/**
 * Median wall time of `runs` fresh Node processes, each sending `requests` keep-alive GETs of
 * the given images' manifests (`repository@digest`, without the registry) to the registry.
 */
export function bareRequestsMs(stack: StackEnv, requests: number, images: readonly string[], runs = 3): number {
  const client = join(import.meta.dirname, 'bare-registry-client.cjs');
  const args = [client, stack.STACK_REGISTRY, String(requests), String(DEFAULT_REGISTRY_CONCURRENCY), ...images];
  return measure({ name: 'bare registry client', command: process.execPath, args }, runs, 0).medianMs;
}

/** Median wall time of `node -e 0`. */
export function nodeStartMs(runs = 5): number {
  return measure({ name: 'node -e 0', command: process.execPath, args: ['-e', '0'] }, runs, 0).medianMs;
}
