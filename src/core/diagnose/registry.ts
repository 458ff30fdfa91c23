/**
 * Registry failures classified into findings: unreachable or overloaded after the retries,
 * credentials missing or refused (by the registry or its token service), access denied, not
 * found, or an answer outside the distribution spec. The OCI client throws OciErrors rendered
 * from these findings.
 */
import type { OciErrorCode } from '../oci/errors.ts';
import { isRetryableRegistryError, RegistryHttpError } from '../oci/errors.ts';
import type { Finding } from './finding.ts';

export type RegistryFinding = Finding<OciErrorCode>;

export interface RegistryRequestContext {
  /** What was being done: "read manifest ghcr.io/org/app:v1". */
  readonly what: string;
  /** host[:port] of the registry. */
  readonly host: string;
  /** `https://host` or `http://host`. */
  readonly baseUrl: string;
  readonly repository: string;
  readonly access: 'pull' | 'push';
  /** Whether the Docker config (or the options) had credentials for the host. */
  readonly hasCredentials: boolean;
  /** Where the credentials come from, for the fix ('the options' when not a file). */
  readonly configPath?: string | undefined;
  /** How long the retries went on. */
  readonly retriedForMs: number;
  /** What the last Retry-After asked for, when it asked. */
  readonly retryAfterMs?: number | undefined;
}

function loginFix(host: string): string {
  return `log in with \`docker login ${host}\` (or write an auths entry for ${host} to $DOCKER_CONFIG/config.json) before this step`;
}

/** A failed registry exchange (the last one, after the retries) as a finding. */
export function diagnoseRegistryFailure(error: RegistryHttpError, context: RegistryRequestContext): RegistryFinding {
  const { what, host } = context;
  const codes = error.registryCodes.length ? ` (${error.registryCodes.join(', ')})` : '';
  const area = 'registry' as const;
  const status = error.status === 0 ? {} : { status: error.status };
  if (error.limitBytes !== undefined) {
    return {
      code: 'REGISTRY_ANSWER_TOO_LARGE',
      area,
      reason: 'answer-too-large',
      what: `failed to ${what}: ${host} answered more than ${formatBytes(error.limitBytes)}`,
      why: `${error.message}; reading stopped there`,
      fix: 'something that is not a registry may be answering (check the address), or the registry serves an artifact too large to be a manifest or token',
      ...status,
    };
  }
  if (error.status === 0 || isRetryableRegistryError(error)) {
    const asked = context.retryAfterMs
      ? `; it asked to wait ${Math.ceil(context.retryAfterMs / 1000)} s more (Retry-After)`
      : '';
    const last = error.status === 0 ? `no answer (${error.socketCode}: ${error.message})` : `${error.status}${codes}`;
    return {
      code: 'REGISTRY_UNAVAILABLE',
      area,
      reason: error.status === 0 ? 'no-answer' : 'server-error',
      what: `failed to ${what} at ${context.baseUrl}`,
      why: `${last}, still after retrying for up to ${Math.round(context.retriedForMs / 1000)} s${asked}`,
      fix: 'check that the registry is up and reachable, then run again',
      ...status,
    };
  }
  if (error.status === 401) {
    const source = context.configPath ?? 'the options';
    return {
      code: 'REGISTRY_AUTH_REQUIRED',
      area,
      reason: context.hasCredentials ? 'credentials-refused' : 'credentials-missing',
      what: `failed to ${what}: registry ${host} requires authentication`,
      why: context.hasCredentials
        ? `the credentials for ${host} from ${source} were refused`
        : `no credentials for ${host} were found${context.configPath ? ` in ${context.configPath}` : ' (no Docker config)'}`,
      fix: loginFix(host),
      commands: [`docker login ${host}`],
      ...status,
    };
  }
  if (error.status === 403) {
    return {
      code: 'REGISTRY_PUSH_DENIED',
      area,
      reason: context.access === 'push' ? 'push-denied' : 'pull-denied',
      what: `failed to ${what}: registry ${host} denied it`,
      answer: `403${codes}`,
      fix: `the account logged in for ${host} needs ${context.access === 'push' ? 'push (write)' : 'pull (read)'} access to ${context.repository}`,
      ...status,
    };
  }
  if (error.status === 404) {
    return {
      code: 'IMAGE_NOT_FOUND',
      area,
      reason: 'not-found',
      what: `failed to ${what}: not found on ${host}`,
      answer: `404${codes}`,
      ...status,
    };
  }
  return {
    code: 'REGISTRY_PROTOCOL_ERROR',
    area,
    reason: 'unexpected-status',
    what: `failed to ${what}: registry ${host} answered ${error.status}${codes}`,
    answer: error.message,
    ...status,
  };
}

/** The registry's token service refused the credentials (or an anonymous token) for a scope. */
export function tokenServiceRefused(fields: {
  readonly host: string;
  /** The realm without its query: where the token was asked for. */
  readonly realm: string;
  readonly scope: string;
  readonly withCredentials: boolean;
  readonly status: number;
}): RegistryFinding {
  const { host } = fields;
  return {
    code: 'REGISTRY_AUTH_REQUIRED',
    area: 'registry',
    reason: fields.withCredentials ? 'credentials-refused' : 'anonymous-refused',
    what:
      `the token service of registry ${host} (${fields.realm}) refused ` +
      `${fields.withCredentials ? 'the credentials from the Docker config' : 'an anonymous token'} for '${fields.scope}'`,
    answer: String(fields.status),
    fix: `log in with \`docker login ${host}\` (or add it to auths in $DOCKER_CONFIG/config.json)`,
    commands: [`docker login ${host}`],
    status: fields.status,
  };
}

/** 4194304 → "4 MiB"; sizes that are not whole MiB in bytes. */
function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
