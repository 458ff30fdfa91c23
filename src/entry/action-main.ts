// dist/main.js: the action's main step (see src/action/main.ts).
import { ACTION_NODE_FIX, nodeVersionProblem } from './node-version.ts';

const problem = nodeVersionProblem(process.version, ACTION_NODE_FIX);
if (problem) {
  process.stdout.write(`::error::spiffe-vault-action [NODE_VERSION_UNSUPPORTED]: ${problem}\n`);
  process.exitCode = 1;
} else {
  // A cancelled job gets SIGINT, then SIGTERM. Handled here (between event-loop turns) rather
  // than by the default, which can end the process in the middle of writing a file's outputs,
  // or while a login is minting a token that nobody would then save (see stop-signal.ts).
  void import('../action/stop-signal.ts').then(({ StopOnSignal, STOP_SIGNALS }) => {
    const stop = new StopOnSignal({
      warning: (message) => process.stdout.write(`::warning::spiffe-vault-action: ${message}\n`),
      exit: (code) => process.exit(code),
    });
    for (const signal of STOP_SIGNALS) process.on(signal, () => void stop.stop(signal));
    return import('../action/main.ts').then(({ run, defaultMainDependencies }) =>
      run(stop.guarding(defaultMainDependencies())),
    );
  });
}
