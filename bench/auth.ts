// `npm run bench -- auth`: one identity → Vault token login, as whole processes, on the real stack.
// Ours (the action bundle as the runner runs it, and the CLI) against the Node floor for this job
// (bench/node-floor.cjs), the same login done by hand with Node's own modules
// (bench/bare-login-client.cjs) and the Go spiffe-vault CLI (bench/go-peer.ts), measured in rounds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StackEnv } from '../__tests__/helpers/stack-env.ts';
import { goPeer } from './go-peer.ts';
import { runnerFiles } from './runner-files.ts';
import { measureInterleaved, round, type Candidate, type Measurement } from './measure.ts';

/** Ours ÷ the Node floor. */
export const FLOOR_RATIO_TARGET = 1.5;

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
    options: { env: files.actionEnv(stack) },
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
  // method: cert, the X.509-SVID over mutual TLS to the cert auth method (when the stack has it).
  const cert: Candidate[] =
    stack.STACK_VAULT_TLS_ADDR && stack.STACK_TLS_CA_FILE && stack.STACK_CERT_ROLE
      ? [
          {
            ...action,
            name: 'ours: action, method cert (mutual TLS)',
            options: {
              env: files.actionEnv(stack, {
                method: 'cert',
                'vault-addr': stack.STACK_VAULT_TLS_ADDR,
                'ca-cert': stack.STACK_TLS_CA_FILE,
                role: stack.STACK_CERT_ROLE,
              }),
            },
          },
        ]
      : [];
  const floor: Candidate = {
    name: 'Node floor (node:http2 + node:https, nothing else)',
    command: process.execPath,
    args: [join(import.meta.dirname, 'node-floor.cjs')],
    options: { env: baseEnv },
  };
  const bareLogin: Candidate = {
    name: 'Node bare login (node:http2 + node:http, by hand)',
    command: process.execPath,
    args: [
      join(import.meta.dirname, 'bare-login-client.cjs'),
      stack.SPIFFE_ENDPOINT_SOCKET,
      stack.VAULT_ADDR,
      stack.STACK_ROLE,
      stack.STACK_AUDIENCE,
    ],
    options: { env: baseEnv },
    check: hasToken,
  };
  const bare: Candidate = {
    name: 'node -e 0',
    command: process.execPath,
    args: ['-e', '0'],
    options: { env: baseEnv },
  };
  const peer = goPeer(stack, baseEnv);
  // Before/after in one run: BENCH_BASELINE_DIST names the dist/ of another build (an earlier
  // release's), whose action bundle is timed in the same rounds.
  const baselineDist = process.env.BENCH_BASELINE_DIST;
  const baseline: Candidate[] = baselineDist
    ? [{ ...action, name: `baseline: action (${baselineDist}/main.js)`, args: [join(baselineDist, 'main.js')] }]
    : [];

  const results = measureInterleaved([action, cli, floor, bareLogin, peer.candidate, bare, ...baseline, ...cert], runs);
  const [ours, oursCli, floorMs, bareLoginMs, go] = results as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];
  const result = {
    benchmark: 'auth',
    runs,
    peer: peer.description,
    ...(peer.binary ? { spiffe_vault_go: peer.binary } : {}),
    results,
    node_floor_ms: floorMs.medianMs,
    ratio_floor: round(ours.medianMs / floorMs.medianMs, 2),
    ratio_floor_cli: round(oursCli.medianMs / floorMs.medianMs, 2),
    // The same job by hand with Node's own modules: what is left when no library is loaded.
    ratio_floor_bare_login: round(bareLoginMs.medianMs / floorMs.medianMs, 2),
    ratio_go: round(ours.medianMs / go.medianMs, 2),
    ratio_go_cli: round(oursCli.medianMs / go.medianMs, 2),
    ...(baselineDist ? { ratio_baseline: round(ours.medianMs / (results[6] as Measurement).medianMs, 2) } : {}),
    ...(cert.length > 0
      ? { ratio_cert_to_jwt: round((results.at(-1) as Measurement).medianMs / ours.medianMs, 2) }
      : {}),
    target: `ratio_floor and ratio_floor_cli <= ${FLOOR_RATIO_TARGET} (ours ÷ the Node floor for this job; lower is better)`,
  };
  printSideBySide(results, floorMs);
  return result;
}

/** One line per candidate on stderr: median, spread and its multiple of the floor. */
function printSideBySide(results: readonly Measurement[], floor: Measurement): void {
  for (const m of results) {
    const times = `${m.medianMs.toFixed(1).padStart(7)} ms  (${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)})`;
    console.error(`${m.name.padEnd(52)} ${times.padEnd(32)} ${round(m.medianMs / floor.medianMs, 2)}× floor`);
  }
}
