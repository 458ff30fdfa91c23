/**
 * Is there a JWT auth method at auth/PATH, and does it have the role? Asked without a credential:
 * a login naming the role and no JWT. The JWT auth method looks the role up first, then the
 * token (both servers): "missing token" means the mount and a jwt role are there; `role "r"
 * could not be found` the mount without the role; "role with oidc role_type is not allowed" a
 * role left at the default type. A login to a path where nothing is mounted is a bare 403
 * (vault-action#507), and other auth methods answer in their own words ("missing role_id",
 * "no client certificate found"…).
 */
import { serverWords } from '../../diagnose/vault-answers.ts';
import type { VaultClient } from '../../vault/client.ts';
import { VaultHttpError } from '../../vault/errors.ts';

export type MountProbe =
  /** A JWT auth method with the role (or, when no role was named, a JWT auth method). */
  | { readonly kind: 'role-found' }
  | { readonly kind: 'role-missing' | 'role-oidc' | 'failed'; readonly error: unknown }
  | { readonly kind: 'nothing-mounted' }
  | { readonly kind: 'other-method'; readonly words: string };

/** Paths JWT auth for SPIFFE is commonly mounted at, tried (without a credential) when the given one is empty. */
export const CONVENTIONAL_JWT_PATHS: readonly string[] = ['jwt', 'spiffe', 'spire', 'jwt-spiffe'];

function wordsOf(error: unknown): string {
  return error instanceof VaultHttpError ? serverWords(error.vaultErrors).join('; ') : '';
}

/** What auth/PATH/login says to a login naming `role` (or none) and no JWT. */
export async function probeJwtMount(vault: VaultClient, path: string, role: string | undefined): Promise<MountProbe> {
  try {
    await vault.request({ method: 'POST', path: `/auth/${path}/login`, body: role === undefined ? {} : { role } });
    return { kind: 'other-method', words: 'a login without a credential was accepted' };
  } catch (error: unknown) {
    if (!(error instanceof VaultHttpError) || error.status === undefined) return { kind: 'failed', error };
    const words = wordsOf(error);
    if (error.status === 403) return { kind: 'nothing-mounted' };
    if (error.status !== 400) return { kind: 'failed', error };
    if (/^missing (token|jwt)$/i.test(words)) return { kind: 'role-found' };
    if (/^missing role$/i.test(words)) return role === undefined ? { kind: 'role-found' } : { kind: 'failed', error };
    if (/role .* could not be found/i.test(words)) return { kind: 'role-missing', error };
    if (/oidc role_type is not allowed/i.test(words)) return { kind: 'role-oidc', error };
    return { kind: 'other-method', words };
  }
}

export interface FoundJwtMount {
  readonly path: string;
  /** The mount has a jwt role of the name asked for. */
  readonly hasRole: boolean;
  /** How it was found. */
  readonly source: 'auth methods list' | 'unauthenticated listing' | 'conventional path';
}

type MountTable = Record<string, { type?: string } | undefined>;

function jwtPaths(table: MountTable | undefined): string[] {
  return Object.entries(table ?? {})
    .filter(([, mount]) => mount?.type === 'jwt' || mount?.type === 'oidc')
    .map(([path]) => path.replace(/\/+$/, ''));
}

async function listed(vault: VaultClient, readToken: string | undefined): Promise<[string, FoundJwtMount['source']][]> {
  const found: [string, FoundJwtMount['source']][] = [];
  if (readToken) {
    try {
      const answer = await vault.request<{ data?: MountTable }>({ method: 'GET', path: '/sys/auth', token: readToken });
      for (const path of jwtPaths(answer.data)) found.push([path, 'auth methods list']);
    } catch {
      // the read token may not list auth methods: the other ways still work
    }
  }
  try {
    // Mounts tuned with listing_visibility=unauth are listed to anyone.
    const answer = await vault.request<{ data?: { auth?: MountTable } }>({
      method: 'GET',
      path: '/sys/internal/ui/mounts',
    });
    for (const path of jwtPaths(answer.data?.auth)) found.push([path, 'unauthenticated listing']);
  } catch {
    // not offered: fine
  }
  return found;
}

/** JWT auth methods other than `except`: listed (read token, unauthenticated listing) or at a conventional path. */
export async function findJwtMounts(
  vault: VaultClient,
  options: { readonly except: string; readonly role: string; readonly readToken?: string | undefined },
): Promise<FoundJwtMount[]> {
  const candidates = await listed(vault, options.readToken);
  for (const path of CONVENTIONAL_JWT_PATHS) {
    if (candidates.some(([known]) => known === path)) continue;
    if ((await probeJwtMount(vault, path, undefined)).kind === 'role-found')
      candidates.push([path, 'conventional path']);
  }
  const found: FoundJwtMount[] = [];
  for (const [path, source] of candidates) {
    if (path === options.except || found.some((mount) => mount.path === path)) continue;
    const hasRole = (await probeJwtMount(vault, path, options.role)).kind === 'role-found';
    found.push({ path, hasRole, source });
  }
  return found.sort((a, b) => Number(b.hasRole) - Number(a.hasRole));
}
