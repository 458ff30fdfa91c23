// Benchmarks: `npm run bench -- [attest|auth|blobs|images|load|proxy]`. Prints figures and ratios against a peer measured in
// the same run, and writes them to bench/results/<name>.json (git-ignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackEnv, repoRoot } from '../__tests__/helpers/stack-env.ts';
import { benchAttest } from './attest.ts';
import { benchAuth } from './auth.ts';
import { benchBlobs } from './blobs.ts';
import { benchImages } from './images.ts';
import { benchLoad } from './load.ts';
import { benchProxy } from './proxy.ts';

type Result = Record<string, unknown>;

const BENCHES: Record<string, (runs: number) => Result | Promise<Result>> = {
  attest: () => benchAttest(loadStackEnv()),
  auth: (runs) => benchAuth(loadStackEnv(), runs),
  blobs: () => benchBlobs(loadStackEnv()),
  images: () => benchImages(loadStackEnv()),
  load: () => benchLoad(loadStackEnv()),
  proxy: () => benchProxy(loadStackEnv()),
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const runs = Number(process.env.BENCH_RUNS ?? 15);
for (const name of names.length ? names : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
    process.exit(2);
  }
  const result = { ...(await bench(runs)), node: process.version, measured_at: new Date().toISOString() };
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
