// Wall-time measurement of whole processes: warm-ups, then N timed runs, median and spread.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface Measurement {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface Candidate {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly options?: SpawnSyncOptions;
  /** Checks one run's result; throws when the run did not do the job. */
  readonly check?: (stdout: string) => void;
}

export function measure(candidate: Candidate, runs: number, warmups = 2): Measurement {
  return measureInterleaved([candidate], runs, warmups)[0] as Measurement;
}

/**
 * Measures several candidates in rounds, one run of each per round, so that a change in the
 * machine's load during the measurement falls on all of them alike (their ratios stay fair).
 */
export function measureInterleaved(candidates: readonly Candidate[], runs: number, warmups = 2): Measurement[] {
  const times: number[][] = candidates.map(() => []);
  for (let i = 0; i < warmups + runs; i++) {
    candidates.forEach((candidate, c) => {
      const ms = timeOnce(candidate);
      if (i >= warmups) times[c]?.push(ms);
    });
  }
  return candidates.map((candidate, c) => {
    const sorted = [...(times[c] as number[])].sort((a, b) => a - b);
    return {
      name: candidate.name,
      runs,
      medianMs: round(median(sorted)),
      minMs: round(sorted[0] as number),
      maxMs: round(sorted.at(-1) as number),
    };
  });
}

/** Wall time of one run, in ms; throws when the run fails or did not do the job. */
function timeOnce(candidate: Candidate): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(candidate.command, candidate.args, { encoding: 'utf8', ...candidate.options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${candidate.name} failed (exit ${r.status}): ${String(r.stderr).slice(0, 500)}`);
  }
  candidate.check?.(String(r.stdout));
  return ms;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The nearest-rank percentile `p` (0–1) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))] as number;
}
