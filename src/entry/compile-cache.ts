// The entries load the big bundles (dist/*-run.js) after turning on Node's compile cache: V8's
// code for them is kept in the OS temp dir (NODE_COMPILE_CACHE moves it,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off), so every run after the first on a runner skips
// compiling ~0.5 MB of JavaScript. It only ever speeds things up: Node reports a cache it cannot
// use instead of failing, and a cold cache costs nothing measurable.
import { enableCompileCache } from 'node:module';

export function useCompileCache(): void {
  try {
    enableCompileCache();
  } catch {
    // Never a reason to fail a run.
  }
}
