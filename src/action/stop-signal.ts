/**
 * A cancelled job's SIGINT (then SIGTERM) to the main step. No login starts after the signal; a
 * login under way may still bring a token, so the step waits for it (briefly) before it exits as
 * a shell would (130, 143). Set-up checks under way (doctor) get the same wait, to revoke the
 * token they minted. The main step saves a token to the state in the same turn of the
 * event loop as its login returns (VaultSession's onToken), so a token that arrives in time is
 * saved like every other, and the post step revokes them all.
 *
 * Saved, not revoked here: the post step runs after a cancel too, revokes from the state alone
 * with a deadline of its own and honours `revoke: false`; the runner gives this step only a few
 * seconds after the signal, and a token revoked here would have to leave the state again, or the
 * post step would revoke it twice.
 */
import { LOGIN_ABORT_GRACE_MS } from '../core/login/revoke.ts';
import type { VaultLogin } from '../core/login/types.ts';
import type { DoctorRunner } from './doctor.ts';
import type { MainDependencies } from './main.ts';

const defaultDoctor: DoctorRunner = async (plan, deps) => {
  const { runDoctor } = await import('../core/doctor/index.ts');
  return runDoctor(plan, deps);
};

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The shell's exit status for death by `signal`. */
export function stopExitCode(signal: StopSignal): number {
  return 128 + (signal === 'SIGINT' ? 2 : 15);
}

export interface StopOnSignalOptions {
  readonly warning: (message: string) => void;
  readonly exit: (code: number) => void;
  /** How long to wait for a login under way (default LOGIN_ABORT_GRACE_MS). */
  readonly graceMs?: number;
}

export class StopOnSignal {
  private readonly options: StopOnSignalOptions;
  private signal: StopSignal | undefined;
  private readonly underWay = new Set<Promise<unknown>>();

  constructor(options: StopOnSignalOptions) {
    this.options = options;
  }

  /**
   * The main step's dependencies, with every login it makes watched, and its set-up checks too
   * (doctor mints a token of its own, and revokes it as it ends).
   */
  guarding(deps: MainDependencies): MainDependencies {
    const check = deps.runDoctor ?? defaultDoctor;
    return {
      ...deps,
      createLogin: (options) => this.guard(deps.createLogin(options)),
      runDoctor: (plan, doctorDeps) => this.watch(() => check(plan, doctorDeps)),
    };
  }

  guard(method: VaultLogin): VaultLogin {
    return { vault: method.vault, close: () => method.close(), login: () => this.watch(() => method.login()) };
  }

  /** Starts `work` and keeps it in sight until it settles; after the signal, starts nothing. */
  private watch<T>(work: () => Promise<T>): Promise<T> {
    // The step exits once the work under way is done: work asked for now never starts, and never
    // answers (an error would only start the failure's set-up checks).
    if (this.signal) return new Promise<T>(() => {});
    const attempt = work();
    this.underWay.add(attempt);
    const forget = () => this.underWay.delete(attempt);
    attempt.then(forget, forget);
    return attempt;
  }

  /** The first signal starts the stop; later ones change nothing (the wait is short anyway). */
  async stop(signal: StopSignal): Promise<void> {
    if (this.signal) return;
    this.signal = signal;
    this.options.warning(`stopped by ${signal}; the post step revokes the Vault token(s)`);
    await this.underWaySettled(this.options.graceMs ?? LOGIN_ABORT_GRACE_MS);
    // One more turn of the event loop: what the main step does as a login returns (saving the
    // token) runs before it.
    await new Promise((resolve) => setImmediate(resolve));
    this.options.exit(stopExitCode(signal));
  }

  /** The work under way settled, or `ms` passed. The timer keeps the process alive meanwhile. */
  private async underWaySettled(ms: number): Promise<void> {
    if (this.underWay.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.underWay]),
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }
}
