// Reads the env file that `npm run stack:up` (scripts/stack/up.sh) writes, and runs programs.
// The stack runs two Vault servers configured alike; STACK_VAULT (openbao, the default, or
// hashicorp) in the tests' own environment chooses the one VAULT_ADDR and STACK_ADMIN_TOKEN name.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The stack's Vault servers: OpenBao and HashiCorp Vault. */
export type VaultServer = 'openbao' | 'hashicorp';
export const VAULT_SERVERS: readonly VaultServer[] = ['openbao', 'hashicorp'];

export interface StackEnv {
  /** Which server VAULT_ADDR, STACK_ADMIN_TOKEN and the fields below name. */
  readonly STACK_VAULT: VaultServer;
  /** Its CLI in STACK_BIN ('bao' or 'vault') and that CLI's variable prefix ('BAO_' or 'VAULT_'). */
  readonly STACK_VAULT_CLI: 'bao' | 'vault';
  readonly STACK_VAULT_ENV_PREFIX: 'BAO_' | 'VAULT_';
  /** A name for messages: 'OpenBao' or 'HashiCorp Vault'. */
  readonly STACK_VAULT_NAME: string;
  /** Its pid and the name ctl.sh knows it by. */
  readonly STACK_PID_VAULT_SERVER: number;
  readonly STACK_VAULT_CTL_NAME: 'bao' | 'vault';
  readonly VAULT_ADDR: string;
  readonly SPIFFE_ENDPOINT_SOCKET: string;
  readonly STACK_ADMIN_TOKEN: string;
  readonly STACK_ROLE: string;
  readonly STACK_ROLE_NOSIGN: string;
  readonly STACK_ROLE_SHORT: string;
  readonly STACK_AUDIENCE: string;
  readonly STACK_SPIFFE_ID: string;
  readonly STACK_NODE_ID: string;
  readonly STACK_TRUST_DOMAIN: string;
  readonly STACK_TRANSIT_KEY: string;
  readonly STACK_REGISTRY: string;
  readonly STACK_BIN: string;
  readonly STACK_STATE_DIR: string;
  readonly STACK_SPIRE_SERVER_SOCKET: string;
  readonly STACK_AGENT_SOCKET: string;
  readonly STACK_CTL: string;
  readonly STACK_PID_SPIRE_SERVER: number;
  readonly STACK_PID_SPIRE_AGENT: number;
  readonly STACK_PID_BAO: number;
  readonly STACK_PID_REGISTRY: number;
  /** Debian's docker-registry (Distribution 2.8: no referrers API), host:port. */
  readonly STACK_REGISTRY2?: string;
  /** A docker-registry wanting a password (htpasswd, Basic challenge), host:port, and its login. */
  readonly STACK_REGISTRY_AUTH?: string;
  readonly STACK_REGISTRY_AUTH_USER?: string;
  readonly STACK_REGISTRY_AUTH_PASSWORD?: string;
  /** The chosen server's TLS listener (asks for client certificates) and one that does not ask. */
  readonly STACK_VAULT_TLS_ADDR?: string;
  readonly STACK_VAULT_NO_CLIENT_CERT_ADDR?: string;
  /** The CA (PEM file) of both TLS listeners' certificate. */
  readonly STACK_TLS_CA_FILE?: string;
  /** cert auth roles: bound to the stack's SPIFFE ID (and its 5 s twin), to another ID, and trusting another CA. */
  readonly STACK_CERT_ROLE?: string;
  readonly STACK_CERT_ROLE_SHORT?: string;
  readonly STACK_CERT_ROLE_OTHER_ID?: string;
  readonly STACK_CERT_ROLE_UNTRUSTED?: string;
}

const stringKeys = [
  'SPIFFE_ENDPOINT_SOCKET',
  'STACK_ROLE',
  'STACK_ROLE_NOSIGN',
  'STACK_ROLE_SHORT',
  'STACK_AUDIENCE',
  'STACK_SPIFFE_ID',
  'STACK_NODE_ID',
  'STACK_TRUST_DOMAIN',
  'STACK_TRANSIT_KEY',
  'STACK_REGISTRY',
  'STACK_BIN',
  'STACK_STATE_DIR',
  'STACK_SPIRE_SERVER_SOCKET',
  'STACK_AGENT_SOCKET',
  'STACK_CTL',
] as const;
const optionalKeys = [
  'STACK_REGISTRY2',
  'STACK_REGISTRY_AUTH',
  'STACK_REGISTRY_AUTH_USER',
  'STACK_REGISTRY_AUTH_PASSWORD',
  'STACK_TLS_CA_FILE',
  'STACK_CERT_ROLE',
  'STACK_CERT_ROLE_SHORT',
  'STACK_CERT_ROLE_OTHER_ID',
  'STACK_CERT_ROLE_UNTRUSTED',
] as const;
const pidKeys = ['STACK_PID_SPIRE_SERVER', 'STACK_PID_SPIRE_AGENT', 'STACK_PID_BAO', 'STACK_PID_REGISTRY'] as const;

