// `npm run bench -- images`: sign 50 images in one run of ours against a loop of
// `cosign sign --key hashivault://` over 50 images, on the same registry, in the same run. Every
// timed run signs images of its own, never signed before, so each does the same work. It also
// counts each side's registry requests and measures the floor: a fresh Node process that only
// sends as many requests as our run did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosignSignImageArgs } from '../__tests__/helpers/action-inputs.ts';
import { pushImage } from '../__tests__/helpers/oci-images.ts';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { median, round } from './measure.ts';
import { bareRequestsMs, nodeStartMs, registryRequestLog } from './registry-floor.ts';
import { runnerFiles } from './runner-files.ts';
import { DEFAULT_REGISTRY_CONCURRENCY } from '../src/core/signing/images.ts';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 50);
const OURS_RUNS = 3;

export function benchImages(stack: StackEnv): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-images-'));
  try {
    const repository = `bench-${Date.now().toString(36)}`;
    const repo = `${stack.STACK_REGISTRY}/${repository}`;
    const log = registryRequestLog(stack);
    const oursRequests: number[] = [];
    const freshImages = (set: string) =>
      Array.from(
        { length: IMAGES },
        (_, i) => `${repo}@${pushImage(stack, `${repo}:${set}-${i}`, `bench image ${set} ${i}`)}`,
      );

    const files = runnerFiles(dir);
    const oursRuns = Array.from({ length: OURS_RUNS }, (_, run) => {
      const images = freshImages(`ours${run}`);
      files.reset();
      const mark = log.mark();
      const started = process.hrtime.bigint();
      const ours = spawnSync(process.execPath, [join(repoRoot, 'dist', 'main.js')], {
        encoding: 'utf8',
        env: files.actionEnv(stack, { 'sign-images': images.join('\n') }),
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (ours.status !== 0) throw new Error(`our run failed: ${ours.stdout.slice(-1500)}`);
      const signed = (JSON.parse(files.read('GITHUB_OUTPUT')['signed-images'] ?? '[]') as unknown[]).length;
      if (signed !== IMAGES) throw new Error(`our run signed ${signed} of ${IMAGES} images`);
      oursRequests.push(log.countSince(mark, repository));
      return ms;
    });
    const oursMs = median(oursRuns);

    // The peer: one `cosign sign` per image with the KMS key, offline (no Rekor, no signing config).
    const images = freshImages('cosign');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      VAULT_ADDR: stack.VAULT_ADDR,
      VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
    };
    const cosignMark = log.mark();
    const cosignStarted = process.hrtime.bigint();
    for (const image of images) {
      const r = spawnSync(join(stack.STACK_BIN, 'cosign'), cosignSignImageArgs(stack, image), {
        encoding: 'utf8',
        env,
      });
      if (r.status !== 0) throw new Error(`cosign sign failed: ${r.stderr.slice(0, 500)}`);
    }
    const cosignMs = Number(process.hrtime.bigint() - cosignStarted) / 1e6;
    const cosignRequests = log.countSince(cosignMark, repository);

    const requests = median(oursRequests);
    const floorMs = bareRequestsMs(
      stack,
      requests,
      images.map((image) => image.slice(stack.STACK_REGISTRY.length + 1)),
    );
    return {
      benchmark: 'images',
      images: IMAGES,
      ours_runs: OURS_RUNS,
      ours_total_ms: round(oursMs),
      ours_total_ms_all: oursRuns.map((ms) => round(ms)),
      cosign_total_ms: round(cosignMs),
      cosign_per_image_ms: round(cosignMs / IMAGES),
      ratio: round(oursMs / cosignMs, 3),
      speedup: round(cosignMs / oursMs, 1),
      target: 'ratio <= 0.1 (≥ 10× faster overall; ours ÷ cosign, lower is better)',
      ours_registry_requests: requests,
      cosign_registry_requests_per_image: round(cosignRequests / IMAGES),
      node_start_ms: round(nodeStartMs()),
      floor: {
        what: `a fresh Node process that only sends ${requests} keep-alive GETs (${DEFAULT_REGISTRY_CONCURRENCY} in flight) to the same registry`,
        ms: round(floorMs),
        ratio: round(floorMs / cosignMs, 3),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
