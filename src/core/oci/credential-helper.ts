/**
 * Docker credential helpers, run as the docker CLI runs them: `docker-credential-<name> get`
 * found on PATH, the registry's server URL on stdin, `{"ServerURL","Username","Secret"}` as JSON
 * on stdout (Username `<token>` means Secret is an identity token). A helper that knows nothing
 * for the registry says "credentials not found" and exits non-zero: that is no credentials, not
 * a failure. What a helper prints on stdout is never logged or put in a message.
 */
import { spawn } from 'node:child_process';
import { DOCKER_HUB } from './docker-hub.ts';
import type { RegistryCredentials } from './docker-config.ts';
import { OciError } from './errors.ts';

/** How long a helper may take (some ask a cloud's token service first). */
export const DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS = 30_000;
/** The server URL the docker CLI hands helpers for Docker Hub; other registries get their host. */
export const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';
const TOKEN_USERNAME = '<token>';
const NOT_FOUND = /credentials not found/i;
const MAX_STDOUT_BYTES = 1024 * 1024;

export interface CredentialHelperRun {
  /** The helper's name as in `credsStore`/`credHelpers`: `desktop` runs `docker-credential-desktop`. */
  readonly helper: string;
  /** The registry as named in references (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** The environment it runs in (its PATH finds the helper); default this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

interface HelperExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The helper's credentials for the registry; undefined when it has none. */
export async function runCredentialHelper(run: CredentialHelperRun): Promise<RegistryCredentials | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(run.helper)) {
    throw helperFailure(run, { why: `'${run.helper}' is not a helper name` });
  }
  const program = helperProgram(run.helper);
  const serverUrl = run.registry === DOCKER_HUB ? DOCKER_HUB_SERVER_URL : run.registry;
  let exit: HelperExit;
  try {
    exit = await spawnHelper({ program, stdin: serverUrl, env: run.env, timeoutMs: run.timeoutMs });
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `${program} is not on PATH` : (error as Error).message;
    throw helperFailure(run, { why, cause: error });
  }
  if (exit.code !== 0) {
    if (NOT_FOUND.test(exit.stdout) || NOT_FOUND.test(exit.stderr)) return undefined;
    const said = firstLine(exit.stderr);
    throw helperFailure(run, { why: `it exited with ${exit.code ?? 'a signal'}${said ? `: ${said}` : ''}` });
  }
  return parseHelperAnswer(exit.stdout, run);
}

/** `docker-credential-<name>`. */
export function helperProgram(helper: string): string {
  return `docker-credential-${helper}`;
}

function parseHelperAnswer(stdout: string, run: CredentialHelperRun): RegistryCredentials | undefined {
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(stdout) as typeof answer;
  } catch {
    throw helperFailure(run, { why: 'it did not print the JSON credentials object on stdout' });
  }
  const username = typeof answer?.Username === 'string' ? answer.Username : '';
  const secret = typeof answer?.Secret === 'string' ? answer.Secret : '';
  if (username === TOKEN_USERNAME) return secret ? { identityToken: secret } : undefined;
  if (!username) return undefined;
  return { username, password: secret };
}

function spawnHelper(input: {
  program: string;
  stdin: string;
  env: Readonly<Record<string, string | undefined>> | undefined;
  timeoutMs: number | undefined;
}): Promise<HelperExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(input.program, ['get'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: input.timeoutMs ?? DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS,
      ...(input.env ? { env: input.env as NodeJS.ProcessEnv } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_STDOUT_BYTES) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const timedOut = signal === 'SIGTERM' && code === null;
      if (timedOut) {
        reject(
          new Error(
            `it did not answer within ${Math.round((input.timeoutMs ?? DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS) / 1000)} s`,
          ),
        );
        return;
      }
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    // A helper that exits without reading stdin must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input.stdin);
  });
}

function helperFailure(run: CredentialHelperRun, failed: { why: string; cause?: unknown }): OciError {
  const { why, cause } = failed;
  const program = helperProgram(run.helper);
  return new OciError(
    'REGISTRY_CREDENTIAL_HELPER_FAILED',
    `the Docker config names the credential helper '${run.helper}' for ${run.registry}, and \`${program} get\` failed: ${why} — ` +
      `install ${program} on this job's PATH, or log in without a helper: point DOCKER_CONFIG at a directory whose ` +
      `config.json has no credsStore/credHelpers entry for ${run.registry} (e.g. \`DOCKER_CONFIG=$(mktemp -d) docker login ${run.registry}\`), ` +
      `where the credentials are stored in auths`,
    { host: run.registry, ...(cause !== undefined ? { cause } : {}) },
  );
}

function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').slice(0, 200);
}
