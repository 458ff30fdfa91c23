/**
 * `registry.credentials` (where the credentials for a host come from: the options, the Docker
 * config, a credential helper, or none; never the credentials) and `registry.push` (the registry
 * lets us push: an upload session started and cancelled, nothing left behind; for a Bearer
 * registry the client first asks the token service for a `repository:NAME:pull,push` token).
 */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import type { RegistryClient } from '../../oci/client.ts';
import { header } from '../../oci/transport.ts';
import { fail, failFromFinding, ok, warn, type CheckResult } from '../check.ts';
import type { RegistryAuthScheme } from './registry-reachable.ts';

const CREDENTIALS = 'registry.credentials';
const PUSH = 'registry.push';

export interface CredentialsVerdict {
  readonly check: CheckResult;
  /** Worth trying a push: credentials found, or the registry may not need them. */
  readonly canPush: boolean;
}

export async function checkCredentials(
  client: RegistryClient,
  at: { readonly host: string; readonly scheme: RegistryAuthScheme; readonly dockerConfigDir: string | undefined },
): Promise<CredentialsVerdict> {
  const { host, scheme } = at;
  let origin: string | undefined;
  try {
    origin = await client.credentialOrigin(host);
  } catch (error: unknown) {
    const finding = findingOf(error);
    const check = finding
      ? failFromFinding(CREDENTIALS, 'registry credentials', finding)
      : fail(CREDENTIALS, 'registry credentials', describeError(error), { code: 'REGISTRY_CREDENTIAL_HELPER_FAILED' });
    return { check, canPush: false };
  }
  if (origin) return { check: ok(CREDENTIALS, 'registry credentials', `for ${host}: from ${origin}`), canPush: true };
  const where = client.dockerConfigPath
    ? `none for ${host} in ${client.dockerConfigPath}`
    : `none: no Docker config${at.dockerConfigDir ? ` at ${at.dockerConfigDir}/config.json` : ''}`;
  if (scheme === 'none')
    return { check: ok(CREDENTIALS, 'registry credentials', `${where}; ${host} asks for none`), canPush: true };
  const login = {
    code: 'REGISTRY_AUTH_REQUIRED',
    reason: 'credentials-missing',
    fix: `log in with \`docker login ${host}\` (it writes $DOCKER_CONFIG/config.json), or give the job a Docker config with an auths entry for ${host}`,
    commands: [`docker login ${host}`],
  };
  if (scheme === 'bearer') {
    // A token service may give anonymous clients a token; the push check finds out.
    return {
      check: warn(CREDENTIALS, 'registry credentials', `${where}; ${host} asks for tokens`, login),
      canPush: true,
    };
  }
  return {
    check: fail(CREDENTIALS, 'registry credentials', `${where}; ${host} asks for credentials`, login),
    canPush: false,
  };
}

/** Starts a blob upload in the repository and cancels it: proof that a push is allowed. */
export async function checkPush(
  client: RegistryClient,
  repo: { readonly registry: string; readonly repository: string },
): Promise<CheckResult> {
  const name = `${repo.registry}/${repo.repository}`;
  let location: string | undefined;
  try {
    const started = await client.request({
      ...repo,
      method: 'POST',
      path: 'blobs/uploads/',
      body: Buffer.alloc(0),
      accept: [202],
      access: 'push',
      what: `start an upload to ${name}`,
    });
    location = header(started, 'location');
  } catch (error: unknown) {
    const finding = findingOf(error);
    return finding ? failFromFinding(PUSH, 'push allowed', finding) : fail(PUSH, 'push allowed', describeError(error));
  }
  return ok(PUSH, 'push allowed', `${name}: an upload started (202)${await cancel(client, { repo, location })}`);
}

/** Cancels the upload session; says so when the registry keeps it (unfinished uploads expire). */
async function cancel(
  client: RegistryClient,
  upload: {
    readonly repo: { readonly registry: string; readonly repository: string };
    readonly location: string | undefined;
  },
): Promise<string> {
  const { repo, location } = upload;
  if (!location) return ', without a Location to cancel it at';
  try {
    const url = new URL(location, `${client.baseUrl(repo.registry)}/`);
    await client.request({
      ...repo,
      method: 'DELETE',
      path: url.toString(),
      accept: [200, 202, 204, 404],
      access: 'push',
      what: `cancel the upload to ${repo.registry}/${repo.repository}`,
    });
    return ' and was cancelled';
  } catch (error: unknown) {
    const status = (error as { status?: unknown }).status;
    return `; the registry would not cancel it (${typeof status === 'number' ? status : describeError(error)}): an unfinished upload is invisible and expires`;
  }
}
