// dist/main.js: the action's main step (see src/action/main-step.ts and src/action/main.ts).
import { useCompileCache } from './compile-cache.ts';
import { ACTION_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, ACTION_NODE_FIX);
if (problem) {
  process.stdout.write(`::error::spiffe-vault-action [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
  process.exitCode = 1;
} else {
  useCompileCache();
  // dist/action-run.js (src/action/main-step.ts): a bundle of its own, so the compile cache covers it.
  void (require('./action-run.js') as typeof import('../action/main-step.ts')).runMainStep();
}
