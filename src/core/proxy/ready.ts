/**
 * How a process that starts the proxy learns that it serves: the proxy writes a ready file
 * (JSON `{ vaultAddr, pid }`, whole, mode 0600) once it listens, and removes it when it stops.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface ReadyInfo {
  /** As clients write VAULT_ADDR: `unix:///…/vault.sock` or `http://127.0.0.1:PORT`. */
  readonly vaultAddr: string;
  readonly pid: number;
}

const POLL_MS = 50;

export function writeReadyFile(file: string, info: ReadyInfo): void {
  const partial = `${file}.partial`;
  writeFileSync(partial, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

export function readReadyFile(file: string): ReadyInfo {
  return JSON.parse(readFileSync(file, 'utf8')) as ReadyInfo;
}

/** 'ready' once the ready file exists, the exit status if the process ends first, or 'timeout'. */
export function readyOrEnded(
  child: ChildProcess,
  readyFile: string,
  timeoutMs: number,
): Promise<'ready' | 'timeout' | number> {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const onExit = (code: number | null) => finish(code ?? 1);
    const timer = setInterval(() => {
      if (existsSync(readyFile)) finish('ready');
      else if (Date.now() > deadline) finish('timeout');
    }, POLL_MS);
    function finish(outcome: 'ready' | 'timeout' | number): void {
      clearInterval(timer);
      child.off('exit', onExit);
      resolve(outcome);
    }
    child.once('exit', onExit);
  });
}
