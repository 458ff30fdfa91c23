// Checks against the real Vault server of the stack (OpenBao or HashiCorp Vault, as STACK_VAULT
// chooses), with the admin token or a given one.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackEnv } from './stack-env.ts';

export async function vaultFetch(
  stack: StackEnv,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${stack.VAULT_ADDR}/v1/${path}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Vault-Token': init.token ?? stack.STACK_ADMIN_TOKEN },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function lookupSelfStatus(stack: StackEnv, token: string): Promise<{ status: number; ttl?: number }> {
  const r = await vaultFetch(stack, 'auth/token/lookup-self', { token });
  const data = r.body.data as { ttl?: number } | undefined;
  return { status: r.status, ...(data?.ttl !== undefined ? { ttl: data.ttl } : {}) };
}

export async function transitPublicKeyPem(stack: StackEnv, version = 1): Promise<string> {
  const r = await vaultFetch(stack, `transit/keys/${stack.STACK_TRANSIT_KEY}`);
  if (r.status !== 200) throw new Error(`reading the transit key answered ${r.status}: ${JSON.stringify(r.body)}`);
  const keys = (r.body.data as { keys: Record<string, { public_key: string }> }).keys;
  const key = keys[String(version)];
  if (!key) throw new Error(`transit key has no version ${version}`);
  return key.public_key;
}

/** The transit key's public key (version 1), as PEM and in a `cosign.pub` for cosign's `--key`. */
export async function writeTransitPublicKey(stack: StackEnv): Promise<{ readonly path: string; readonly pem: string }> {
  const pem = await transitPublicKeyPem(stack);
  const path = join(mkdtempSync(join(tmpdir(), 'transit-pub-')), 'cosign.pub');
  writeFileSync(path, pem);
  return { path, pem };
}

/** The accessors of every live token (root only: auth/token/accessors needs sudo). */
export async function liveAccessors(stack: StackEnv): Promise<Set<string>> {
  const r = await vaultFetch(stack, 'auth/token/accessors?list=true');
  if (r.status !== 200) throw new Error(`listing token accessors answered ${r.status}`);
  return new Set((r.body.data as { keys?: string[] } | undefined)?.keys ?? []);
}

/** Whether the token behind an accessor is still valid, asked with the admin token. */
export async function accessorIsLive(stack: StackEnv, accessor: string): Promise<boolean> {
  const r = await vaultFetch(stack, 'auth/token/lookup-accessor', { method: 'POST', body: { accessor } });
  return r.status === 200;
}

/** One line of a file audit device: a request, or the response to it (strings in data are HMACs). */
export interface AuditEntry {
  readonly type: 'request' | 'response';
  readonly request?: { readonly path?: string; readonly operation?: string };
  /** The token's auth; for a login's response the new token's, whose metadata names the role. */
  readonly auth?: { readonly metadata?: Readonly<Record<string, string>> | null };
  readonly response?: { readonly data?: Readonly<Record<string, unknown>> };
}

export interface FileAudit {
  /** Every entry written since the device was enabled. */
  entries(): AuditEntry[];
  /** Requests that reached the server for `path`. */
  requestsFor(path: string): AuditEntry[];
  /** Successful JWT logins with `role` (the role shows only in the response's token metadata). */
  loginsWith(role: string): number;
  disable(): Promise<void>;
}

/**
 * A file audit device of its own, to see which requests reached the server. Enable it only for
 * the test that needs it: every request is written while it is on.
 */
export async function enableFileAudit(stack: StackEnv): Promise<FileAudit> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const file = join(dir, 'audit.log');
  const name = `test-${Math.random().toString(36).slice(2, 8)}`;
  const enabled = await vaultFetch(stack, `sys/audit/${name}`, {
    method: 'POST',
    body: { type: 'file', options: { file_path: file } },
  });
  if (enabled.status !== 204) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`enabling a file audit device answered ${enabled.status}: ${JSON.stringify(enabled.body)}`);
  }
  const entries = (): AuditEntry[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as AuditEntry)
      : [];
  return {
    entries,
    requestsFor: (path) => entries().filter((e) => e.type === 'request' && e.request?.path === path),
    loginsWith: (role) =>
      entries().filter(
        (e) => e.type === 'response' && e.request?.path === 'auth/jwt/login' && e.auth?.metadata?.role === role,
      ).length,
    disable: async () => {
      const r = await vaultFetch(stack, `sys/audit/${name}`, { method: 'DELETE' });
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 204) throw new Error(`disabling audit device ${name} answered ${r.status}`);
    },
  };
}
