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
  const times: number[] = [];
  for (let i = 0; i < warmups + runs; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(candidate.command, candidate.args, { encoding: 'utf8', ...candidate.options });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) {
      throw new Error(`${candidate.name} failed (exit ${r.status}): ${String(r.stderr).slice(0, 500)}`);
    }
    candidate.check?.(String(r.stdout));
    if (i >= warmups) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return {
    name: candidate.name,
    runs,
    medianMs: round(median(times)),
    minMs: round(times[0] as number),
    maxMs: round(times.at(-1) as number),
  };
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
