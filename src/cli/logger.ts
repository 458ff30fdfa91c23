import type { Logger } from '../core/logger.ts';

/** A stderr logger that replaces every registered secret with *** before printing. */
export interface RedactingLogger extends Logger {
  redact(secret: string): void;
  error(message: string): void;
}

export function createStderrLogger(env: NodeJS.ProcessEnv): RedactingLogger {
  const secrets = new Set<string>();
  const verbose = env.SPIFFE_VAULT_DEBUG === '1' || env.RUNNER_DEBUG === '1';
  const clean = (message: string) => {
    let text = message;
    for (const secret of secrets) text = text.split(secret).join('***');
    return text;
  };
  const write = (prefix: string, message: string) => process.stderr.write(`${prefix}${clean(message)}\n`);
  return {
    redact: (secret) => {
      if (secret) secrets.add(secret);
    },
    debug: (message) => {
      if (verbose) write('debug: ', message);
    },
    info: (message) => write('', message),
    warning: (message) => write('warning: ', message),
    error: (message) => write('spiffe-vault: error: ', message),
  };
}
