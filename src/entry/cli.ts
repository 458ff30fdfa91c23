#!/usr/bin/env node
// dist/cli.js: the `spiffe-vault` command line (see src/cli/main.ts and `spiffe-vault --help`).
import { useCompileCache } from './compile-cache.ts';
import { CLI_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, CLI_NODE_FIX);
if (problem) {
  process.stderr.write(`spiffe-vault: error [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
  process.exitCode = 1;
} else {
  useCompileCache();
  // dist/cli-run.js (src/cli/main.ts): a bundle of its own, so the compile cache covers it.
  void (require('./cli-run.js') as typeof import('../cli/main.ts')).main();
}
