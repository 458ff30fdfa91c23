// `npm run bench -- auth`: one identity → Vault token login, as whole processes, on the real stack.
// Ours (the action bundle as the runner runs it, and the CLI) against Go CLIs doing the same job.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { runnerFiles } from './runner-files.ts';
import { measure, round, type Candidate, type Measurement } from './measure.ts';

export function benchAuth(stack: StackEnv, runs: number): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const files = runnerFiles(dir);
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: dir };
  const hasToken = (stdout: string) => {
    if (!/VAULT_TOKEN|client_token|::add-mask::/.test(stdout)) throw new Error('the run produced no token');
  };
  const action: Candidate = {
    name: 'ours: action (dist/main.js)',
    command: process.execPath,
    args: [join(repoRoot, 'dist', 'main.js')],
    options: {
      env: files.actionEnv(stack),
    },
    check: hasToken,
  };
  const cli: Candidate = {
    name: 'ours: CLI (spiffe-vault auth)',
    command: process.execPath,
    args: [join(repoRoot, 'dist', 'cli.js'), 'auth', '-role', stack.STACK_ROLE, '-audience', stack.STACK_AUDIENCE],
    options: {
      env: { ...baseEnv, VAULT_ADDR: stack.VAULT_ADDR, SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET },
    },
    check: hasToken,
  };
  const peer = goPeer(stack, baseEnv);
  const node: Candidate = { name: 'node -e 0', command: process.execPath, args: ['-e', '0'] };

  const results: Measurement[] = [action, cli, peer.candidate, node].map((c) => measure(c, runs));
  const [ours, oursCli, go, bare] = results as [Measurement, Measurement, Measurement, Measurement];
  return {
    benchmark: 'auth',
    runs,
    peer: peer.description,
    results,
    ratio: round(ours.medianMs / go.medianMs, 2),
    ratio_cli: round(oursCli.medianMs / go.medianMs, 2),
    ratio_node_baseline: round(ours.medianMs / bare.medianMs, 2),
    target: 'ratio <= 1.5 (ours ÷ Go CLI, lower is better)',
  };
}

/**
 * The Go peer. The Go `spiffe-vault auth` CLI when it is installed; otherwise the same job done
 * by the SPIRE agent's and OpenBao's own Go CLIs (fetch a JWT-SVID, log in with it), one shell.
 */
function goPeer(stack: StackEnv, env: Record<string, string>): { candidate: Candidate; description: string } {
  const goCli = spawnSync('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'spiffe-vault'], {
    encoding: 'utf8',
  });
  if (goCli.status === 0) {
    const bin = goCli.stdout.trim().split('\n').at(-1) as string;
    return {
      description: 'spiffe-vault auth (Go CLI)',
      candidate: {
        name: 'peer: spiffe-vault auth (Go)',
        command: join(bin, 'spiffe-vault'),
        args: ['auth', '-role', stack.STACK_ROLE],
        options: {
          env: { ...env, VAULT_ADDR: stack.VAULT_ADDR, SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET },
        },
      },
    };
  }
  const script =
    `jwt=$("$B/spire-agent" api fetch jwt -audience "$AUD" -socketPath "$SOCK" | sed -n '2{s/^[[:space:]]*//;p}') && ` +
    `"$B/bao" write -field=token auth/jwt/login role="$ROLE" jwt="$jwt" >/dev/null && echo VAULT_TOKEN`;
  return {
    description:
      'the Go spiffe-vault CLI could not be installed (module proxy refused it); instead the Go CLIs of SPIRE and OpenBao doing the same job: `spire-agent api fetch jwt` then `bao write auth/jwt/login`',
    candidate: {
      name: 'peer: spire-agent fetch + bao login (Go)',
      command: 'bash',
      args: ['-c', script],
      options: {
        env: {
          ...env,
          B: stack.STACK_BIN,
          AUD: stack.STACK_AUDIENCE,
          SOCK: stack.STACK_AGENT_SOCKET,
          ROLE: stack.STACK_ROLE,
          BAO_ADDR: stack.VAULT_ADDR,
        },
      },
      check: (stdout) => {
        if (!stdout.includes('VAULT_TOKEN')) throw new Error('the Go peer produced no token');
      },
    },
  };
}
