// dist/post.js: the action's post step (see src/action/post.ts).
import { ACTION_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, ACTION_NODE_FIX);
if (problem) {
  process.stdout.write(`::warning::spiffe-vault-action [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
} else {
  void import('../action/post.ts').then(({ run }) => run());
}
