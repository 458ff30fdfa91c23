/** The `spiffe-vault` process: argv, the environment and stdio into runCli, its status out. */
import { runCli } from './cli.ts';
import { createStderrLogger } from './logger.ts';

export async function main(): Promise<void> {
  const logger = createStderrLogger(process.env);
  try {
    process.exitCode = await runCli(process.argv.slice(2), {
      env: process.env,
      cwd: process.cwd(),
      logger,
      out: (text) => process.stdout.write(text),
    });
  } catch (error: unknown) {
    logger.error('ERROR', error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
