// The peer of the auth benchmark: the Go `spiffe-vault` CLI, the tool our CLI replaces, doing the
// same login. SPIFFE_VAULT_GO names its binary; unset, the bench asks the project's installer,
// which builds it once (cached) from the shared source copy when there is one. Without it, the
// same job is done by the Go CLIs of SPIRE and OpenBao.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import type { Candidate } from './measure.ts';

export interface GoPeer {
  readonly candidate: Candidate;
  readonly description: string;
  /** The Go spiffe-vault binary measured, when it was. */
  readonly binary?: string;
}

export function goPeer(stack: StackEnv, env: Readonly<Record<string, string>>): GoPeer {
  const binary = goSpiffeVault();
  if (binary === undefined) return spireAndBaoPeer(stack, env);
  return {
    binary,
    description: 'the Go spiffe-vault CLI (`spiffe-vault auth`), flags given for the stack',
    candidate: {
      name: 'peer: spiffe-vault auth (Go)',
      command: binary,
      // Its defaults (audience CI, the CSI driver's socket) are not the stack's; it reads no socket variable.
      args: [
        'auth',
        '-role',
        stack.STACK_ROLE,
        '-audience',
        stack.STACK_AUDIENCE,
        '-socketPath',
        stack.SPIFFE_ENDPOINT_SOCKET,
      ],
      options: { env: { ...env, VAULT_ADDR: stack.VAULT_ADDR } },
      check: (stdout) => {
        if (!stdout.includes('VAULT_TOKEN=')) throw new Error('the Go spiffe-vault CLI printed no token');
      },
    },
  };
}

/** SPIFFE_VAULT_GO, else the installer's build of the peer (setting SPIFFE_VAULT_GO), else none. */
function goSpiffeVault(): string | undefined {
  const named = process.env.SPIFFE_VAULT_GO;
  if (named) {
    if (!existsSync(named)) throw new Error(`SPIFFE_VAULT_GO names no file: ${named}`);
    return named;
  }
  const installer = spawnSync('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'spiffe-vault'], {
    encoding: 'utf8',
  });
  if (installer.status !== 0) {
    console.error(`[bench] no Go spiffe-vault CLI: ${installer.stderr.trim().split('\n').at(-1) ?? ''}`);
    return undefined;
  }
  const binary = join(installer.stdout.trim().split('\n').at(-1) as string, 'spiffe-vault');
  process.env.SPIFFE_VAULT_GO = binary;
  return binary;
}

/** `spire-agent api fetch jwt` then `bao write auth/jwt/login`, in one shell. */
function spireAndBaoPeer(stack: StackEnv, env: Readonly<Record<string, string>>): GoPeer {
  const script =
    `jwt=$("$B/spire-agent" api fetch jwt -audience "$AUD" -socketPath "$SOCK" | sed -n '2{s/^[[:space:]]*//;p}') && ` +
    `"$B/bao" write -field=token auth/jwt/login role="$ROLE" jwt="$jwt" >/dev/null && echo VAULT_TOKEN`;
  return {
    description:
      'the Go spiffe-vault CLI is not installed (set SPIFFE_VAULT_GO, or provide its source for scripts/install-tools.sh spiffe-vault); instead the Go CLIs of SPIRE and OpenBao doing the same job: `spire-agent api fetch jwt` then `bao write auth/jwt/login`',
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
