/**
 * Stop signals (SIGINT, SIGTERM, SIGHUP) while a command holds tokens: watch them, wait briefly
 * for a login under way, and exit as a shell would.
 */
import { constants } from 'node:os';

export { LOGIN_ABORT_GRACE_MS } from '../core/login/revoke.ts';

/** The signals that ask a CI job (or a user at a terminal) to stop. */
export const TERMINATION_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's exit status for death by `signal`: 128 + its number (SIGTERM → 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Catches SIGINT/SIGTERM/SIGHUP while installed, so the process can clean up (revoke its token)
 * instead of dying at once. Listeners see every signal, in order of arrival.
 */
export class TerminationWatch {
  private first: NodeJS.Signals | undefined;
  private readonly listeners = new Set<(signal: NodeJS.Signals) => void>();
  private readonly waiters: ((signal: NodeJS.Signals) => void)[] = [];
  private readonly handler = (signal: NodeJS.Signals) => {
    this.first ??= signal;
    for (const resolve of this.waiters.splice(0)) resolve(signal);
    for (const listener of this.listeners) listener(signal);
  };

  constructor() {
    for (const signal of TERMINATION_SIGNALS) process.on(signal, this.handler);
  }

  /** The first signal received, if any. */
  get received(): NodeJS.Signals | undefined {
    return this.first;
  }

  /** Resolves at the first signal (at once if one was already received). */
  signaled(): Promise<NodeJS.Signals> {
    if (this.first) return Promise.resolve(this.first);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Calls `listener` on every signal from now on; returns a function that stops it. */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Restores the default behaviour (die at the signal). */
  dispose(): void {
    for (const signal of TERMINATION_SIGNALS) process.off(signal, this.handler);
    this.listeners.clear();
  }
}

/** Ends the process now with the status of death by `signal` (after cleaning up). */
export function exitAfterSignal(signal: NodeJS.Signals): never {
  process.exit(signalExitCode(signal));
}

/** Resolves with `promise`'s value, or undefined when it fails or takes longer than `ms`. */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([
    promise.catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref()),
  ]);
}
