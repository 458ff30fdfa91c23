// `npm run bench -- attest`: SLSA provenance for 1,000 files and for 50 images, each in one run
// of ours (`spiffe-vault attest-blob` / `attest-image --provenance`), against what users do today:
// a loop of `cosign attest-blob` / `cosign attest --key hashivault://` over the same subjects, in
// the same run, with the same provenance predicate. For files it also times the fastest cosign
// way we know: one `cosign attest-blob --statement` over a statement the user built (sha256sum
// of every file, then JSON), which needs no loop but leaves the hashing and the statement to the
// user. Every result is checked with real cosign, outside the timed part.
// BENCH_ATTEST_PEER_ONLY=1 measures cosign's side alone (ratios null), e.g. on a tree without
// the attestation commands.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../__tests__/helpers/cli-run.ts';
import { pushImage } from '../__tests__/helpers/oci-images.ts';
import type { StackEnv } from '../__tests__/helpers/stack-env.ts';
import { SLSA_PROVENANCE_V1 } from '../src/core/attest/predicate-type.ts';
import { buildProvenance } from '../src/core/attest/provenance.ts';
import { IN_TOTO_STATEMENT_TYPE } from '../src/core/attest/statement.ts';
import { median, round } from './measure.ts';
import { registryRequestLog } from './registry-floor.ts';

const FILES = Number(process.env.BENCH_ATTEST_FILES ?? 1000);
const FILE_SIZE = 4096;
const IMAGES = Number(process.env.BENCH_ATTEST_IMAGES ?? 50);
/** cosign runs one process per file: all of them, or (BENCH_COSIGN_SAMPLE) a sample, extrapolated per file. */
const COSIGN_FILE_SAMPLE = Math.min(FILES, Number(process.env.BENCH_COSIGN_SAMPLE ?? FILES));
const OURS_FILE_RUNS = 5;
const OURS_IMAGE_RUNS = 3;
/** The bundle form cosign v3 writes for images by default: a Sigstore bundle as an OCI 1.1 referrer. */
const COSIGN_OFFLINE = ['--tlog-upload=false', '--use-signing-config=false', '--new-bundle-format'];
const PEER_ONLY = process.env.BENCH_ATTEST_PEER_ONLY === '1';

