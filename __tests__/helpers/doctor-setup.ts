// A throwaway Vault server (OpenBao or HashiCorp Vault, as STACK_VAULT chooses) set up the way a
// healthy installation is, with the server's own CLI, so one test can break one link and fix it
// again without touching the shared stack; and `spiffe-vault doctor` run against it.
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, DoctorReport } from '../../src/core/doctor/check.ts';
import { cli, cliEnv } from './cli-run.ts';
import { cosign } from './oci-images.ts';
import { describeRun, run, type RunResult, type StackEnv } from './stack-env.ts';
import { startThrowawayServer, type ThrowawayServer } from './throwaway.ts';

export const DOCTOR_ROLE = 'ci';
export const DOCTOR_KEY = 'cosign';
export const DOCTOR_POLICY = 'sign';

export interface ConfiguredServer extends ThrowawayServer {
  /** Runs the server's own CLI (`bao` or `vault`) with the root token; throws when it fails. */
  admin(args: readonly string[], input?: string): string;
  /** Same, but returns the result whatever the exit status. */
  tryAdmin(args: readonly string[], input?: string): RunResult;
  /**
   * Runs a command line as doctor printed it (`vault write …`, or a `vault read … | jq … | vault
   * write … -` pipeline) through sh, as root, with `vault` and `bao` both the server's own CLI.
   */
  adminShell(command: string): string;
  /** The environment `dist/cli.js` runs with against this server. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
}

/** The least-privilege signing policy the healthy set-up uses. */
export function signingPolicy(key = DOCTOR_KEY, mount = 'transit'): string {
  return [
    `path "${mount}/keys/${key}" { capabilities = ["read"] }`,
    `path "${mount}/sign/${key}/sha2-256" { capabilities = ["update"] }`,
    '',
  ].join('\n');
}

/**
 * A fresh dev server with: transit and an ecdsa-p256 key, JWT auth at `jwt` trusting SPIRE's JWT
 * keys (the stack's jwt-config.json), the signing policy, and role `ci` bound to the stack's
 * SPIFFE ID and audience with 60 s service tokens.
 */
export async function startConfiguredServer(
  stack: StackEnv,
  options: { tls?: boolean } = {},
): Promise<ConfiguredServer> {
  const server = await startThrowawayServer(stack, options);
  const bin = `${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`;
  const adminEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'admin-home-')),
    VAULT_ADDR: server.address,
    BAO_ADDR: server.address,
    VAULT_TOKEN: server.rootToken,
    BAO_TOKEN: server.rootToken,
    ...(server.caCertFile ? { VAULT_CACERT: server.caCertFile, BAO_CACERT: server.caCertFile } : {}),
  };
  const tryAdmin = (args: readonly string[], input?: string): RunResult =>
    run(bin, args, { env: adminEnv, ...(input !== undefined ? { input } : {}) });
  const admin = (args: readonly string[], input?: string): string => {
    const r = tryAdmin(args, input);
    assert.equal(r.status, 0, describeRun(`${stack.STACK_VAULT_CLI} ${args.join(' ')}`, r));
    return r.stdout;
  };
  const cliDir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
  for (const name of ['vault', 'bao']) symlinkSync(bin, join(cliDir, name));
  const adminShell = (command: string): string => {
    const r = run('sh', ['-c', command], { env: { ...adminEnv, PATH: `${cliDir}:${adminEnv.PATH ?? ''}` } });
    assert.equal(r.status, 0, describeRun(`sh -c ${command}`, r));
    return r.stdout;
  };
  const configured: ConfiguredServer = {
    ...server,
    admin,
    tryAdmin,
    adminShell,
    env: (extra = {}) =>
      cliEnv(stack, {
        VAULT_ADDR: server.address,
        ...(server.caCertFile ? { VAULT_CACERT: server.caCertFile } : {}),
        ...extra,
      }),
  };
  try {
    admin(['secrets', 'enable', 'transit']);
    admin(['write', '-f', `transit/keys/${DOCTOR_KEY}`, 'type=ecdsa-p256']);
    admin(['auth', 'enable', 'jwt']);
    admin(['write', 'auth/jwt/config', `@${stack.STACK_STATE_DIR}/jwt-config.json`]);
    admin(['policy', 'write', DOCTOR_POLICY, '-'], signingPolicy());
    admin([
      'write',
      `auth/jwt/role/${DOCTOR_ROLE}`,
      'role_type=jwt',
      'user_claim=sub',
      `bound_audiences=${stack.STACK_AUDIENCE}`,
      `bound_subject=${stack.STACK_SPIFFE_ID}`,
      `token_policies=${DOCTOR_POLICY}`,
      'token_ttl=60s',
      'token_max_ttl=60s',
    ]);
  } catch (error: unknown) {
    await server.stop();
    throw error;
  }
  return configured;
}

