// Runs a consumer pipeline that includes this project's GitLab components, with the real GitLab
// pipeline runner gitlab-ci-local (shell executor), in a throwaway git repository.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cosign } from './oci-images.ts';
import { repoRoot, run, type RunResult, type StackEnv } from './stack-env.ts';

/** The pinned gitlab-ci-local, installed (cached) by scripts/install-tools.sh. */
export function gitlabCiLocal(): string {
  const r = run('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'gitlab-ci-local'], { timeoutMs: 600_000 });
  if (r.status !== 0) throw new Error(`installing gitlab-ci-local failed: ${r.stderr}`);
  return join(r.stdout.trim().split('\n').at(-1) as string, 'gitlab-ci-local');
}

/** How the component's `cli` input runs our CLI in tests: this checkout's bundle, on Node 24. */
export const LOCAL_CLI = `${process.execPath} ${join(repoRoot, 'dist', 'cli.js')}`;

export interface PipelineResult {
  readonly status: number | null;
  /** The job logs, as gitlab-ci-local prints them. */
  readonly log: string;
  readonly dir: string;
}

/**
 * Creates a consumer project whose .gitlab-ci.yml is `ciYaml`, and runs its pipeline. The runner
 * (and so the jobs) gets PATH and HOME, or what `env` says instead.
 */
export function runPipeline(
  ciYaml: string,
  files: Readonly<Record<string, string>> = {},
  env: Readonly<Record<string, string>> = {},
): PipelineResult {
  const dir = mkdtempSync(join(tmpdir(), 'gitlab-'));
  cpSync(join(repoRoot, 'templates'), join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, '.gitlab-ci.yml'), ciYaml);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  // gitlab-ci-local resolves $CI_PROJECT_PATH (and so the component) from the origin remote.
  git('remote', 'add', 'origin', 'git@gitlab.example.com:grp/spiffe-vault.git');
  git('add', '-A');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'pipeline');
  const r = spawnSync(gitlabCiLocal(), ['--force-shell-executor', '--no-color'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    timeout: 300_000,
  });
  return { status: r.status, log: `${r.stdout}\n${r.stderr}`, dir };
}

/**
 * Real cosign verifies `file` of the consumer project against the signature the sign
 * component's job kept as an artifact, with `pub` (the transit key's PEM file).
 */
export function verifySignJobArtifact(stack: StackEnv, result: PipelineResult, file: string, pub: string): RunResult {
  const signatures = join(result.dir, '.gitlab-ci-local', 'artifacts', 'spiffe-vault-sign', 'signatures');
  return cosign(
    stack,
    'cosign',
    [
      'verify-blob',
      '--key',
      pub,
      '--signature',
      join(signatures, `${file}.sig`),
      '--insecure-ignore-tlog=true',
      join(result.dir, file),
    ],
    {},
  );
}

/**
 * A consumer pipeline's `include:` of one of this project's components (from the working tree,
 * at the commit gitlab-ci-local makes), logging in to the stack's Vault with `role`, plus
 * `inputs`; `after` is appended as it is (more YAML: variables, jobs).
 */
export function componentInclude(
  stack: StackEnv,
  component: 'login' | 'sign',
  options: { readonly role: string; readonly inputs?: Readonly<Record<string, string>>; readonly after?: string },
): string {
  const inputs = {
    role: options.role,
    'vault-addr': stack.VAULT_ADDR,
    'socket-path': stack.SPIFFE_ENDPOINT_SOCKET,
    ...options.inputs,
  };
  return `include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/${component}@$CI_COMMIT_SHA
    inputs:
${Object.entries(inputs)
  .map(([name, value]) => `      ${name}: ${value}\n`)
  .join('')}${options.after ?? ''}`;
}
