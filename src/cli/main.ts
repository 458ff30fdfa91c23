#!/usr/bin/env node
// The `spiffe-vault` command line (dist/cli.js). See `spiffe-vault --help`.
import { runCli } from './cli.ts';
import { createStderrLogger } from './logger.ts';

const logger = createStderrLogger(process.env);
runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  logger,
  out: (text) => process.stdout.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    logger.error('ERROR', error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