export interface DoctorRun extends RunResult {
  readonly report: DoctorReport;
  check(id: string): CheckResult;
}

/** `spiffe-vault doctor --json ARGS…` against the server (role ci, the stack's audience). */
export function runDoctor(
  stack: StackEnv,
  server: Pick<ConfiguredServer, 'env'>,
  args: readonly string[] = [],
  extraEnv: Record<string, string | undefined> = {},
): DoctorRun {
  const r = cli(['doctor', '--role', DOCTOR_ROLE, '--audience', stack.STACK_AUDIENCE, '--json', ...args], {
    env: server.env(extraEnv),
  });
  let report: DoctorReport;
  try {
    report = JSON.parse(r.stdout) as DoctorReport;
  } catch {
    assert.fail(describeRun('doctor --json (no JSON on stdout)', r));
  }
  return {
    ...r,
    report,
    check: (id) => {
      const found = report.checks.find((check) => check.id === id);
      assert.ok(found, `doctor reported no check '${id}': ${report.checks.map((c) => c.id).join(', ')}`);
      return found;
    },
  };
}

/** The login and key flags of every signing run against a configured server. */
function signingFlags(stack: StackEnv): string[] {
  return ['--role', DOCTOR_ROLE, '--audience', stack.STACK_AUDIENCE, '--transit-key', DOCTOR_KEY];
}

/** A real signing run against the server: sign-blob of a fresh file (`--json`); its result and folder. */
export function signBlobRun(
  stack: StackEnv,
  server: Pick<ConfiguredServer, 'env'>,
  args: readonly string[] = [],
): RunResult & { readonly dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-sign-'));
  writeFileSync(join(dir, 'artifact.txt'), `built at ${Date.now()}\n`);
  const r = cli(['sign-blob', '--json', ...signingFlags(stack), ...args, 'artifact.txt'], {
    env: server.env(),
    cwd: dir,
  });
  return { ...r, dir };
}

/** The same, asserting it passed and that real cosign verifies its signature and its bundle. */
export function assertSigningRunPasses(
  stack: StackEnv,
  server: Pick<ConfiguredServer, 'env'>,
  args: readonly string[] = [],
): void {
  const r = signBlobRun(stack, server, args);
  assert.equal(r.status, 0, describeRun('sign-blob', r));
  const result = JSON.parse(r.stdout) as {
    publicKeyPath: string;
    files: { path: string; signature: string; bundle?: string }[];
  };
  assert.equal(result.files.length, 1);
  for (const file of result.files) {
    for (const evidence of [
      ['--signature', file.signature],
      ['--bundle', file.bundle ?? ''],
    ]) {
      const verified = cosign(
        stack,
        'cosign',
        ['verify-blob', '--key', result.publicKeyPath, ...evidence, '--insecure-ignore-tlog=true', file.path],
        {},
      );
      assert.equal(verified.status, 0, describeRun(`cosign verify-blob ${evidence[0]}`, verified));
    }
  }
}

/** A real image signing run against the server: sign-image of `image`; asserts it passed and cosign verifies it. */
export async function assertImageSigningRunPasses(
  stack: StackEnv,
  server: Pick<ConfiguredServer, 'env' | 'address' | 'rootToken'>,
  run: { readonly image: string; readonly args?: readonly string[]; readonly env?: Record<string, string> },
): Promise<void> {
  const r = cli(['sign-image', ...signingFlags(stack), ...(run.args ?? []), run.image], { env: server.env(run.env) });
  assert.equal(r.status, 0, describeRun('sign-image', r));
  const key = await fetch(`${server.address}/v1/transit/keys/${DOCTOR_KEY}`, {
    headers: { 'X-Vault-Token': server.rootToken },
  });
  const { data } = (await key.json()) as {
    data: { latest_version: number; keys: Record<string, { public_key: string }> };
  };
  const pub = join(mkdtempSync(join(tmpdir(), 'doctor-pub-')), 'cosign.pub');
  writeFileSync(pub, data.keys[String(data.latest_version)]?.public_key ?? '');
  const verified = cosign(
    stack,
    'cosign',
    ['verify', '--key', pub, '--insecure-ignore-tlog=true', run.image],
    run.env ?? {},
  );
  assert.equal(verified.status, 0, describeRun('cosign verify', verified));
}
