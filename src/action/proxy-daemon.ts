/**
 * dist/proxy.js: the job-local Vault proxy the main step starts with `proxy: true`. It reads the
 * same inputs as the main step (its environment is the step's), logs in, serves until the post
 * step sends SIGTERM, then revokes every token it minted. Its output goes to a log file that the
 * post step prints; secrets are redacted from it as they are written.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createStderrLogger } from '../cli/logger.ts';
import { codeOf } from '../cli/errors.ts';
import { describeError } from '../core/errors.ts';
import { createLogin } from '../core/login/create.ts';
import { writeReadyFile } from '../core/proxy/ready.ts';
import { describeStop, startProxyService } from '../core/proxy/service.ts';
import { parseActionConfig } from './config.ts';
import { READY_FILE_VARIABLE } from './proxy-start.ts';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createStderrLogger(env, (text) => process.stderr.write(`${new Date().toISOString()} ${text}`));
  const readyFile = env[READY_FILE_VARIABLE] ?? '';
  let stopRequested = false;
  const stopped = new Promise<void>((resolve) => {
    for (const signal of STOP_SIGNALS) {
      process.once(signal, () => {
        stopRequested = true;
        resolve();
      });
    }
  });
  try {
    const config = parseActionConfig(env, env.GITHUB_WORKSPACE || process.cwd());
    const login = createLogin({
      connection: config.connection,
      login: config.login,
      logger,
      onSecret: (secret) => logger.redact(secret),
      proxyEnv: env,
    });
    const starting = startProxyService({
      login,
      connection: config.connection,
      proxyEnv: env,
      ...config.proxyOptions,
      tempDir: env.RUNNER_TEMP || tmpdir(),
      logger,
    });
    starting.catch(() => undefined); // awaited below, also after a stop
    await Promise.race([starting, stopped]);
    if (stopRequested) {
      // Stopped during the first login (the post step after a main step that gave up waiting):
      // end the login now; a proxy that started meanwhile stops at once, revoking its token.
      login.close();
      const late = await starting.catch(() => undefined);
      if (late) logger.info(describeStop(await late.stop()));
      return;
    }
    const service = await starting;
    if (readyFile) writeReadyFile(readyFile, { vaultAddr: service.vaultAddr, pid: process.pid });
    logger.info(`Vault proxy serving at ${service.vaultAddr} (pid ${process.pid})`);
    await stopped;
    if (readyFile) rmSync(readyFile, { force: true });
    const report = await service.stop();
    logger.info(describeStop(report));
    process.exitCode = report.revocation.failed > 0 ? 1 : 0;
  } catch (error: unknown) {
    logger.error(codeOf(error), describeError(error));
    process.exitCode = stopRequested ? 0 : 1;
  }
}