export function stackEnvFile(): string {
  return process.env.STACK_ENV_FILE ?? join(repoRoot, '.stack', 'env');
}

/** Parses KEY=value lines (no quoting). Re-read after ctl.sh restarts a process: pids change. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** The server STACK_VAULT names in this process's environment (default: OpenBao). */
export function selectedVaultServer(value: string | undefined = process.env.STACK_VAULT): VaultServer {
  if (!value) return 'openbao';
  if (value === 'openbao' || value === 'hashicorp') return value;
  throw new Error(`STACK_VAULT must be 'openbao' or 'hashicorp', not '${value}'`);
}

const serverFields = {
  openbao: { cli: 'bao', prefix: 'BAO_', name: 'OpenBao', pid: 'STACK_PID_BAO' },
  hashicorp: { cli: 'vault', prefix: 'VAULT_', name: 'HashiCorp Vault', pid: 'STACK_PID_VAULT' },
} as const;

/** The running stack's settings, for the server STACK_VAULT chooses. Throws when no stack is up. */
export function loadStackEnv(file: string = stackEnvFile(), server: VaultServer = selectedVaultServer()): StackEnv {
  if (!existsSync(file)) {
    throw new Error(
      `no test stack env file at ${file}: start the stack with \`npm run stack:up\` (or run \`npm test\`)`,
    );
  }
  const raw = parseEnvFile(readFileSync(file, 'utf8'));
  const env: Record<string, string | number> = {};
  for (const key of stringKeys) {
    const value = raw[key];
    if (!value)
      throw new Error(`${file} has no ${key}: restart the stack with \`npm run stack:down && npm run stack:up\``);
    env[key] = value;
  }
  // Newer keys, optional so an older running stack still serves the tests that do not need them.
  for (const key of optionalKeys) {
    if (raw[key]) env[key] = raw[key];
  }
  for (const key of pidKeys) {
    const pid = Number(raw[key]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} has no valid ${key}`);
    env[key] = pid;
  }
  const upper = server.toUpperCase();
  const fields = serverFields[server];
  const address = raw[`STACK_${upper}_ADDR`];
  const rootToken = raw[`STACK_${upper}_ROOT_TOKEN`];
  const pid = Number(raw[fields.pid]);
  if (!address || !rootToken || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(
      `${file} has no ${fields.name} server (STACK_${upper}_*): restart the stack with \`npm run stack:down && npm run stack:up\``,
    );
  }
  for (const [field, key] of [
    ['STACK_VAULT_TLS_ADDR', `STACK_${upper}_TLS_ADDR`],
    ['STACK_VAULT_NO_CLIENT_CERT_ADDR', `STACK_${upper}_NO_CLIENT_CERT_ADDR`],
  ] as const) {
    if (raw[key]) env[field] = raw[key];
  }
  Object.assign(env, {
    STACK_VAULT: server,
    STACK_VAULT_CLI: fields.cli,
    STACK_VAULT_ENV_PREFIX: fields.prefix,
    STACK_VAULT_NAME: fields.name,
    STACK_PID_VAULT_SERVER: pid,
    STACK_VAULT_CTL_NAME: fields.cli,
    VAULT_ADDR: address,
    STACK_ADMIN_TOKEN: rootToken,
  });
  return Object.freeze(env) as unknown as StackEnv;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Replaces the environment entirely when given (start from `process.env` to extend it). */
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string | Buffer;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** Runs a program synchronously (no shell) and returns its exit status and output. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, args, {
    env: opts.env ?? process.env,
    input: opts.input,
    cwd: opts.cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`could not run ${cmd}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Masks JWTs and Vault/OpenBao tokens, for output that goes into assertion messages. */
export function redact(text: string): string {
  return text
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<jwt>')
    .replace(/\b(?:s|hvs|b|hvb|r|hvr)\.[A-Za-z0-9_-]{16,}/g, '<token>');
}

/** A one-line description of a finished run, safe for assertion messages. */
export function describeRun(what: string, r: RunResult): string {
  return `${what} exited ${r.status}: ${redact(r.stderr.trim() || r.stdout.trim()).slice(0, 2000)}`;
}
