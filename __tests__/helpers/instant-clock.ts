import type { Clock } from '../../src/core/retry.ts';

/** A clock whose sleeps return at once (retries take no time) and are recorded in `slept`. */
export function instantClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}
