/**
 * Capped exponential backoff with full jitter under an overall deadline. The clock, the sleep
 * and the random source are injectable so unit tests run instantly and deterministically.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

export interface RetryPolicy {
  /** First delay in milliseconds. */
  readonly initialDelayMs: number;
  /** Upper bound for one delay. */
  readonly maxDelayMs: number;
  /** Overall time budget in milliseconds, measured from the first attempt. */
  readonly deadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  deadlineMs: 30_000,
});

export interface RetryOptions<T> {
  readonly policy: RetryPolicy;
  /** Whether a failure may be retried. Anything else is thrown at once. */
  readonly isRetryable: (error: unknown) => boolean;
  readonly clock?: Clock;
  readonly random?: () => number;
  /**
   * How long the failure itself asks to wait (an HTTP Retry-After), if it says: the next attempt
   * waits at least that long, and when that is past the deadline there is no next attempt.
   */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  /** Called before each wait, with the failure and the chosen delay. */
  readonly onRetry?: (error: unknown, retry: { readonly attempt: number; readonly delayMs: number }) => void;
  /** Builds the error thrown when the deadline passes; gets the last failure. */
  readonly onDeadline?: (lastError: unknown, attempts: number) => Error;
  readonly attempt: (attempt: number) => Promise<T>;
}

export async function retry<T>(options: RetryOptions<T>): Promise<T> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const random = options.random ?? Math.random;
  const { initialDelayMs, maxDelayMs, deadlineMs } = options.policy;
  const deadline = clock.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.attempt(attempt);
    } catch (error: unknown) {
      if (!options.isRetryable(error)) throw error;
      const cap = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
      // Full jitter, but never below a tenth of the cap so retries do not spin.
      const delay = Math.max(cap / 10, random() * cap);
      const asked = options.retryAfterMs?.(error) ?? 0;
      const remaining = deadline - clock.now();
      if (remaining <= 0 || asked > remaining) {
        throw options.onDeadline ? options.onDeadline(error, attempt) : error;
      }
      const wait = Math.min(Math.max(delay, asked), remaining);
      options.onRetry?.(error, { attempt, delayMs: wait });
      await clock.sleep(wait);
    }
  }
}

/**
 * An HTTP Retry-After value (RFC 9110: delay-seconds or an HTTP-date) in milliseconds from
 * `nowMs`; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  // Finite however many digits: a wait past any deadline (no retry), and a number a message can print.
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  // An HTTP-date starts with the day's name ("Sun, 06 Nov 1994 08:49:37 GMT").
  const date = /^[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
