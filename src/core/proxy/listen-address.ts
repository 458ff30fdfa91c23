/**
 * Where the proxy listens: a unix socket (the default, in a new private directory) or a
 * loopback TCP port. Never another interface: the proxy hands out Vault access.
 */
import { chmodSync, lstatSync, mkdtempSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';

export type ListenAddress =
  | { readonly kind: 'unix'; readonly path: string; readonly privateDir?: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** Linux's limit for a socket path (sun_path is 108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 107;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * `''` (a socket in a new private directory under `tempDir`), `unix:///path/x.sock`, a path, or
 * `127.0.0.1:PORT` (`localhost`, `[::1]`; port 0 picks a free one).
 */
export function parseListenAddress(
  value: string,
  options: { readonly source: string; readonly cwd: string },
): ListenAddress {
  const { source } = options;
  const text = value.trim();
  if (text === '') return { kind: 'unix', path: '' };
  if (text.startsWith('unix:') || text.startsWith('/') || text.startsWith('.')) {
    const raw = text.replace(/^unix:(\/\/)?/, '');
    const path = isAbsolute(raw) ? raw : resolve(options.cwd, raw);
    checkSocketPathLength(path, source);
    return { kind: 'unix', path };
  }
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new InputError(
      `${source}: '${text}' is not a listen address — give unix:///path/to/vault.sock, or 127.0.0.1:PORT`,
    );
  }
  const host = match[1] as string;
  if (!LOOPBACK.has(host)) {
    throw new InputError(
      `${source}: '${host}' is not a loopback address — the proxy hands out this job's Vault access, ` +
        'so it only listens on 127.0.0.1, localhost or [::1] (or a unix socket, the default)',
    );
  }
  return { kind: 'tcp', host: host.replace(/^\[|\]$/g, ''), port };
}

/**
 * Resolves the default: a new directory of mode 0700 under `tempDir` holding `vault.sock`.
 * Given socket paths are checked: their directory must exist.
 */
export function prepareSocket(address: ListenAddress, tempDir: string, source: string): ListenAddress {
  if (address.kind !== 'unix') return address;
  if (address.path !== '') {
    const dir = dirname(address.path);
    if (!isDirectory(dir)) {
      throw new InputError(
        `${source}: the folder ${dir} of the socket does not exist — create it, or leave ${source} empty`,
      );
    }
    if (exists(address.path)) {
      throw new InputError(`${source}: ${address.path} already exists — remove it, or choose another path`);
    }
    return address;
  }
  let privateDir: string;
  try {
    privateDir = mkdtempSync(join(tempDir, 'spiffe-vault-proxy-'));
    chmodSync(privateDir, 0o700);
  } catch (error: unknown) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(
      `cannot create the proxy's socket folder in ${tempDir} (${reason}) — make it writable, or give ${source} a socket path or 127.0.0.1:PORT`,
    );
  }
  const path = join(privateDir, 'vault.sock');
  checkSocketPathLength(path, `the socket path under ${tempDir}`);
  return { kind: 'unix', path, privateDir };
}

/** The address as clients write VAULT_ADDR: `unix:///…/vault.sock` or `http://127.0.0.1:PORT`. */
export function vaultAddrOf(address: ListenAddress, boundPort?: number): string {
  if (address.kind === 'unix') return `unix://${address.path}`;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${boundPort ?? address.port}`;
}

function checkSocketPathLength(path: string, source: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new InputError(
      `${source}: the socket path ${path} is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a unix socket allows — use a shorter folder (e.g. /tmp)`,
    );
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
