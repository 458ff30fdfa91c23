// The leak matrix's fixtures: the probe command, a later step through a proxy, a relay that
// takes Vault away, an image behind a password, a planted leak to show the matrix sees one.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './cli-run.ts';
import { startLatencyRelay } from './latency-relay.ts';
import { filesUnder, processArguments } from './leak-capture.ts';
import type { CliRun } from './leak-fronts.ts';
import { CHILD_BEGIN, CHILD_END, type Place, type Secret } from './leak-scan.ts';
import type { ScenarioContext } from './leak-scenario.ts';
import { crane, pushImage } from './oci-images.ts';
import { run, type StackEnv } from './stack-env.ts';
import { startSealedServer } from './throwaway.ts';

/** `run`/exec's probe: prints its arguments and environment, records what `ps` shows, exits `code`. */
export const probe = (c: ScenarioContext, code = 0) => [c.dirs.probe, c.dirs.probeArgs, String(code)];
export const probeLine = (c: ScenarioContext, code = 0) => `sh ${probe(c, code).join(' ')}`;

/** A later step's request through the job-local proxy (lookup-self: the answer that names a token). */
export function throughProxy(vaultAddr: string): Place {
  const socket = vaultAddr.replace(/^unix:\/\//, '');
  const r = run('curl', [
    '-s',
    '--unix-socket',
    socket,
    '-H',
    'X-Vault-Token: spiffe-vault-proxy',
    'http://proxy/v1/auth/token/lookup-self',
  ]);
  assert.match(r.stdout, /"data"/, 'the proxy answered');
  return { name: 'a later step through the proxy', text: r.stdout + r.stderr };
}

export function isGone(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** A relay to the stack's Vault: closing it, or pointing it at a sealed server, takes Vault away. */
export async function relayedVault(c: ScenarioContext, delayMs = 0) {
  let relay = await startLatencyRelay(c.stack.VAULT_ADDR, delayMs);
  c.cleanup(() => relay.close());
  return {
    address: relay.address,
    async sealed() {
      const sealedServer = await startSealedServer(c.stack);
      c.cleanup(() => sealedServer.stop());
      await relay.close();
      relay = await startLatencyRelay(sealedServer.address, 0, Number(new URL(relay.address).port));
    },
  };
}

/**
 * An image on the registry that wants a password, and a Docker config that logs in to it, kept
 * outside the scanned folders (the config holds the password on purpose).
 */
export function imageBehindPassword(c: ScenarioContext): { ref: string; dockerConfig: string } {
  const host = c.stack.STACK_REGISTRY_AUTH ?? '';
  const dockerConfig = join(c.dirs.root, 'docker');
  const login = [
    'auth',
    'login',
    host,
    '-u',
    c.stack.STACK_REGISTRY_AUTH_USER ?? '',
    '-p',
    c.stack.STACK_REGISTRY_AUTH_PASSWORD ?? '',
  ];
  crane(c.stack, login, { DOCKER_CONFIG: dockerConfig });
  const ref = `${host}/leak-matrix/private:${Date.now()}`;
  pushImage(c.stack, ref, `private ${ref}`, { env: { DOCKER_CONFIG: dockerConfig } });
  return { ref, dockerConfig };
}

export const registryPassword = (stack: StackEnv): Secret[] => [
  { kind: 'registry password', value: stack.STACK_REGISTRY_AUTH_PASSWORD ?? '' },
];

/** A child that leaks the token it was given in a form no runner masks: the matrix must see it. */
export function plantedLeak(c: ScenarioContext): string {
  const script = join(c.dirs.root, 'leaky.sh');
  writeFileSync(
    script,
    `echo '${CHILD_BEGIN}'\nprintf 'token:%s' "$VAULT_TOKEN" | base64 -w0\necho\necho '${CHILD_END}'\n`,
  );
  return script;
}

/** The proxy `proxy --background` started: what `ps` shows of it, a request through it, its files; then kill. */
export async function stopBackgroundProxy(c: ScenarioContext, started: CliRun): Promise<Place[]> {
  const pid = Number(/SPIFFE_VAULT_PROXY_PID='?(\d+)/.exec(started.stdout)?.[1]);
  const addr = /VAULT_ADDR='([^']+)'/.exec(started.stdout)?.[1] ?? '';
  const places = [
    processArguments(pid, 'the background proxy'),
    throughProxy(addr),
    ...filesUnder({ 'TMPDIR (running)': c.dirs.tmp }),
  ];
  process.kill(pid, 'SIGTERM');
  await waitFor('the proxy to stop', () => isGone(pid));
  return places;
}
