// `npm run bench -- images`: sign 50 and 500 images in one run of ours, each size against its
// request floor and a loop of `cosign sign --key hashivault://`, on the stack's registry. Every
// timed run signs images of its own, never signed before, so each does the same work.
// - ours: the action bundle, median of 3 runs (login, one transit batch, the registry work).
// - the request floor: a fresh Node process sending, with node:http alone, the registry requests
//   a signature needs, as ours sends them (bare-signature-client.cjs), the read-back of the
//   `.sig` tag included (a HEAD, as ours): it is part of what a correct signer must do. Median of 3, interleaved
//   with ours so that a change in the machine's load falls on both.
// - the socket floor: the same requests over bare keep-alive sockets (`--sockets`), the least any
//   Node client can spend on them. Ours uses a client of its own, not node:http (no proxy set),
//   so it can come under the request floor; this one says how far it is from the bottom.
// - the GET-only floor (the one earlier figures used): as many manifest GETs as our run sent.
// - cosign: a loop of `cosign sign` over a sample of 50 images; at 500 its time is the sample's
//   per-image time × 500 (the loop is one process per image, so it grows linearly; the output
//   says so).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosignSignImageArgs } from '../__tests__/helpers/action-inputs.ts';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { median, round } from './measure.ts';
import { bareRequestsMs, nodeStartMs, registryRequestLog, type RequestLog } from './registry-floor.ts';
import { runnerFiles, type RunnerFiles } from './runner-files.ts';
import { DEFAULT_REGISTRY_CONCURRENCY } from '../src/core/signing/images.ts';

const SIZES = (process.env.BENCH_IMAGES ?? '50,500').split(',').map(Number);
const RUNS = 3;
const COSIGN_SAMPLE = 50;
/** Ours ÷ the request floor, the most allowed per size. */
export const FLOOR_RATIO_TARGETS: Readonly<Record<number, number>> = { 50: 1.5, 500: 1.3 };

interface Bench {
  readonly stack: StackEnv;
  readonly log: RequestLog;
  readonly files: RunnerFiles;
  readonly repository: string;
  /** `count` fresh images, as `registry/repository@digest`. */
  fresh(set: string, count: number): string[];
}

