// `npm run bench -- blobs`: signing many small files in one run of ours against a loop of
// `cosign sign-blob --key hashivault://` (what users do today), and streaming SHA-256 against
// sha256sum on a 1 GiB file, with peak memory.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosignSignBlobArgs } from '../__tests__/helpers/action-inputs.ts';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { median, round } from './measure.ts';
import { runnerFiles } from './runner-files.ts';

const FILES = 1000;
const FILE_SIZE = 4096;
const COSIGN_SAMPLE = Number(process.env.BENCH_COSIGN_SAMPLE ?? 20);
const OURS_RUNS = 5;
const BIG_FILE_MIB = Number(process.env.BENCH_BIG_FILE_MIB ?? 1024);

export function benchBlobs(stack: StackEnv): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-blobs-'));
  try {
    return { benchmark: 'blobs', ...signing(stack, dir), ...hashing(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function signing(stack: StackEnv, dir: string) {
  mkdirSync(join(dir, 'files'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'files', `f${i}.bin`), randomBytes(FILE_SIZE));
  const files = runnerFiles(dir);
  // Writing back the set-up's (and earlier runs') files slows this VM's disk for seconds: each
  // timed run, ours and cosign's, starts with the writeback settled.
  settleWriteback(5000);
  const runOurs = (run: number, bundle: boolean) => {
    files.reset();
    if (run > 0) settleWriteback(2000);
    const started = process.hrtime.bigint();
    const ours = spawnSync(process.execPath, [join(repoRoot, 'dist', 'main.js')], {
      encoding: 'utf8',
      env: files.actionEnv(stack, {
        'sign-blobs': 'files/*.bin',
        'signature-dir': `sigs-${bundle}-${run}`,
        bundle: String(bundle),
      }),
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (ours.status !== 0) throw new Error(`our run failed: ${ours.stdout.slice(-1000)}`);
    const signed = (JSON.parse(files.read('GITHUB_OUTPUT')['signed-blobs'] ?? '[]') as unknown[]).length;
    if (signed !== FILES) throw new Error(`our run signed ${signed} of ${FILES} files`);
    return ms;
  };
  // Same outputs as the cosign loop (a .sig per file), and our default (.sig + Sigstore bundle).
  const oursRuns = Array.from({ length: OURS_RUNS }, (_, run) => runOurs(run, false));
  const oursMs = median(oursRuns);
  const withBundleRuns = Array.from({ length: OURS_RUNS }, (_, run) => runOurs(run + OURS_RUNS, true));
  const withBundleMs = median(withBundleRuns);
  // The peer: one cosign process per file, with a token from our own login (as a job would do).
  const token = files.read('GITHUB_ENV').VAULT_TOKEN;
  if (!token) throw new Error('no token exported');
  const cosignEnv = { PATH: process.env.PATH ?? '', HOME: dir, VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: token };
  settleWriteback(2000);
  const cosignStarted = process.hrtime.bigint();
  for (let i = 0; i < COSIGN_SAMPLE; i++) {
    const file = join(dir, 'files', `f${i}.bin`);
    const r = spawnSync(join(stack.STACK_BIN, 'cosign'), cosignSignBlobArgs(stack, file, `${file}.cosign.sig`), {
      encoding: 'utf8',
      env: cosignEnv,
    });
    if (r.status !== 0) throw new Error(`cosign sign-blob failed: ${r.stderr.slice(0, 500)}`);
  }
  const cosignMs = Number(process.hrtime.bigint() - cosignStarted) / 1e6;
  const oursPerFile = oursMs / FILES;
  const cosignPerFile = cosignMs / COSIGN_SAMPLE;
  return {
    files: FILES,
    file_size_bytes: FILE_SIZE,
    ours_runs: OURS_RUNS,
    ours_outputs: '.sig per file (as the cosign loop writes)',
    ours_total_ms_median: round(oursMs),
    ours_total_ms_all: oursRuns.map((ms) => round(ms)),
    ours_with_bundles_total_ms_median: round(withBundleMs),
    ours_with_bundles_per_file_ms: round(withBundleMs / FILES, 3),
    ratio_with_bundles: round(withBundleMs / FILES / cosignPerFile, 4),
    ours_per_file_ms: round(oursPerFile, 3),
    cosign_sample: COSIGN_SAMPLE,
    cosign_per_file_ms: round(cosignPerFile, 1),
    ratio: round(oursPerFile / cosignPerFile, 4),
    speedup: round(cosignPerFile / oursPerFile, 1),
    target: 'ratio <= 0.01 (≥ 100× faster per file; ours ÷ cosign, lower is better)',
  };
}

/** Throughput (MB/s) and peak RSS of one hashing process, median of 3 after a warm-up read. */
function hashing(dir: string) {
  const big = join(dir, 'big.bin');
  const small = join(dir, 'small.bin');
  writeRandomFile(big, BIG_FILE_MIB);
  writeRandomFile(small, 16);
  const digestScript = join(repoRoot, 'src', 'core', 'signing', 'digest.ts');
  const ours = (file: string) =>
    timed(process.execPath, [
      '--input-type=module',
      '-e',
      `import { sha256File } from ${JSON.stringify(digestScript)};` +
        `const r = await sha256File(${JSON.stringify(file)});` +
        `console.log(r.digest.toString('hex') + ' ' + process.resourceUsage().maxRSS);`,
    ]);
  const sha256sum = (file: string) => timed('/usr/bin/time', ['-f', '%M', 'sha256sum', file]);
  spawnSync('cat', [big], { stdio: ['ignore', 'ignore', 'ignore'] }); // into the page cache
  const oursRuns = [ours(big), ours(big), ours(big)];
  const peerRuns = [sha256sum(big), sha256sum(big), sha256sum(big)];
  const oursHex = oursRuns[0]?.stdout.split(' ')[0];
  const peerHex = peerRuns[0]?.stdout.split(' ')[0];
  if (!oursHex || oursHex !== peerHex) throw new Error(`digests differ: ours ${oursHex}, sha256sum ${peerHex}`);
  const mb = (BIG_FILE_MIB * 1024 * 1024) / 1e6;
  const oursMs = median(oursRuns.map((r) => r.ms));
  const peerMs = median(peerRuns.map((r) => r.ms));
  const smallRss = Number(ours(small).stdout.trim().split(' ')[1]) / 1024;
  const bigRss = Number(oursRuns[0]?.stdout.trim().split(' ')[1]) / 1024;
  return {
    hash_file_mib: BIG_FILE_MIB,
    hash_ours_mb_s: round(mb / (oursMs / 1000)),
    hash_sha256sum_mb_s: round(mb / (peerMs / 1000)),
    hash_throughput_ratio: round(peerMs / oursMs, 2),
    hash_target: 'hash_throughput_ratio >= 0.9 (ours ÷ sha256sum throughput, higher is better)',
    hash_peak_rss_mib_16_mib_file: round(smallRss),
    hash_peak_rss_mib_big_file: round(bigRss),
    hash_sha256sum_peak_rss_mib: round(Number(peerRuns[0]?.stderr.trim().split('\n').at(-1)) / 1024),
  };
}

function writeRandomFile(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  const chunk = randomBytes(1024 * 1024);
  for (let i = 0; i < mib; i++)
    writeSync(
      fd,
      chunk.map((b) => b ^ (i & 0xff)),
    );
  closeSync(fd);
}

function timed(command: string, args: readonly string[]): { ms: number; stdout: string; stderr: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, stdout: r.stdout, stderr: r.stderr };
}

function settleWriteback(waitMs: number): void {
  spawnSync('sync');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs);
}
