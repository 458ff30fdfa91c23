// The error a promise rejects with, checked to be of the expected class (and code).
import assert from 'node:assert/strict';

/** Rejects with an instance of `type`, with `code` when one is given; returns that error. */
export async function rejection<E extends Error & { readonly code?: string }>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  code?: string,
): Promise<E> {
  const error = await promise.then(
    () => assert.fail(`expected a ${type.name}${code ? ` ${code}` : ''}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
  if (code !== undefined) assert.equal(error.code, code, error.message);
  return error;
}

/** The error `parse` throws (it must throw), with its code and message. */
export function thrown(parse: () => unknown): { readonly code: string; readonly message: string } {
  try {
    parse();
  } catch (error: unknown) {
    return error as { code: string; message: string };
  }
  assert.fail('no error');
}
