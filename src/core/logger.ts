/** The core logs through this; adapters forward it (Actions: core.debug/info/warning, CLI: stderr). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const NOOP_LOGGER: Logger = Object.freeze({
  debug() {},
  info() {},
  warning() {},
});
