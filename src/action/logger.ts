import * as core from '@actions/core';
import type { Logger } from '../core/logger.ts';

export const actionsLogger: Logger = Object.freeze({
  debug: (message: string) => core.debug(message),
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
