// Runs a workflow of __tests__/workflows/ with nektos/act, a real implementation of the GitHub
// Actions runner, in its host mode (no Docker): the workflow's `uses: ./` runs this repository's
// action.yml and dist/ as a GitHub runner would. act reaches nothing but loopback: it runs with
// --action-offline-mode, no cache server, ACT_DISABLE_VERSION_CHECK=1 and its default checkout
// skipping (actions/checkout of the workflow's own repository copies the working tree).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeRun, repoRoot, run, type StackEnv } from './stack-env.ts';

export const WORKFLOWS_DIR = join(repoRoot, '__tests__', 'workflows');

export interface ActRun {
  /** act's exit status: 0 when every job succeeded. */
  readonly status: number | null;
  /** act's text log (stdout and stderr). Never act's --json log: it shows masked values. */
  readonly log: string;
}

/**
 * Runs `__tests__/workflows/<name>.yml` on a push event in a throwaway git repository holding
 * the action (action.yml and dist/). `env` becomes the workflow's environment (act's
 * --env-file): it must hold no secret, the job gets its token from the action alone.
 */
export function runActWorkflow(stack: StackEnv, name: string, env: Readonly<Record<string, string>>): ActRun {
  const work = mkdtempSync(join(tmpdir(), 'act-'));
  try {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    cpSync(join(repoRoot, 'action.yml'), join(repo, 'action.yml'));
    cpSync(join(repoRoot, 'dist'), join(repo, 'dist'), { recursive: true });
    cpSync(join(WORKFLOWS_DIR, `${name}.yml`), join(repo, '.github', 'workflows', `${name}.yml`));
    git(repo, ['init', '-q', '-b', 'main']);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'the action under test']);
    // act names the repository after origin (checkout skipping compares it); nothing is fetched.
    git(repo, ['remote', 'add', 'origin', 'https://github.com/example/spiffe-vault-action.git']);

    const envFile = join(work, 'workflow.env');
    writeFileSync(
      envFile,
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
      { mode: 0o600 },
    );
    const home = join(work, 'home');
    mkdirSync(home);
    // act runs a node24 action with the first `node` on its own PATH, without a version check:
    // the Node running these tests (24) comes first; then the stack's CLIs (vault, bao, cosign).
    const path = [dirname(process.execPath), stack.STACK_BIN, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
    const r = run(
      join(stack.STACK_BIN, 'act'),
      [
        'push',
        '--workflows',
        `.github/workflows/${name}.yml`,
        '-P',
        'self-hosted=-self-hosted',
        '--action-offline-mode',
        '--no-cache-server',
        '--action-cache-path',
        join(work, 'act-cache'),
        '--env-file',
        envFile,
      ],
      {
        cwd: repo,
        // Only what act needs: host mode hands its whole environment to every step.
        env: {
          PATH: path,
          HOME: home,
          XDG_CACHE_HOME: join(home, '.cache'),
          XDG_CONFIG_HOME: join(home, '.config'),
          ACT_DISABLE_VERSION_CHECK: '1',
          NO_COLOR: '1',
        },
        timeoutMs: 240_000,
      },
    );
    return { status: r.status, log: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function git(cwd: string, args: readonly string[]): void {
  const r = run('git', ['-c', 'user.name=act test', '-c', 'user.email=act@example.invalid', ...args], {
    cwd,
    env: { PATH: '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1' },
  });
  if (r.status !== 0) throw new Error(describeRun(`git ${args.join(' ')}`, r));
}
