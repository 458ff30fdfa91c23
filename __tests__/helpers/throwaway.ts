// Short-lived real servers and sockets for fault tests that must not disturb the shared stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackEnv } from './stack-env.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ThrowawayServer {
  readonly address: string;
  readonly rootToken: string;
  /** With `tls`: the CA that signed the server's certificate. */
  readonly caCertFile?: string;
  /** The dev server's one unseal key, as it prints it on stdout (to unseal it after `operator seal`). */
  unsealKey(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A fresh, unconfigured dev server of the stack's chosen kind (OpenBao or HashiCorp Vault: see
 * STACK_VAULT), optionally with TLS from its own throwaway CA.
 */
export async function startThrowawayServer(stack: StackEnv, options: { tls?: boolean } = {}): Promise<ThrowawayServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bao-'));
  const rootToken = `root-${Math.random().toString(36).slice(2)}`;
  const args = [
    'server',
    '-dev',
    `-dev-root-token-id=${rootToken}`,
    `-dev-listen-address=127.0.0.1:${port}`,
    '-dev-no-store-token',
  ];
  if (options.tls) args.push('-dev-tls', `-dev-tls-cert-dir=${dir}`);
  const child = spawn(`${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`, args, {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { PATH: process.env.PATH ?? '', HOME: dir },
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const unsealKey = async (): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const key = /^Unseal Key: (\S+)$/m.exec(stdout)?.[1];
      if (key) return key;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the throwaway server printed no unseal key: ${stdout}`);
  };
  const address = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const caCertFile = options.tls ? join(dir, 'vault-ca.pem') : undefined;
  await waitForHealth(address, caCertFile, stack.STACK_VAULT_NAME);
  return { address, rootToken, ...(caCertFile ? { caCertFile } : {}), unsealKey, stop: () => stopChild(child) };
}

async function waitForHealth(address: string, caCertFile: string | undefined, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if (caCertFile) readFileSync(caCertFile); // the dev server writes its CA before listening
      const request = address.startsWith('https') ? httpsRequest : httpRequest;
      const ok = await new Promise<boolean>((resolve) => {
        const req = request(`${address}/v1/sys/health`, caCertFile ? { ca: readFileSync(caCertFile) } : {}, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.end();
      });
      if (ok) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`throwaway ${what} at ${address} did not become healthy`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** A unix socket file with nothing listening behind it (an agent that died). */
export async function staleUnixSocket(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'sock-')), 'api.sock');
  const child = spawn(
    process.execPath,
    ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  child.kill('SIGKILL'); // a killed process leaves its socket file behind
  await new Promise((r) => child.once('exit', r));
  return path;
}

/** A throwaway dev server, sealed: every request to it answers 503 "Vault is sealed". */
export async function startSealedServer(stack: StackEnv): Promise<ThrowawayServer> {
  const server = await startThrowawayServer(stack);
  const seal = await fetch(`${server.address}/v1/sys/seal`, {
    method: 'POST',
    headers: { 'X-Vault-Token': server.rootToken },
  });
  if (seal.status !== 204) {
    await server.stop();
    throw new Error(`could not seal the throwaway server: ${seal.status}`);
  }
  return server;
}
