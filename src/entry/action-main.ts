// dist/main.js: the action's main step (see src/action/main.ts).
import { useCompileCache } from './compile-cache.ts';
import { ACTION_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, ACTION_NODE_FIX);
if (problem) {
  process.stdout.write(`::error::spiffe-vault-action [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
  process.exitCode = 1;
} else {
  // A cancelled job gets SIGINT, then SIGTERM. Handled here (between event-loop turns) rather
  // than by the default, which can end the process in the middle of writing a file's outputs.
  // Every token is in the saved state from the moment it is minted: the post step revokes them.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stdout.write(
        `::warning::spiffe-vault-action: stopped by ${signal}; the post step revokes the Vault token(s)\n`,
      );
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    });
  }
  useCompileCache();
  // dist/action-run.js (src/action/main.ts): a bundle of its own, so the compile cache covers it.
  void (require('./action-run.js') as typeof import('../action/main.ts')).run();
}