export function benchImages(stack: StackEnv): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-images-'));
  try {
    const repository = `bench-${Date.now().toString(36)}`;
    const bench: Bench = {
      stack,
      log: registryRequestLog(stack),
      files: runnerFiles(dir),
      repository,
      fresh: (set, count) =>
        execFileSync(
          process.execPath,
          [join(import.meta.dirname, 'push-images.cjs'), stack.STACK_REGISTRY, repository, set, String(count)],
          { encoding: 'utf8' },
        )
          .trim()
          .split('\n')
          .map((image) => `${stack.STACK_REGISTRY}/${image}`),
    };
    const cosign = cosignLoop(bench, dir);
    // What a run costs apart from the per-image registry work: Node's start, loading the bundle,
    // the Workload API, the Vault login, reading the key and one transit request.
    const oneImage = median(Array.from({ length: RUNS }, (_, run) => runOurs(bench, bench.fresh(`one-${run}`, 1)).ms));
    const sizes = SIZES.map((size) => benchSize(bench, { size, cosignPerImageMs: cosign.ms / COSIGN_SAMPLE }));
    return {
      benchmark: 'images',
      registry: 'the stack registry (crane)',
      ours: 'the action bundle; its registry client speaks HTTP/1.1 itself (no proxy set)',
      concurrency: DEFAULT_REGISTRY_CONCURRENCY,
      node_start_ms: round(nodeStartMs()),
      ours_one_image_ms: round(oneImage),
      cosign_sample: {
        images: COSIGN_SAMPLE,
        total_ms: round(cosign.ms),
        per_image_ms: round(cosign.ms / COSIGN_SAMPLE),
        registry_requests_per_image: round(cosign.requests / COSIGN_SAMPLE),
      },
      sizes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchSize(bench: Bench, input: { size: number; cosignPerImageMs: number }): Record<string, unknown> {
  const { stack, log, repository } = bench;
  const { size } = input;
  const ours: number[] = [];
  const oursRequests: number[] = [];
  const floor: number[] = [];
  const floorRequests: number[] = [];
  const socketFloor: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const mine = runOurs(bench, bench.fresh(`ours${size}-${run}`, size));
    ours.push(mine.ms);
    oursRequests.push(mine.requests);

    const mark = log.mark();
    floor.push(bareSignatures(bench, bench.fresh(`floor${size}-${run}`, size), []));
    floorRequests.push(log.countSince(mark, repository));
    socketFloor.push(bareSignatures(bench, bench.fresh(`sockets${size}-${run}`, size), ['--sockets']));
  }
  const requests = median(oursRequests);
  const getOnlyMs = bareRequestsMs(stack, requests, bench.fresh(`get${size}`, size).map(withoutRegistry(stack)));
  const oursMs = median(ours);
  const floorMs = median(floor);
  const cosignMs = input.cosignPerImageMs * size;
  const target = FLOOR_RATIO_TARGETS[size];
  return {
    images: size,
    ours_ms: round(oursMs),
    ours_ms_all: ours.map((ms) => round(ms)),
    ours_registry_requests: requests,
    floor: {
      what: `a fresh Node process sending the registry requests of ${size} legacy signatures with node:http (${DEFAULT_REGISTRY_CONCURRENCY} images in flight, keep-alive), the read-back (HEAD) included`,
      ms: round(floorMs),
      ms_all: floor.map((ms) => round(ms)),
      registry_requests: median(floorRequests),
    },
    ratio_to_floor: round(oursMs / floorMs, 2),
    ...(target ? { target_ratio_to_floor: target, target_met: oursMs / floorMs <= target } : {}),
    socket_floor: {
      what: 'the same requests from a fresh Node process over bare keep-alive sockets (no node:http)',
      ms: round(median(socketFloor)),
      ms_all: socketFloor.map((ms) => round(ms)),
      ratio: round(oursMs / median(socketFloor), 2),
    },
    get_only_floor: {
      what: `a fresh Node process sending ${requests} keep-alive manifest GETs (${DEFAULT_REGISTRY_CONCURRENCY} in flight)`,
      ms: round(getOnlyMs),
      ratio: round(oursMs / getOnlyMs, 2),
    },
    cosign_ms: round(cosignMs),
    cosign_measured: size === COSIGN_SAMPLE ? 'yes' : `scaled from the ${COSIGN_SAMPLE}-image sample`,
    speedup_vs_cosign: round(cosignMs / oursMs, 1),
  };
}

/** One run of the request floor (bare-signature-client.cjs) over `images`: its wall time. */
function bareSignatures(bench: Bench, images: readonly string[], flags: readonly string[]): number {
  const { stack } = bench;
  return timed(process.execPath, [
    join(import.meta.dirname, 'bare-signature-client.cjs'),
    ...flags,
    stack.STACK_REGISTRY,
    String(DEFAULT_REGISTRY_CONCURRENCY),
    ...images.map(withoutRegistry(stack)),
  ]);
}

/** One run of ours (the action bundle) over `images`: its wall time and registry requests. */
function runOurs(bench: Bench, images: readonly string[]): { ms: number; requests: number } {
  const { stack, log, files } = bench;
  files.reset();
  const mark = log.mark();
  const ms = timed(process.execPath, [join(repoRoot, 'dist', 'main.js')], {
    env: files.actionEnv(stack, { 'sign-images': images.join('\n') }),
  });
  const signed = (JSON.parse(files.read('GITHUB_OUTPUT')['signed-images'] ?? '[]') as unknown[]).length;
  if (signed !== images.length) throw new Error(`our run signed ${signed} of ${images.length} images`);
  return { ms, requests: log.countSince(mark, bench.repository) };
}

/** One `cosign sign` per image with the KMS key, offline (no Rekor, no signing config). */
function cosignLoop(bench: Bench, home: string): { ms: number; requests: number } {
  const { stack, log } = bench;
  const images = bench.fresh('cosign', COSIGN_SAMPLE);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    VAULT_ADDR: stack.VAULT_ADDR,
    VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
  };
  const mark = log.mark();
  const started = process.hrtime.bigint();
  for (const image of images) {
    const r = spawnSync(join(stack.STACK_BIN, 'cosign'), cosignSignImageArgs(stack, image), { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`cosign sign failed: ${r.stderr.slice(0, 500)}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, requests: log.countSince(mark, bench.repository) };
}

/** Wall time of one process, in ms; throws when it fails. */
function timed(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${args[0]} failed (exit ${r.status}): ${`${r.stderr}${r.stdout}`.slice(-1500)}`);
  return ms;
}

function withoutRegistry(stack: StackEnv): (image: string) => string {
  return (image) => image.slice(stack.STACK_REGISTRY.length + 1);
}
