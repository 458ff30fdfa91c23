import * as core from '@actions/core';
import type { Logger } from '../core/logger.ts';

export const actionsLogger: Logger = Object.freeze({
  // The runner keeps ::debug:: lines only when step debug logging is on (then RUNNER_DEBUG=1);
  // writing them otherwise costs a write per line (one per signed file) for nothing.
  debug: (message: string) => {
    if (core.isDebug()) core.debug(message);
  },
  info: (message: string) => core.info(message),
  warning: (message: string) => core.warning(message),
});

/** Masks a secret, and each line of it when it spans several (the runner masks per line). */
export function maskSecret(secret: string): void {
  core.setSecret(secret);
  for (const line of secret.split(/\r?\n/)) {
    if (line.trim() !== '' && line !== secret) core.setSecret(line);
  }
}
