// Test images built locally and pushed with the stack's real crane (no network), and the real
// cosign CLIs run against the stack's registries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRun, run, type RunResult, type StackEnv } from './stack-env.ts';

/** Runs crane with the given env additions (e.g. DOCKER_CONFIG); throws with its output on failure. */
export function crane(stack: StackEnv, args: readonly string[], env: Record<string, string> = {}): string {
  const r = run(join(stack.STACK_BIN, 'crane'), args, { env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(describeRun(`crane ${args.join(' ')}`, r));
  return r.stdout.trim();
}

/**
 * Pushes a one-layer image (a file holding `content`) as `ref` (REGISTRY/REPO:TAG); with
 * `platform`, its config names that platform. Returns the manifest digest.
 */
export function pushImage(
  stack: StackEnv,
  ref: string,
  content: string,
  options: { platform?: string; env?: Record<string, string> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'oci-image-'));
  try {
    writeFileSync(join(dir, 'content.txt'), `${content}\n`);
    const tar = join(dir, 'layer.tar');
    const r = run('tar', ['-cf', tar, '-C', dir, 'content.txt']);
    if (r.status !== 0) throw new Error(describeRun('tar', r));
    crane(stack, ['append', '-f', tar, '-t', ref], options.env);
    if (options.platform) crane(stack, ['mutate', ref, '--set-platform', options.platform, '-t', ref], options.env);
    return crane(stack, ['digest', ref], options.env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes one image per platform and an OCI index of them as `ref`; returns all digests. */
export function pushIndex(
  stack: StackEnv,
  ref: string,
  platforms: readonly string[],
): { index: string; children: Record<string, string> } {
  const children: Record<string, string> = {};
  const refs: string[] = [];
  for (const platform of platforms) {
    const childRef = `${ref}-${platform.replace(/\//g, '-')}`;
    children[platform] = pushImage(stack, childRef, `${ref} for ${platform}`, { platform });
    refs.push(`${ref.replace(/:[^:/]+$/, '')}@${children[platform]}`);
  }
  crane(stack, ['index', 'append', ...refs.flatMap((r) => ['-m', r]), '-t', ref]);
  return { index: crane(stack, ['digest', ref]), children };
}

/** Runs a cosign binary (`cosign` = v3, `cosign2` = v2) with a private HOME and no Vault settings of the caller. */
export function cosign(
  stack: StackEnv,
  binary: 'cosign' | 'cosign2',
  args: readonly string[],
  env: Record<string, string>,
): RunResult {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VAULT|BAO|DOCKER)_/.test(k)) base[k] = v;
  return run(join(stack.STACK_BIN, binary), args, { env: { ...base, ...env }, timeoutMs: 120_000 });
}
