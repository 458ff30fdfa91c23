// What the leak matrix looks for, and where: every token and JWT-SVID a scenario used (from a
// raw audit log of the stack's Vault and from the SPIRE agent), every file a run left behind,
// and the arguments of running processes.
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Place, Secret } from './leak-scan.ts';
import { run, type StackEnv } from './stack-env.ts';
import { vaultFetch } from './vault-admin.ts';

interface RawAuditEntry {
  readonly type: 'request' | 'response';
  readonly request?: { readonly path?: string; readonly data?: { readonly jwt?: unknown } | null };
  readonly auth?: { readonly client_token?: string } | null;
}

/**
 * A file audit device with `log_raw`: the server writes every token it issues and every JWT it
 * is given in clear, so the matrix knows each secret a scenario minted or sent, also those no
 * output of ours shows (re-logins, the proxy's tokens, refused logins).
 */
export class RawAudit {
  private readonly dir = mkdtempSync(join(tmpdir(), 'leak-audit-'));
  private readonly file = join(this.dir, 'audit.log');
  private readonly name = `leak-matrix-${Math.random().toString(36).slice(2, 8)}`;
  private readonly stack: StackEnv;

  private constructor(stack: StackEnv) {
    this.stack = stack;
  }

  static async enable(stack: StackEnv): Promise<RawAudit> {
    const audit = new RawAudit(stack);
    const r = await vaultFetch(stack, `sys/audit/${audit.name}`, {
      method: 'POST',
      body: { type: 'file', options: { file_path: audit.file, log_raw: 'true' } },
    });
    if (r.status !== 204) throw new Error(`enabling a raw file audit device answered ${r.status}`);
    return audit;
  }

  /** Where the log ends now: secrets after it belong to the scenario that starts. */
  mark(): number {
    return existsSync(this.file) ? readFileSync(this.file).length : 0;
  }

  /** Tokens issued by logins, and JWTs sent to log in, since `mark`. */
  secretsSince(mark: number): Secret[] {
    if (!existsSync(this.file)) return [];
    const secrets: Secret[] = [];
    for (const line of readFileSync(this.file).subarray(mark).toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const entry = JSON.parse(line) as RawAuditEntry;
      if (!/^auth\/.+\/login(\/|$)/.test(entry.request?.path ?? '')) continue;
      const jwt = entry.request?.data?.jwt;
      if (entry.type === 'request' && typeof jwt === 'string') secrets.push({ kind: 'JWT-SVID', value: jwt });
      const token = entry.auth?.client_token;
      if (entry.type === 'response' && token) secrets.push({ kind: 'Vault token', value: token });
    }
    return secrets;
  }

  async disable(): Promise<void> {
    await vaultFetch(this.stack, `sys/audit/${this.name}`, { method: 'DELETE' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The JWT-SVID the agent issues for `audience` now (the agent caches it: a run gets the same). */
export function agentJwtSvid(stack: StackEnv, audience: string): Secret[] {
  const r = run(`${stack.STACK_BIN}/spire-agent`, [
    'api',
    'fetch',
    'jwt',
    '-audience',
    audience,
    '-socketPath',
    stack.STACK_AGENT_SOCKET,
    '-timeout',
    '2s',
  ]);
  const jwt = /eyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(r.stdout)?.[0];
  return jwt ? [{ kind: 'JWT-SVID', value: jwt }] : [];
}

/** The base64 lines of the X.509-SVID's private key the agent serves now (method cert sends it nowhere). */
export function agentX509Key(stack: StackEnv): Secret[] {
  const out = mkdtempSync(join(tmpdir(), 'leak-svid-'));
  try {
    const args = ['api', 'fetch', 'x509', '-socketPath', stack.STACK_AGENT_SOCKET, '-write', out];
    if (run(`${stack.STACK_BIN}/spire-agent`, args).status !== 0) return [];
    const key = readFileSync(join(out, 'svid.0.key'), 'utf8');
    return key
      .split('\n')
      .filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line))
      .map((value) => ({ kind: 'X.509-SVID key', value }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Every regular file under each folder, as a place named `label/relative path`. */
export function filesUnder(dirs: Readonly<Record<string, string>>, skip: ReadonlySet<string> = new Set()): Place[] {
  const places: Place[] = [];
  const walk = (label: string, root: string, dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (skip.has(path)) continue;
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(label, root, path);
      else if (stat.isFile())
        places.push({ name: `file ${label}/${relative(root, path)}`, text: readFileSync(path, 'latin1') });
    }
  };
  for (const [label, dir] of Object.entries(dirs)) if (existsSync(dir)) walk(label, dir, dir);
  return places;
}

/** A running process's arguments, as `ps` shows them to every user of the machine. */
export function processArguments(pid: number, what: string): Place {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // gone already: nothing to see
  }
  return { name: `arguments of ${what}`, text };
}
