/** One transit batch sign request: its body, and its answer checked item by item. */
import { isDerEcdsaSignature } from '../ecdsa.ts';
import { describeTarget, TransitError, type TransitTarget } from './transit-errors.ts';

/** One sign request's body: `reference` is the digest's index in the `signDigests` call. */
export function batchRequestBody(
  chunk: readonly Buffer[],
  request: { readonly offset: number; readonly keyVersion: number },
): Readonly<Record<string, unknown>> {
  const { offset, keyVersion } = request;
  return {
    batch_input: chunk.map((digest, i) => ({ input: digest.toString('base64'), reference: String(offset + i) })),
    prehashed: true,
    marshaling_algorithm: 'asn1',
    key_version: keyVersion,
  };
}

export interface BatchExpectation {
  readonly target: TransitTarget;
  /** Index of the chunk's first digest in the call; also how many were signed before it. */
  readonly offset: number;
  readonly count: number;
  readonly keyVersion: number;
}

interface BatchItem {
  reference?: unknown;
  signature?: unknown;
  key_version?: unknown;
  error?: unknown;
}

const SIGNATURE = /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/;

/**
 * The DER signatures of one sign answer, in request order. Vault answers 200 even when items
 * failed, so every item is checked; items are matched by reference, not by position.
 */
export function parseBatchResults(response: unknown, expect: BatchExpectation): Buffer[] {
  const { offset, count, keyVersion } = expect;
  const range = `digests ${offset}–${offset + count - 1}`;
  const fail = (what: string) =>
    new TransitError('TRANSIT_SIGN_FAILED', `signing ${range} with ${describeTarget(expect.target)}: ${what}`, {
      signedCount: offset,
    });
  const results = (response as { data?: { batch_results?: unknown } } | undefined)?.data?.batch_results;
  if (!Array.isArray(results)) throw fail('the answer has no data.batch_results');

  const byIndex = new Map<number, BatchItem>();
  for (const raw of results as unknown[]) {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as BatchItem;
    const ref = item.reference;
    const index = typeof ref === 'string' && /^\d+$/.test(ref) ? Number(ref) : NaN;
    if (!(index >= offset && index < offset + count) || byIndex.has(index)) {
      // Only a string is printed: stringifying a deeply nested reference overflows the stack.
      const shown =
        typeof ref === 'string'
          ? JSON.stringify(ref.slice(0, 40))
          : `of type ${Array.isArray(ref) ? 'array' : typeof ref}`;
      throw fail(`the answer holds an unexpected reference ${shown}`);
    }
    byIndex.set(index, item);
  }
  if (byIndex.size !== count) throw fail(`the answer holds ${byIndex.size} results for ${count} digests`);

  const failed = [...byIndex.entries()]
    .filter(([, item]) => typeof item.error === 'string' && item.error !== '')
    .sort(([a], [b]) => a - b);
  if (failed.length > 0) {
    const [index, first] = failed[0] as [number, BatchItem];
    throw fail(
      `Vault refused ${failed.length} of ${count} digests; the first, digest ${index}: ${String(first.error)}`,
    );
  }

  const signatures: Buffer[] = [];
  for (let index = offset; index < offset + count; index++) {
    const item = byIndex.get(index) as BatchItem;
    const match = typeof item.signature === 'string' ? SIGNATURE.exec(item.signature) : null;
    if (!match) throw fail(`digest ${index} has no signature of the form vault:v<N>:<base64>`);
    const version = Number(match[1]);
    const reported = typeof item.key_version === 'number' ? item.key_version : version;
    if (version !== keyVersion || reported !== keyVersion) {
      throw fail(
        `digest ${index} was signed with key version ${version}, but version ${keyVersion} is pinned ` +
          `(did the key's versions change while signing?)`,
      );
    }
    const der = Buffer.from(match[2] as string, 'base64');
    if (!isDerEcdsaSignature(der))
      throw fail(`digest ${index} has a signature that is not an ASN.1 DER ECDSA signature`);
    signatures.push(der);
  }
  return signatures;
}
