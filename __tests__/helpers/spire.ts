// Changes to the real SPIRE stack that fault tests need: agent stop/start, entry delete/create.
import { dirname } from 'node:path';
import { run, stackEnvFile, type StackEnv } from './stack-env.ts';

export function stackCtl(stack: StackEnv, action: 'stop' | 'start', name: 'spire-agent' | 'bao'): void {
  const env = { ...process.env, STACK_DIR: dirname(stackEnvFile()) };
  const r = run('bash', [stack.STACK_CTL, action, name], { env, timeoutMs: 120_000 });
  if (r.status !== 0) throw new Error(`ctl.sh ${action} ${name} failed: ${r.stderr}`);
}

/** Runs `spire-server ARGS… -socketPath S` against the stack's server. */
export function spireServer(stack: StackEnv, args: readonly string[]) {
  return run(`${stack.STACK_BIN}/spire-server`, [...args, '-socketPath', stack.STACK_SPIRE_SERVER_SOCKET]);
}

/** The registration entry's DNS names travel with the function that creates it again. */
export type RecreateEntry = (() => void) & { readonly dnsNames: readonly string[] };

/** Deletes the runner's registration entry; returns a function that creates it again. */
export function deleteRunnerEntry(stack: StackEnv): RecreateEntry {
  const shown = spireServer(stack, ['entry', 'show', '-spiffeID', stack.STACK_SPIFFE_ID, '-output', 'json']);
  const entries = (JSON.parse(shown.stdout) as { entries?: { id: string; dns_names?: string[] }[] }).entries ?? [];
  // The DNS names come back too: the first is the X.509-SVID's CN, which the cert auth method needs.
  const dnsNames = [...new Set(entries.flatMap((entry) => entry.dns_names ?? []))];
  for (const entry of entries) {
    const r = spireServer(stack, ['entry', 'delete', '-entryID', entry.id]);
    if (r.status !== 0) throw new Error(`entry delete failed: ${r.stderr}`);
  }
  const recreate = () => {
    const uid = process.getuid?.() ?? 0;
    const r = spireServer(stack, [
      'entry',
      'create',
      '-parentID',
      stack.STACK_NODE_ID,
      '-spiffeID',
      stack.STACK_SPIFFE_ID,
      ...dnsNames.flatMap((name) => ['-dns', name]),
      '-selector',
      `unix:uid:${uid}`,
    ]);
    if (r.status !== 0) throw new Error(`entry create failed: ${r.stderr}`);
  };
  return Object.assign(recreate, { dnsNames });
}

/** Waits until the agent issues the runner a JWT-SVID (`present`) or no longer does. */
export async function waitForRunnerIdentity(stack: StackEnv, present: boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = run(`${stack.STACK_BIN}/spire-agent`, [
      'api',
      'fetch',
      'jwt',
      '-audience',
      stack.STACK_AUDIENCE,
      '-socketPath',
      stack.STACK_AGENT_SOCKET,
      '-timeout',
      '1s',
    ]);
    if ((r.status === 0) === present) return;
    if (Date.now() > deadline) throw new Error(`the runner's identity is still ${present ? 'missing' : 'issued'}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
