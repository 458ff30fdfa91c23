// Checks against the real Vault server of the stack (OpenBao or HashiCorp Vault, as STACK_VAULT
// chooses), with the admin token or a given one.
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
  const keys = (r.body.data as { keys: Record<string, { public_key: string }> }).keys;
  const key = keys[String(version)];
  if (!key) throw new Error(`transit key has no version ${version}`);
  return key.public_key;
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
