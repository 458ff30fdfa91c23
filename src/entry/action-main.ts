// dist/main.js: the action's main step (see src/action/main.ts).
import { ACTION_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, ACTION_NODE_FIX);
if (problem) {
  process.stdout.write(`::error::spiffe-vault-action [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
  process.exitCode = 1;
} else {
  void import('../action/main.ts').then(({ run }) => run());
}
