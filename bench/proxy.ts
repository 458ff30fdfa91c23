// `npm run bench -- proxy`: what the job-local Vault proxy adds to a Vault request. The same
// transit sign request (POST /v1/transit/sign/<key>/sha2-256, a small input) is sent straight to
// Vault with a token and through the proxy's unix socket, by one keep-alive Node client: first
// one request at a time, the two sides interleaved (one of each per round, the order alternating)
// so a change in the machine's load falls on both alike; then as many as the server answers with
// 8 and 16 requests in flight, in A-B-B-A order. The proxy is the CLI's (dist/cli.js proxy,
// logged in with the stack's role, stopped with SIGTERM: it revokes its tokens); the direct side's
// tokens come from dist/cli.js auth --json and are revoked at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { round } from './measure.ts';

const REQUESTS = Number(process.env.BENCH_PROXY_REQUESTS ?? 1000);
const WARMUPS = 50;
const IN_FLIGHT = [8, 16] as const;
/** How long each sustained run lasts. */
const SUSTAIN_MS = Number(process.env.BENCH_PROXY_SECONDS ?? 3) * 1000;
/** Proxy − direct, at the median of the one-at-a-time requests. */
export const TARGET_ADDED_MEDIAN_MS = 1;

const CLI = join(repoRoot, 'dist', 'cli.js');
/** The placeholder clients of the proxy send (it puts its own token on every request). */
const PLACEHOLDER = 'spiffe-vault-proxy';

/** Where a request goes: Vault's TCP address with a token, or the proxy's socket. */
interface Target {
  readonly name: string;
  readonly connect: Pick<http.RequestOptions, 'host' | 'port' | 'socketPath'>;
  token: string;
}

interface Spread {
  readonly median_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly min_ms: number;
  readonly max_ms: number;
}

export async function benchProxy(stack: StackEnv): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-proxy-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    TMPDIR: dir,
    VAULT_ADDR: stack.VAULT_ADDR,
    SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET,
  };
  const tokens: string[] = [];
  /** A token of the stack's role for the direct side, fresh for each phase (the role's TTL is short). */
  const directToken = () => {
    const token = login(env, stack.STACK_ROLE);
    tokens.push(token);
    return token;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...IN_FLIGHT) });
  const proxy = await startProxy(env, stack.STACK_ROLE, dir);
  let result: Record<string, unknown>;
  let stopLine: string;
  try {
    result = await measure(stack, { agent, proxy, directToken });
  } finally {
    agent.destroy();
    stopLine = await proxy.stop();
    for (const token of tokens) revoke(env, token);
    rmSync(dir, { recursive: true, force: true });
  }
  console.error(stopLine);
  if (!/Vault proxy stopped: .* 0 not revoked/.test(stopLine)) {
    throw new Error(`the proxy did not report revoking every token it minted: ${stopLine || '(no stop line)'}`);
  }
  return result;
}

async function measure(
  stack: StackEnv,
  { agent, proxy, directToken }: { agent: http.Agent; proxy: RunningProxy; directToken: () => string },
): Promise<Record<string, unknown>> {
  const vault = new URL(stack.VAULT_ADDR);
  const direct: Target = {
    name: 'direct to Vault (token)',
    connect: { host: vault.hostname, port: Number(vault.port) },
    token: directToken(),
  };
  const proxied: Target = {
    name: 'through the proxy (unix socket)',
    connect: { socketPath: proxy.socketPath },
    token: PLACEHOLDER,
  };
  const path = `/v1/transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256`;
  const send = (target: Target) => signOnce(agent, target, path);

  // One at a time, interleaved.
  const times: [number[], number[]] = [[], []];
  const cpuBefore = processCpuMs(proxy.pid);
  for (let i = 0; i < WARMUPS + REQUESTS; i++) {
    const order = i % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
    for (const side of order) {
      const ms = await send(side === 0 ? direct : proxied);
      if (i >= WARMUPS) times[side].push(ms);
    }
  }
  const proxyCpuMs = processCpuMs(proxy.pid) - cpuBefore;
  const [directSpread, proxySpread] = [spread(times[0]), spread(times[1])];

  // Sustained, with requests in flight.
  const sustained = [];
  for (const inFlight of IN_FLIGHT) {
    direct.token = directToken();
    const rps: [number[], number[]] = [[], []];
    for (const side of [0, 1, 1, 0] as const) {
      rps[side].push(await sustain(side === 0 ? direct : proxied, inFlight, send));
    }
    const [directRps, proxyRps] = [mean(rps[0]), mean(rps[1])];
    sustained.push({
      in_flight: inFlight,
      seconds_per_side: (2 * SUSTAIN_MS) / 1000,
      direct_rps: Math.round(directRps),
      proxy_rps: Math.round(proxyRps),
      ratio_proxy_to_direct: round(proxyRps / directRps, 2),
    });
  }

  const addedMedian = round(proxySpread.median_ms - directSpread.median_ms, 3);
  printSideBySide(directSpread, proxySpread, sustained);
  return {
    benchmark: 'proxy',
    server: stack.STACK_VAULT_NAME,
    request: `POST ${path} (input: 5 bytes), one keep-alive node:http client both ways`,
    requests_per_side: REQUESTS,
    warmups_per_side: WARMUPS,
    direct: directSpread,
    proxy: proxySpread,
    added_median_ms: addedMedian,
    added_p90_ms: round(proxySpread.p90_ms - directSpread.p90_ms, 3),
    added_p99_ms: round(proxySpread.p99_ms - directSpread.p99_ms, 3),
    // The proxy process's CPU time (user + system) per proxied request, one at a time.
    proxy_cpu_ms_per_request: round(proxyCpuMs / (WARMUPS + REQUESTS), 3),
    sustained,
    target_added_median_ms: TARGET_ADDED_MEDIAN_MS,
    target_met: addedMedian <= TARGET_ADDED_MEDIAN_MS,
  };
}

