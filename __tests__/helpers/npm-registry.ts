// A real npm registry on loopback (Verdaccio, pinned by scripts/install-tools.sh), with this
// checkout published to it: what `npx spiffe-vault-action`, `npm install -g` and the GitLab
// components' default `cli` fetch, without a public registry. It has no uplinks, so a package
// not published to it is a 404: nothing reaches the internet.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeRun, repoRoot, run } from './stack-env.ts';
import { freePort } from './throwaway.ts';

/** The pinned Verdaccio's bin script, installed (cached) by scripts/install-tools.sh. */
function verdaccioBin(): string {
  const r = run('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'verdaccio'], { timeoutMs: 600_000 });
  if (r.status !== 0) throw new Error(`installing verdaccio failed: ${r.stderr}`);
  return realpathSync(join(r.stdout.trim().split('\n').at(-1) as string, 'verdaccio'));
}

/** One request as the registry logged it when it answered. */
export interface RegistryRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** Bytes of the response body. */
  readonly bytesOut: number;
}

export interface NpmRegistry {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  /** Every request the registry has answered so far, in order (its own log). */
  requests(): RegistryRequest[];
  /** The registry's log so far, as it wrote it. */
  log(): string;
  /**
   * A clean environment for npm and npx against this registry only: Node 24 first on PATH, a
   * fresh HOME and a fresh npm cache (nothing comes from a warm cache).
   */
  npmEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** A fresh, empty folder (an npm cache, a HOME, an install prefix), removed by stop(). */
  tempDir(prefix: string): string;
  /** Stops the registry (by its pid) and removes its folder and every tempDir(). */
  stop(): Promise<void>;
}

/** Where the machine's programs are; Node 24 goes before them. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** PATH with this Node (24) first. */
export function node24Path(): string {
  return `${dirname(process.execPath)}:${SYSTEM_PATH}`;
}

/** Starts Verdaccio on 127.0.0.1 with a free port, storage and config in a temp dir. */
export async function startNpmRegistry(): Promise<NpmRegistry> {
  const bin = verdaccioBin();
  const scratch: string[] = [];
  const tempDir = (prefix: string) => {
    const path = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(path);
    return path;
  };
  const dir = tempDir('npm-registry-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, 'config.yaml');
  // No uplinks: only what is published here is served. Anyone may read; publishing needs a login
  // (htpasswd, one user). The audit middleware (which would forward `npm audit` to npmjs.org) is
  // off. The log is one JSON line per event at level http: every answered request.
  writeFileSync(
    config,
    `storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
web:
  enable: false
middlewares:
  audit:
    enabled: false
log: { type: stdout, format: json, level: http }
`,
  );
  const logFile = join(dir, 'registry.log');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', logFd, logFd],
      env: { PATH: node24Path(), HOME: dir },
    });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test run that ends without stop() (a crash) takes the registry with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const readLog = () => readFileSync(logFile, 'utf8');
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    for (const path of scratch) rmSync(path, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, readLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    requests: () => parseRequests(readLog()),
    log: readLog,
    npmEnv: (extra = {}) => ({
      PATH: node24Path(),
      HOME: tempDir('npm-home-'),
      npm_config_registry: url,
      npm_config_cache: tempDir('npm-cache-'),
      // npm asks the registry for its own latest version now and then; not this registry's job.
      npm_config_update_notifier: 'false',
      ...extra,
    }),
    tempDir,
    stop,
  };
}

async function waitUntilServing(url: string, child: ChildProcess, readLog: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`verdaccio exited (${child.exitCode ?? child.signalCode}) before serving:\n${readLog()}`);
    }
    const ok = await fetch(`${url}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`verdaccio did not serve ${url} within 30 s:\n${readLog()}`);
}

/**
 * The requests in Verdaccio's JSON log: its `http` lines, one per answered request. Verdaccio
 * 6.10 writes a second, early line for some requests, with status 200 and no bytes out, before
 * the one with the real answer: look for the lines with the status and bytes you expect.
 */
function parseRequests(log: string): RegistryRequest[] {
  const out: RegistryRequest[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { request?: { method?: string; url?: string }; status?: number; bytes?: { out?: number } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const { request, status } = entry;
    if (request?.method && request.url && typeof status === 'number') {
      out.push({ method: request.method, url: request.url, status, bytesOut: entry.bytes?.out ?? 0 });
    }
  }
  return out;
}

export interface PublishedPackage {
  readonly name: string;
  readonly version: string;
  /** The tarball's path on the registry: /NAME/-/NAME-VERSION.tgz */
  readonly tarballPath: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The files it holds, as npm packed them. */
  readonly files: readonly string[];
}

/**
 * Builds dist/ from the tree, packs the repository as npm publishes it (`files` in package.json),
 * and publishes the tarball to the registry as a user of its own. The npm token lives only in a
 * 0600 npm userconfig in a temp folder, removed once the publish is done.
 */
export async function publishThisPackage(registry: NpmRegistry): Promise<PublishedPackage> {
  const build = run(process.execPath, [join(repoRoot, 'scripts', 'build.ts')], { cwd: repoRoot, timeoutMs: 120_000 });
  if (build.status !== 0) throw new Error(describeRun('node scripts/build.ts', build));

  const work = registry.tempDir('npm-publish-');
  try {
    const env = registry.npmEnv();
    const packed = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: repoRoot,
      env,
      timeoutMs: 120_000,
    });
    if (packed.status !== 0) throw new Error(describeRun('npm pack', packed));
    const [info] = JSON.parse(packed.stdout) as Array<{
      name: string;
      version: string;
      filename: string;
      size: number;
      files: Array<{ path: string }>;
    }>;
    if (!info) throw new Error(`npm pack printed no package: ${packed.stdout}`);

    // A user of the registry's own, with a password nobody keeps: its token publishes.
    const user = 'publisher';
    const login = await fetch(`${registry.url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: randomBytes(24).toString('hex') }),
    });
    const token = ((await login.json()) as { token?: string }).token;
    if (login.status !== 201 || !token) throw new Error(`creating the registry's user answered ${login.status}`);
    const userconfig = join(work, 'auth', 'npmrc');
    mkdirSync(dirname(userconfig), { mode: 0o700 });
    writeFileSync(userconfig, `//${new URL(registry.url).host}/:_authToken=${token}\n`, { mode: 0o600 });
    const published = run(
      'npm',
      [
        'publish',
        join(work, info.filename),
        '--registry',
        registry.url,
        '--ignore-scripts',
        '--userconfig',
        userconfig,
      ],
      { cwd: work, env, timeoutMs: 120_000 },
    );
    rmSync(dirname(userconfig), { recursive: true, force: true });
    if (published.status !== 0) throw new Error(describeRun('npm publish', published));
    if (`${published.stdout}${published.stderr}${registry.log()}`.includes(token)) {
      throw new Error("the npm token is in npm's output or the registry's log");
    }
    return {
      name: info.name,
      version: info.version,
      tarballPath: `/${info.name}/-/${info.name}-${info.version}.tgz`,
      size: info.size,
      files: info.files.map((f) => f.path),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
