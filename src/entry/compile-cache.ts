// The entries load the big bundles (dist/*-run.js) after turning on Node's compile cache, so a
// run after the first on a runner skips compiling ~0.5 MB of JavaScript. The cache holds code
// this process runs (beside the Vault token): it lives in a folder of this user's own, mode
// 0700 (`$XDG_CACHE_HOME` or `~/.cache`, then `spiffe-vault-action/node-compile-cache`), never
// in a shared temp dir where another user could plant it. NODE_COMPILE_CACHE names another
// folder (the user's choice), NODE_DISABLE_COMPILE_CACHE=1 turns it off. It never fails a run.
import { lstatSync, mkdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { isAbsolute, join } from 'node:path';

export function useCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  try {
    if (env.NODE_DISABLE_COMPILE_CACHE) return;
    if (env.NODE_COMPILE_CACHE) {
      enableCompileCache();
      return;
    }
    const dir = privateCacheDir(env);
    if (dir) enableCompileCache(dir);
  } catch {
    // No cache then: never a reason to fail a run.
  }
}

/** This user's cache folder, made if need be; undefined when it is not provably private. */
function privateCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  // Without uids (Windows) ownership cannot be checked: no cache.
  if (typeof process.getuid !== 'function') return undefined;
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache') : undefined;
  if (!base) return undefined;
  const dir = join(base, 'spiffe-vault-action', 'node-compile-cache');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const folder = lstatSync(dir);
  const own = folder.isDirectory() && folder.uid === process.getuid() && (folder.mode & 0o077) === 0;
  return own ? dir : undefined;
}
