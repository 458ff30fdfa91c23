/**
 * What the transit checks ask Vault, with the token the login minted: the engine mounted at the
 * transit path (sys/internal/ui/mounts, which any token with some right below the mount may
 * read), the key, and the token's capabilities on the paths signing (and verifying) needs.
 * Answers and failures are kept as data; the checks judge them.
 */
import type { Grant } from '../../policy/grants.ts';
import type { VaultClient } from '../../vault/client.ts';
import { keyUrlPath, type TransitTarget } from '../../vault/transit-errors.ts';

/** An answer, or why there was none. */
export type Answer<T> = { readonly value: T } | { readonly error: unknown };

export interface MountInfo {
  /** The engine type: `transit`, `kv`… */
  readonly type: string;
  /** The mount that holds the path, with its trailing slash (`transit/`). */
  readonly path: string;
}

export interface TransitProbe {
  readonly mount: Answer<MountInfo>;
  /** The raw `GET <mount>/keys/<key>` answer. */
  readonly key: Answer<unknown>;
  /** Capabilities held per path asked about. */
  readonly capabilities: Answer<Readonly<Record<string, readonly string[]>>>;
}

async function answer<T>(ask: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { value: await ask() };
  } catch (error: unknown) {
    return { error };
  }
}

export async function probeTransit(
  vault: VaultClient,
  asked: { readonly token: string; readonly target: TransitTarget; readonly grants: readonly Grant[] },
): Promise<TransitProbe> {
  const { token, target, grants } = asked;
  const paths = [...new Set(grants.map((grant) => grant.path))];
  const [mount, key, capabilities] = await Promise.all([
    answer(async () => {
      const path = `/sys/internal/ui/mounts/${target.transitPath.split('/').map(encodeURIComponent).join('/')}`;
      return mountInfoFrom(await vault.request({ method: 'GET', path, token }));
    }),
    answer(() => vault.request({ method: 'GET', path: keyUrlPath(target), token })),
    answer(async () =>
      heldFrom(await vault.request({ method: 'POST', path: '/sys/capabilities-self', body: { paths }, token }), paths),
    ),
  ]);
  return { mount, key, capabilities };
}

function mountInfoFrom(response: unknown): MountInfo {
  const data = (response as { data?: { type?: unknown; path?: unknown } } | undefined)?.data;
  if (typeof data?.type !== 'string') throw new Error('sys/internal/ui/mounts answered without data.type');
  return { type: data.type, path: typeof data.path === 'string' ? data.path : '' };
}

/** capabilities-self answers per path both at the top level and under `data`. */
function heldFrom(response: unknown, paths: readonly string[]): Record<string, readonly string[]> {
  const answer = (response ?? {}) as { data?: Record<string, unknown> } & Record<string, unknown>;
  const held: Record<string, readonly string[]> = {};
  for (const path of paths) {
    const raw = answer.data?.[path] ?? answer[path];
    held[path] = Array.isArray(raw) ? raw.map(String) : [];
  }
  return held;
}
