/**
 * What dist/main.js runs once the Node version is checked (bundled as dist/action-run.js): the
 * main step, with SIGINT and SIGTERM handled between event-loop turns rather than by the
 * default, which can end the process in the middle of writing a file's outputs, or while a login
 * is minting a token that nobody would then save (see stop-signal.ts).
 */
import { defaultMainDependencies, run } from './main.ts';
import { STOP_SIGNALS, StopOnSignal } from './stop-signal.ts';

export function runMainStep(): Promise<void> {
  const stop = new StopOnSignal({
    warning: (message) => process.stdout.write(`::warning::spiffe-vault-action: ${message}\n`),
    exit: (code) => process.exit(code),
  });
  for (const signal of STOP_SIGNALS) process.on(signal, () => void stop.stop(signal));
  return run(stop.guarding(defaultMainDependencies()));
}
