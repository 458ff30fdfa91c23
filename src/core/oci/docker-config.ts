/** The docker CLI's config file: `auths` entries and which credential helper serves which registry. */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { DOCKER_HUB, DOCKER_HUB_ALIASES_FOR_CONFIG } from './docker-hub.ts';

/** What a registry login left behind. Never logged. */
export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`, e.g. from `az acr login`): traded at the token realm. */
  readonly identityToken?: string;
}

/** The auths of a Docker config file, keyed by normalized host, and its credential helpers. */
export interface DockerConfigCredentials {
  /** The file read, or undefined when there was none. */
  readonly path: string | undefined;
  readonly auths: ReadonlyMap<string, RegistryCredentials>;
  /** `credHelpers`: normalized host → helper name (`gcloud` runs `docker-credential-gcloud`). */
  readonly helpers: ReadonlyMap<string, string>;
  /** `credsStore`: the helper for every other registry; undefined when unset. */
  readonly credsStore: string | undefined;
}

export const DOCKER_CONFIG_FILE = 'config.json';

/** `$DOCKER_CONFIG`, else `~/.docker`: what the docker CLI reads. The adapter passes its env. */
export function defaultDockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

interface RawAuth {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/**
 * Reads `<dir>/config.json`. A missing file means no credentials (anonymous access); a file that
 * is not JSON is an error naming it. `auths` entries may carry `auth` (base64 `user:pass`),
 * `username`/`password`, and `identitytoken`. `credsStore`/`credHelpers` say which helper to run
 * (credential-helper.ts) for which registry; see `credentialSourceFor`.
 */
export function readDockerConfig(dir: string): DockerConfigCredentials {
  const path = join(dir, DOCKER_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { path: undefined, auths: new Map(), helpers: new Map(), credsStore: undefined };
    }
    throw new InputError(`cannot read the Docker config '${path}' (${code ?? 'unreadable'})`, { cause: error });
  }
  return parseDockerConfig(text, path);
}

/** A Docker config file's text (read from `path`, named in errors) into its credentials. */
export function parseDockerConfig(text: string, path: string): DockerConfigCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    // Only where it broke: the parser's message (and so a cause) can quote the file, credentials included.
    throw new InputError(`the Docker config '${path}' is not JSON${whereJsonBroke(error)} — fix or remove it`);
  }
  // The docker CLI refuses these shapes too (null counts as absent, as it does for the CLI).
  const notAnObject = (what: string) =>
    new InputError(`the Docker config '${path}' is not valid: ${what} is not a JSON object — fix or remove it`);
  const config = parsed ?? {};
  if (!isJsonObject(config)) throw notAnObject('the file');
  const rawAuths = config.auths ?? {};
  const credHelpers = config.credHelpers ?? {};
  if (!isJsonObject(rawAuths)) throw notAnObject('"auths"');
  if (!isJsonObject(credHelpers)) throw notAnObject('"credHelpers"');
  const auths = new Map<string, RegistryCredentials>();
  for (const [key, raw] of Object.entries(rawAuths)) {
    const creds = parseAuthEntry(raw as RawAuth);
    if (creds) auths.set(normalizeConfigHost(key), creds);
  }
  const helpers = new Map<string, string>();
  for (const [key, helper] of Object.entries(credHelpers)) {
    if (typeof helper === 'string' && helper !== '') helpers.set(normalizeConfigHost(key), helper);
  }
  const credsStore = typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined;
  return { path, auths, helpers, credsStore };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAuthEntry(raw: RawAuth | null | undefined): RegistryCredentials | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  let username = typeof raw.username === 'string' ? raw.username : undefined;
  let password = typeof raw.password === 'string' ? raw.password : undefined;
  if (typeof raw.auth === 'string' && raw.auth !== '') {
    const decoded = Buffer.from(raw.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identityToken = typeof raw.identitytoken === 'string' && raw.identitytoken ? raw.identitytoken : undefined;
  if (!username && !identityToken) return undefined;
  return {
    ...(username ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(identityToken ? { identityToken } : {}),
  };
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/path` → `host:5000`. */
export function normalizeConfigHost(key: string): string {
  const withoutScheme = key.trim().replace(/^[a-z]+:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  // Not /\/.*$/: `.` stops at a line separator (U+2028), leaving a path in the host.
  const host = (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
  return DOCKER_HUB_ALIASES_FOR_CONFIG.has(host) ? DOCKER_HUB : host;
}

/** The `auths` credentials for a registry (its name as in the reference: `docker.io` for Docker Hub). */
export function credentialsFor(config: DockerConfigCredentials, registry: string): RegistryCredentials | undefined {
  return config.auths.get(normalizeConfigHost(registry));
}

/** Where the docker CLI takes a registry's credentials from: its `credHelpers` entry, else `credsStore`, else `auths`. */
export type CredentialSource =
  | { readonly kind: 'helper'; readonly helper: string; readonly setting: 'credHelpers' | 'credsStore' }
  | { readonly kind: 'auths' };

export function credentialSourceFor(config: DockerConfigCredentials, registry: string): CredentialSource {
  const helper = config.helpers.get(normalizeConfigHost(registry));
  if (helper) return { kind: 'helper', helper, setting: 'credHelpers' };
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, setting: 'credsStore' };
  return { kind: 'auths' };
}

/** " (line L column C)" or " (at position N)" from a JSON.parse error, never its quote of the text. */
function whereJsonBroke(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const line = /\(line (\d+) column (\d+)\)/.exec(message);
  if (line) return ` (line ${line[1]} column ${line[2]})`;
  const position = /at position (\d+)/.exec(message);
  if (position) return ` (at position ${position[1]})`;
  return /end of JSON input/.test(message) ? ' (it ends too soon)' : '';
}