/** One sign request; its wall time in ms. Throws unless Vault answered 200 with a signature. */
function signOnce(agent: http.Agent, target: Target, path: string): Promise<number> {
  const body = '{"input":"aGVsbG8="}';
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        ...target.connect,
        agent,
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-vault-token': target.token,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200 || !text.includes('"signature":"vault:v')) {
            reject(new Error(`${target.name}: ${res.statusCode} ${text.slice(0, 300)}`));
          } else resolve(ms);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests per second with `inFlight` requests under way at any time, for SUSTAIN_MS. */
async function sustain(target: Target, inFlight: number, send: (target: Target) => Promise<number>): Promise<number> {
  const started = performance.now();
  const deadline = started + SUSTAIN_MS;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await send(target);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - started) / 1000);
}

interface RunningProxy {
  readonly pid: number;
  readonly socketPath: string;
  /** SIGTERM, then its last log line (the stop report) once it has exited. */
  stop(): Promise<string>;
}

async function startProxy(env: Record<string, string>, role: string, dir: string): Promise<RunningProxy> {
  const readyFile = join(dir, 'ready.json');
  const child = spawn(process.execPath, [CLI, 'proxy', '--role', role, '--ready-file', readyFile], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!existsSync(readyFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`the proxy did not start: ${log.slice(0, 1000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { vaultAddr: string; pid: number };
  if (!ready.vaultAddr.startsWith('unix://')) throw new Error(`the proxy serves at ${ready.vaultAddr}, not a socket`);
  return {
    pid: ready.pid,
    socketPath: ready.vaultAddr.slice('unix://'.length),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      return log.trim().split('\n').at(-1) ?? '';
    },
  };
}

/** A token of `role` from `dist/cli.js auth --json` (it never leaves this process). */
function login(env: Record<string, string>, role: string): string {
  const r = spawnSync(process.execPath, [CLI, 'auth', '--role', role, '--json'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spiffe-vault auth failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

function revoke(env: Record<string, string>, token: string): void {
  const r = spawnSync(process.execPath, [CLI, 'revoke'], { env: { ...env, VAULT_TOKEN: token }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spiffe-vault revoke failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
}

/** User + system CPU time of a process so far, in ms (Linux /proc). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return ticksPerSecond;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
  return {
    median_ms: round(at(0.5), 3),
    p90_ms: round(at(0.9), 3),
    p99_ms: round(at(0.99), 3),
    min_ms: round(sorted[0] as number, 3),
    max_ms: round(sorted.at(-1) as number, 3),
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The figures on stderr, one line per side. */
function printSideBySide(
  direct: Spread,
  proxy: Spread,
  sustained: readonly { in_flight: number; direct_rps: number; proxy_rps: number }[],
): void {
  const line = (name: string, s: Spread) =>
    `${name.padEnd(34)} median ${s.median_ms.toFixed(3)} ms  p90 ${s.p90_ms.toFixed(3)} ms  p99 ${s.p99_ms.toFixed(3)} ms`;
  console.error(line('direct to Vault (token)', direct));
  console.error(line('through the proxy (unix socket)', proxy));
  for (const s of sustained) {
    console.error(
      `${String(s.in_flight).padStart(2)} in flight: direct ${s.direct_rps} req/s, proxy ${s.proxy_rps} req/s`,
    );
  }
}
