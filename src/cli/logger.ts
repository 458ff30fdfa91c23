/**
 * The CLI logger: messages on stderr with every registered secret (and anything JWT-shaped)
 * redacted, one line per error with its code.
 */
import type { Logger } from '../core/logger.ts';
import { redactJwts } from '../core/spiffe/errors.ts';

/** A stderr logger that replaces every registered secret (and anything JWT-shaped) with ***. */
export interface RedactingLogger extends Logger {
  redact(secret: string): void;
  /** The one line an error gets: `spiffe-vault: error [CODE]: message`. */
  error(code: string, message: string): void;
  /** Quiet: info lines are dropped, warnings and errors still print. */
  setQuiet(quiet: boolean): void;
}

export function createStderrLogger(
  env: NodeJS.ProcessEnv,
  write = (text: string) => process.stderr.write(text),
): RedactingLogger {
  const secrets = new Set<string>();
  const verbose = env.SPIFFE_VAULT_DEBUG === '1' || env.RUNNER_DEBUG === '1';
  let quiet = false;
  const clean = (message: string) => {
    let text = message;
    for (const secret of secrets) text = text.split(secret).join('***');
    return redactJwts(text);
  };
  const line = (prefix: string, message: string) => write(`${prefix}${clean(message)}\n`);
  return {
    redact: (secret) => {
      if (!secret) return;
      secrets.add(secret);
      // Multi-line secrets (PEM) are also redacted line by line.
      for (const part of secret.split(/\r?\n/)) if (part.trim().length >= 8) secrets.add(part);
    },
    debug: (message) => {
      if (verbose) line('spiffe-vault: debug: ', message);
    },
    info: (message) => {
      if (!quiet) line('', message);
    },
    warning: (message) => line('spiffe-vault: warning: ', message),
    error: (code, message) => line(`spiffe-vault: error [${code}]: `, message.replace(/\s*\n\s*/g, ' ')),
    setQuiet: (value) => {
      quiet = value;
    },
  };
}
