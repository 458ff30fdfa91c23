// `spiffe-vault proxy` on the real stack: started with --background as a job script does, and
// spoken to as Vault clients do (HTTP over its unix socket or loopback port).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { spawnCli, waitFor } from './cli-run.ts';
import { describeRun, type RunResult } from './stack-env.ts';

/** The `export NAME='value'` lines --background prints, as a map. */
export function parseExports(stdout: string): Record<string, string> {
  const exports: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='(.*)'$/.exec(line);
    if (m?.[1] && m[2] !== undefined) exports[m[1]] = m[2].replaceAll(`'\\''`, `'`);
  }
  return exports;
}

export interface BackgroundProxy {
  /** What the launcher printed and how it ended. */
  readonly started: RunResult;
  readonly exports: Record<string, string>;
  readonly vaultAddr: string;
  readonly pid: number;
  /** The socket path, or '' when it listens on TCP. */
  readonly socket: string;
  readonly logFile: string;
  log(): string;
  /** SIGTERM, then waits until the process is gone. Harmless when it already is. */
  stop(): Promise<void>;
}

/**
 * `spiffe-vault proxy --background ARGS…`; throws (with its output) unless it serves. Run
 * asynchronously: the route to Vault may be a relay in this very process.
 */
export async function startBackgroundProxy(args: readonly string[], env: NodeJS.ProcessEnv): Promise<BackgroundProxy> {
  const started = await spawnCli(['proxy', '--background', ...args], { env }).done;
  if (started.status !== 0) throw new Error(describeRun('proxy --background', started));
  const exports = parseExports(started.stdout);
  const vaultAddr = exports.VAULT_ADDR ?? '';
  const pid = Number(exports.SPIFFE_VAULT_PROXY_PID);
  const logFile = exports.SPIFFE_VAULT_PROXY_LOG ?? '';
  if (!vaultAddr || !Number.isInteger(pid) || !logFile) throw new Error(`incomplete exports: ${started.stdout}`);
  return {
    started,
    exports,
    vaultAddr,
    pid,
    socket: vaultAddr.startsWith('unix://') ? vaultAddr.slice('unix://'.length) : '',
    logFile,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      if (!isAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      await waitFor(`proxy pid ${pid} to end`, () => !isAlive(pid), 30_000);
    },
  };
}

/** Whether `pid` runs: an exited process waiting to be reaped (a zombie) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) STATE …"; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface ProxyAnswer {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, or undefined when it is not. */
  readonly json: { errors?: string[]; data?: Record<string, unknown> } | undefined;
}

/**
 * One request to the proxy at `vaultAddr` (unix:///… or http://127.0.0.1:PORT). `target` is sent
 * exactly as given (no normalisation of `..` or percent-escapes), as a hostile client could.
 */
export function proxyRequest(
  vaultAddr: string,
  target: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ProxyAnswer> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  const where = vaultAddr.startsWith('unix://')
    ? { socketPath: vaultAddr.slice('unix://'.length) }
    : { host: new URL(vaultAddr).hostname, port: Number(new URL(vaultAddr).port) };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...where,
        path: target,
        method: init.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: ProxyAnswer['json'];
          try {
            json = JSON.parse(text) as ProxyAnswer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Text shaped like a Vault/OpenBao service or batch token (hvs., s., hvb., b.). */
export const TOKEN_SHAPED = /\b(?:hvs|hvb|s|b)\.[A-Za-z0-9_-]{20,}/;

/** What of `secrets` (by position), a JWT or a token-shaped string is in `text`; never the values. */
export function secretsIn(text: string, secrets: readonly string[] = []): string[] {
  const found = secrets.flatMap((secret, index) => (secret && text.includes(secret) ? [`secret #${index}`] : []));
  if (/eyJ[\w-]+\.[\w-]+\.[\w-]*/.test(text)) found.push('a JWT');
  if (TOKEN_SHAPED.test(text)) found.push('a token-shaped string');
  return found;
}

/** Pids of running processes whose command line contains `text` (to find ones left behind). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The folder the default socket lives in (removed when the proxy stops). */
export function socketFolder(proxy: { readonly socket: string }): string {
  return dirname(proxy.socket);
}
