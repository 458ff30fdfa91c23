/**
 * The fuzz harness: seeded, bounded fast-check properties whose every case must either parse to
 * a value that keeps the parser's invariants or fail with one of the project's coded errors,
 * quickly, without a secret in the message. Each file prints one line with its case count.
 *
 * FUZZ_SEED=<n> replays every file with that seed (a failure prints the seed and the path to
 * replay); FUZZ_RUNS=<n> multiplies the number of cases of every property.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after } from 'node:test';
import fc from 'fast-check';
import { isCodedError } from '../../../src/core/errors.ts';

/** One call slower than this is a hang or catastrophic backtracking (generous: CI shares CPUs). */
export const SLOW_CALL_MS = 250;

/** Secret shapes a message must never carry: Vault/OpenBao tokens and compact JWTs. */
const SECRET_SHAPES: readonly RegExp[] = [
  /hv[sbr]\.[A-Za-z0-9_-]{24}/,
  /(?<![A-Za-z0-9])[sb]\.[A-Za-z0-9]{24}(?![A-Za-z0-9])/,
  /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/,
];

export interface Outcome<T> {
  /** The coded error codes this parser may throw (its area's, or INVALID_INPUT). */
  readonly codes: readonly string[];
  /** Asserts the invariants of a parsed value. */
  readonly valid?: (value: T) => void;
}

/**
 * Runs one parser call and checks its outcome: a valid value, or a coded error of `codes` whose
 * message holds no secret; never another exception, never a slow call.
 */
export function expectParsedOrCoded<T>(parse: () => T, outcome: Outcome<T>): 'parsed' | 'refused' {
  const started = performance.now();
  let result: { readonly value: T } | { readonly error: unknown };
  try {
    result = { value: parse() };
  } catch (error: unknown) {
    result = { error };
  }
  return judged(started, outcome, result);
}

/** The same for a parser that returns a promise. */
export async function expectParsedOrCodedAsync<T>(
  parse: () => Promise<T>,
  outcome: Outcome<T>,
): Promise<'parsed' | 'refused'> {
  const started = performance.now();
  let result: { readonly value: T } | { readonly error: unknown };
  try {
    result = { value: await parse() };
  } catch (error: unknown) {
    result = { error };
  }
  return judged(started, outcome, result);
}

/** One parse's result against the property: quick, and a valid value or a coded refusal. */
function judged<T>(
  started: number,
  outcome: Outcome<T>,
  result: { readonly value: T } | { readonly error: unknown },
): 'parsed' | 'refused' {
  checkElapsed(started);
  if ('error' in result) {
    checkRefusal(result.error, outcome.codes);
    return 'refused';
  }
  outcome.valid?.(result.value);
  return result.value === undefined ? 'refused' : 'parsed';
}

function checkRefusal(error: unknown, codes: readonly string[]): void {
  if (!isCodedError(error) || !codes.includes(error.code)) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    assert.fail(`expected a coded error (${codes.join(', ')}), got ${what}`);
  }
  assertNoSecret(error.message);
}

function checkElapsed(started: number): void {
  const ms = performance.now() - started;
  assert.ok(ms < SLOW_CALL_MS, `one call took ${ms.toFixed(0)} ms (over ${SLOW_CALL_MS} ms): a hang or backtracking`);
}

/** Fails when `text` carries anything shaped like a token or a JWT. */
export function assertNoSecret(text: string): void {
  for (const shape of SECRET_SHAPES) {
    const found = shape.exec(text);
    assert.equal(found, null, `a secret-shaped string is in the message: ${text.slice(0, 300)}`);
  }
}

/** What a property saw: a value, a refusal (a coded error or undefined), or (void) an assertion passed. */
type Verdict = 'parsed' | 'refused' | void;

const factor = Math.max(1, Number(process.env.FUZZ_RUNS) || 1);
/** A property stops generating after this long (its count says how many cases ran). */
const BOUNDS = { interruptAfterTimeLimit: 8_000 * factor, markInterruptAsFailure: false } as const;

/** A file's fuzzing: its seed, its properties, and the summary line printed when it ends. */
export function fuzzFamily(family: string, defaultSeed: number) {
  const envSeed = Number.parseInt(process.env.FUZZ_SEED ?? '', 10);
  const seed = Number.isSafeInteger(envSeed) ? envSeed : defaultSeed;
  const counts = new Map<string, number>();
  let parsed = 0;
  after(() => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const each = [...counts].map(([parser, n]) => `${parser} ${n}`).join(', ');
    console.log(`fuzz: ${family} ${total} cases, ${parsed} parsed (seed ${seed}: ${each})`);
  });
  const count = (parser: string, outcome: Verdict) => {
    counts.set(parser, (counts.get(parser) ?? 0) + 1);
    if (outcome === 'parsed') parsed++;
  };
  return {
    seed,
    /** Checks `property` on `runs` generated inputs (times FUZZ_RUNS), within `timeLimitMs`. */
    check<T>(parser: string, input: fc.Arbitrary<T>, property: (value: T) => Verdict, runs: number): void {
      fc.assert(
        fc.property(input, (value) => {
          count(parser, property(value));
        }),
        { seed, numRuns: runs * factor, ...BOUNDS },
      );
    },
    async checkAsync<T>(
      parser: string,
      input: fc.Arbitrary<T>,
      property: (value: T) => Promise<Verdict>,
      runs: number,
    ): Promise<void> {
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          count(parser, await property(value));
        }),
        { seed, numRuns: runs * factor, timeout: 2_000, ...BOUNDS },
      );
    },
  };
}
