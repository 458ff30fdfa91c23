/**
 * `proxy: true`, post step side: stops the proxy the main step started (SIGTERM: it stops
 * serving and revokes every token it minted), prints its log, and removes its folder. A proxy the
 * runner already killed is fine: its tokens expire at their TTL.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REVOKE_DEADLINE_MS } from '../core/login/revoke.ts';
import { DRAIN_GRACE_MS } from '../core/proxy/server.ts';
import { PROXY_LOG_NAME } from './proxy-start.ts';
import type { ActionRunner } from './runner.ts';
import type { SavedProxy } from './state.ts';

/** Draining requests under way, then revoking: what the proxy needs before it exits. */
export const PROXY_STOP_WAIT_MS = DRAIN_GRACE_MS + REVOKE_DEADLINE_MS + 5_000;
const POLL_MS = 100;

export async function stopActionProxy(
  runner: ActionRunner,
  proxy: SavedProxy,
  waitMs = PROXY_STOP_WAIT_MS,
): Promise<void> {
  const { pid } = proxy;
  if (!isOurProxy(pid)) {
    runner.info(`The Vault proxy (pid ${pid}) had already stopped; its tokens expire at their TTL.`);
  } else {
    process.kill(pid, 'SIGTERM');
    if (!(await gone(pid, waitMs))) {
      process.kill(pid, 'SIGKILL');
      runner.warning(
        `the Vault proxy (pid ${pid}) did not stop within ${waitMs / 1000} s and was killed; tokens it could not revoke stay valid until their TTL ends`,
      );
    }
  }
  const log = join(proxy.dir, PROXY_LOG_NAME);
  if (existsSync(log)) {
    for (const line of readFileSync(log, 'utf8').split('\n')) if (line.trim()) runner.info(`proxy: ${line}`);
  }
  rmSync(proxy.dir, { recursive: true, force: true });
}

/** Alive, and (where /proc tells) still the proxy: a pid can be reused once its process ended. */
function isOurProxy(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('proxy.js');
  } catch {
    return true; // no /proc (macOS): the pid is all there is
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An exited process that nobody has reaped yet still answers kill(pid, 0).
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function gone(pid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return !isAlive(pid);
}