export function benchAttest(stack: StackEnv): Record<string, unknown> {
  if (!PEER_ONLY) {
    requireCommand('attest-blob');
    requireCommand('attest-image');
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-attest-'));
  try {
    const peer = cosignPeer(stack, dir);
    const f = files(stack, dir, peer);
    const i = images(stack, dir, peer);
    return {
      benchmark: 'attest',
      ...(PEER_ONLY ? { peer_only: 'BENCH_ATTEST_PEER_ONLY=1: only cosign was measured' } : {}),
      ratio: { files: f.files_ratio, images: i.images_ratio },
      ratio_what: 'ours ÷ the cosign loop over the same subjects, lower is better',
      ...f,
      ...i,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench needs the attestation commands in dist/cli.js: says so when they are not there. */
function requireCommand(command: string): void {
  const r = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8' });
  if (r.status !== 0) {
    const said = `${r.stderr}${r.stdout}`.trim().split('\n')[0] ?? '';
    throw new Error(
      `dist/cli.js has no '${command}' command (exit ${r.status}: ${said}) — this benchmark needs a build with ` +
        'the attestation commands (spiffe-vault attest-blob, attest-image); build one with npm run build',
    );
  }
}

interface CosignPeer {
  /** Runs `$STACK_BIN/cosign ARGS`, with the stack's Vault for hashivault://; throws on failure. */
  run(args: readonly string[]): string;
  /** The transit key's public key (PEM file), for the checks. */
  readonly publicKey: string;
  /** The provenance predicate cosign signs: what ours records outside a CI, same builder. */
  readonly predicate: string;
}

function cosignPeer(stack: StackEnv, dir: string): CosignPeer {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    VAULT_ADDR: stack.VAULT_ADDR,
    VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
  };
  const run = (args: readonly string[]) => {
    const r = spawnSync(join(stack.STACK_BIN, 'cosign'), args, { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`cosign ${args[0]} failed: ${r.stderr.slice(-800)}`);
    return r.stdout;
  };
  const publicKey = join(dir, 'cosign.pub');
  writeFileSync(publicKey, run(['public-key', '--key', `hashivault://${stack.STACK_TRANSIT_KEY}`]));
  const predicate = join(dir, 'provenance.json');
  writeFileSync(predicate, JSON.stringify(buildProvenance({ builderId: stack.STACK_SPIFFE_ID, env: {} })));
  return { run, publicKey, predicate };
}

/** Our CLI, logging in with the stack's SPIFFE identity as a job would. */
function ours(stack: StackEnv, args: readonly string[], cwd: string): number {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: cwd,
    VAULT_ADDR: stack.VAULT_ADDR,
    SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET,
  };
  const login = ['--role', stack.STACK_ROLE, '--audience', stack.STACK_AUDIENCE];
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, args[0] as string, ...login, ...args.slice(1)], {
    encoding: 'utf8',
    env,
    cwd,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`spiffe-vault ${args[0]} failed (exit ${r.status}): ${r.stderr.slice(-1500)}`);
  return ms;
}

function files(stack: StackEnv, dir: string, cosign: CosignPeer) {
  const work = join(dir, 'files-run');
  mkdirSync(join(work, 'files'), { recursive: true });
  const names = Array.from({ length: FILES }, (_, i) => `files/f${i}.bin`);
  for (const name of names) writeFileSync(join(work, name), randomBytes(FILE_SIZE));
  /** cosign verifies `bundle` for the first and last file (or only the first). */
  const checkBundle = (bundle: string, subjects = [names[0], names.at(-1)] as string[]) => {
    for (const name of subjects) {
      cosign.run([
        'verify-blob-attestation',
        '--key',
        cosign.publicKey,
        '--type',
        'slsaprovenance1',
        '--insecure-ignore-tlog=true',
        '--bundle',
        bundle,
        join(work, name),
      ]);
    }
  };

  // Ours: one process, one statement with every file as a subject, one signature.
  const oursRuns = Array.from({ length: PEER_ONLY ? 0 : OURS_FILE_RUNS }, () => {
    const before = new Set(bundlesUnder(work));
    const ms = ours(stack, ['attest-blob', '--provenance', 'files/*.bin'], work);
    const written = bundlesUnder(work).filter((path) => !before.has(path));
    if (written.length === 0) throw new Error('attest-blob --provenance wrote no *.intoto.sigstore.json bundle');
    checkBundle(written[0] as string);
    for (const path of written) rmSync(path);
    return ms;
  });
  const oursMs = PEER_ONLY ? NaN : median(oursRuns);

  // cosign, as a loop: one process and one statement per file (a sample, extrapolated).
  const loopStarted = process.hrtime.bigint();
  for (const name of names.slice(0, COSIGN_FILE_SAMPLE)) {
    const file = join(work, name);
    cosign.run([
      'attest-blob',
      '--yes',
      '--key',
      `hashivault://${stack.STACK_TRANSIT_KEY}`,
      ...COSIGN_OFFLINE,
      '--type',
      'slsaprovenance1',
      '--predicate',
      cosign.predicate,
      '--bundle',
      `${file}.intoto.sigstore.json`,
      file,
    ]);
  }
  const loopMs = Number(process.hrtime.bigint() - loopStarted) / 1e6;
  checkBundle(join(work, `${names[0]}.intoto.sigstore.json`), [names[0] as string]);
  const cosignPerFile = loopMs / COSIGN_FILE_SAMPLE;

  // cosign, once: sha256sum of every file, the statement built from it, one attest-blob --statement.
  const statement = join(dir, 'statement.json');
  const bundle = join(dir, 'all.intoto.sigstore.json');
  const onceStarted = process.hrtime.bigint();
  const sums = spawnSync('sha256sum', names, { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (sums.status !== 0) throw new Error(`sha256sum failed: ${sums.stderr}`);
  const subject = sums.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [sha256, name] = line.split(/ [ *]/) as [string, string];
      return { name, digest: { sha256 } };
    });
  const predicate: unknown = JSON.parse(readFileSync(cosign.predicate, 'utf8'));
  writeFileSync(
    statement,
    JSON.stringify({ _type: IN_TOTO_STATEMENT_TYPE, subject, predicateType: SLSA_PROVENANCE_V1, predicate }),
  );
  cosign.run([
    'attest-blob',
    '--yes',
    '--key',
    `hashivault://${stack.STACK_TRANSIT_KEY}`,
    ...COSIGN_OFFLINE,
    '--statement',
    statement,
    '--bundle',
    bundle,
  ]);
  const onceMs = Number(process.hrtime.bigint() - onceStarted) / 1e6;
  checkBundle(bundle);

  return {
    files: FILES,
    file_size_bytes: FILE_SIZE,
    files_ours_runs: OURS_FILE_RUNS,
    files_ours_total_ms_median: orNull(round(oursMs)),
    files_ours_total_ms_all: oursRuns.map((ms) => round(ms)),
    files_ours_per_file_ms: orNull(round(oursMs / FILES, 3)),
    files_cosign_loop_sample: COSIGN_FILE_SAMPLE,
    files_cosign_loop_sample_ms: round(loopMs),
    files_cosign_loop_per_file_ms: round(cosignPerFile, 2),
    files_cosign_loop_total_ms: round(cosignPerFile * FILES),
    files_cosign_loop_note:
      COSIGN_FILE_SAMPLE < FILES
        ? `cosign attested ${COSIGN_FILE_SAMPLE} of the ${FILES} files (one process and one statement each); files_cosign_loop_total_ms is per file × ${FILES}`
        : `cosign attested all ${FILES} files (one process and one statement each)`,
    files_ratio: orNull(round(oursMs / (cosignPerFile * FILES), 4)),
    files_speedup: orNull(round((cosignPerFile * FILES) / oursMs, 1)),
    files_cosign_one_statement_ms: round(onceMs),
    files_cosign_one_statement_what: `sha256sum of the ${FILES} files, the statement built from its output, one cosign attest-blob --statement`,
    files_ratio_vs_one_statement: orNull(round(oursMs / onceMs, 3)),
  };
}

function images(stack: StackEnv, dir: string, cosign: CosignPeer) {
  const repository = `bench-attest-${Date.now().toString(36)}`;
  const repo = `${stack.STACK_REGISTRY}/${repository}`;
  const log = registryRequestLog(stack);
  // Every timed run attests images of its own, never attested before, so each does the same work.
  const freshImages = (set: string) =>
    Array.from(
      { length: IMAGES },
      (_, i) => `${repo}@${pushImage(stack, `${repo}:${set}-${i}`, `bench attest image ${set} ${i}`)}`,
    );
  const checkImages = (list: readonly string[]) => {
    for (const image of [list[0], list.at(-1)] as string[]) {
      cosign.run([
        'verify-attestation',
        '--key',
        cosign.publicKey,
        '--type',
        'slsaprovenance1',
        '--insecure-ignore-tlog=true',
        image,
      ]);
    }
  };
  const work = join(dir, 'images-run');
  mkdirSync(work);

  const oursRequests: number[] = [];
  const oursRuns = Array.from({ length: PEER_ONLY ? 0 : OURS_IMAGE_RUNS }, (_, run) => {
    const list = freshImages(`ours${run}`);
    const mark = log.mark();
    // The same form as cosign's below: a bundle referrer (the default, legacy, writes the .att tag).
    const ms = ours(stack, ['attest-image', '--provenance', '--format', 'bundle', ...list], work);
    oursRequests.push(log.countSince(mark, repository));
    checkImages(list);
    return ms;
  });
  const oursMs = PEER_ONLY ? NaN : median(oursRuns);

  const list = freshImages('cosign');
  const mark = log.mark();
  const started = process.hrtime.bigint();
  for (const image of list) {
    cosign.run([
      'attest',
      '--yes',
      '--key',
      `hashivault://${stack.STACK_TRANSIT_KEY}`,
      ...COSIGN_OFFLINE,
      '--type',
      'slsaprovenance1',
      '--predicate',
      cosign.predicate,
      image,
    ]);
  }
  const cosignMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cosignRequests = log.countSince(mark, repository);
  checkImages(list);

  return {
    images: IMAGES,
    images_ours_runs: OURS_IMAGE_RUNS,
    images_ours_total_ms_median: orNull(round(oursMs)),
    images_ours_total_ms_all: oursRuns.map((ms) => round(ms)),
    images_ours_registry_requests: PEER_ONLY ? null : median(oursRequests),
    images_ours_form: 'Sigstore bundle as an OCI 1.1 referrer (--format bundle)',
    images_cosign_total_ms: round(cosignMs),
    images_cosign_per_image_ms: round(cosignMs / IMAGES),
    images_cosign_registry_requests_per_image: round(cosignRequests / IMAGES),
    images_cosign_form: 'Sigstore bundle as an OCI 1.1 referrer (cosign v3 --new-bundle-format)',
    images_ratio: orNull(round(oursMs / cosignMs, 3)),
    images_speedup: orNull(round(cosignMs / oursMs, 1)),
  };
}

/** Every *.intoto.sigstore.json under `root`, as paths. */
function bundlesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.intoto.sigstore.json'))
    .map((name) => join(root, name));
}

/** A figure, or null when ours was not measured (BENCH_ATTEST_PEER_ONLY). */
function orNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
