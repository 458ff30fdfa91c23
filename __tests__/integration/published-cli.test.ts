// The published CLI is what the GitLab components run. This checkout, packed as npm publishes it,
// goes to a real npm registry on loopback (Verdaccio, no uplinks: nothing comes from a public
// registry); the components with their DEFAULT `cli` (npx with the package's version range),
// and `npm install -g`, fetch it from there and run against the real stack.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import {
  componentInclude,
  runPipeline,
  verifySignJobArtifact,
  type PipelineResult,
} from '../helpers/gitlab-pipeline.ts';
import {
  node24Path,
  publishThisPackage,
  startNpmRegistry,
  type NpmRegistry,
  type PublishedPackage,
  type RegistryRequest,
} from '../helpers/npm-registry.ts';
import { describeRun, loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { accessorIsLive, lookupSelfStatus, transitPublicKeyPem } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let registry: NpmRegistry | undefined;
let pkg: PublishedPackage;

before(async () => {
  stack = loadStackEnv();
  registry = await startNpmRegistry();
  pkg = await publishThisPackage(registry);
});
// Also when a test (or the publish) failed.
after(() => registry?.stop());

function reg(): NpmRegistry {
  assert.ok(registry, 'the registry is not running');
  return registry;
}

/** The range the components' default `cli` names (the unit tests tie it to package.json). */
function componentRange(): string {
  const template = readFileSync(join(repoRoot, 'templates', 'login', 'template.yml'), 'utf8');
  const range = /--package=spiffe-vault-action@(\S+) spiffe-vault/.exec(template)?.[1];
  assert.ok(range, 'the login component names no package range');
  return range;
}

const show = (requests: readonly RegistryRequest[]) =>
  requests.map((r) => `${r.method} ${r.url} ${r.status} ${r.bytesOut}`).join('\n');

/**
 * The registry's own log, from request number `since` on: the package document and the whole
 * tarball were fetched, and nothing else (the package has no dependencies).
 */
function assertFetchedPackage(since: number): void {
  const seen = reg().requests().slice(since);
  const gets = seen.filter((r) => r.method === 'GET' && !r.url.startsWith('/-/'));
  assert.ok(
    gets.some((r) => r.url === `/${pkg.name}` && r.status === 200 && r.bytesOut > 0),
    `the registry did not serve GET /${pkg.name}:\n${show(seen)}`,
  );
  assert.ok(
    gets.some((r) => r.url === pkg.tarballPath && r.status === 200 && r.bytesOut === pkg.size),
    `the registry did not serve GET ${pkg.tarballPath} (${pkg.size} bytes):\n${show(seen)}`,
  );
  const others = gets.filter((r) => r.url !== `/${pkg.name}` && r.url !== pkg.tarballPath);
  assert.deepEqual(others, [], `requests for other packages:\n${show(others)}`);
}

/** The stack server's own CLI (bao or vault), by its full path. */
function vaultCli(): string {
  return join(stack.STACK_BIN, stack.STACK_VAULT_CLI);
}

const TOKEN_SHAPED = /\b(?:s|hvs|b|hvb)\.[A-Za-z0-9_-]{16,}/;
const JWT_SHAPED = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

function assertNoSecrets(result: PipelineResult): void {
  assert.doesNotMatch(result.log, JWT_SHAPED, 'a JWT is in the job log');
  assert.doesNotMatch(result.log, TOKEN_SHAPED, 'a token is in the job log');
}

/**
 * A consumer pipeline's CI/CD variables that point npm (and so npx) at the local registry, with an
 * empty npm cache of its own: the package must come from the registry.
 */
function npmVariables(): string {
  return `variables:
  npm_config_registry: ${reg().url}
  npm_config_cache: ${reg().tempDir('npm-cache-')}
`;
}

describe('the published package', () => {
  test('the registry holds it as npm packed it (bin spiffe-vault, no dependencies), and nothing else', async () => {
    assert.equal(pkg.name, 'spiffe-vault-action');
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(pkg.version, version);
    for (const file of ['dist/cli.js', 'templates/login/template.yml', 'templates/sign/template.yml', 'action.yml']) {
      assert.ok(pkg.files.includes(file), `the package lacks ${file}`);
    }
    const doc = (await (await fetch(`${reg().url}${pkg.name}`)).json()) as {
      versions: Record<string, { bin?: Record<string, string>; dependencies?: object; dist: { tarball: string } }>;
    };
    assert.deepEqual(Object.keys(doc.versions), [version]);
    const published = doc.versions[version];
    assert.deepEqual(published?.bin, { 'spiffe-vault': 'dist/cli.js' });
    assert.deepEqual(published?.dependencies ?? {}, {});
    assert.equal(published?.dist.tarball, `${reg().url.replace(/\/$/, '')}${pkg.tarballPath}`);
    // No uplinks: a package that was not published here is not there.
    assert.equal((await fetch(`${reg().url}left-pad`)).status, 404);
  });
});

describe('the GitLab components with their default cli: npx fetches the package from the registry', () => {
  test('login: the job logs in and uses the token; it is revoked after the job', async () => {
    const role = await copyRole(stack, stack.STACK_ROLE);
    const since = reg().requests().length;
    try {
      const result = runPipeline(
        componentInclude(stack, 'login', {
          role,
          after: `${npmVariables()}
release:
  extends: .spiffe-vault-login
  script:
    - accessor=$(${vaultCli()} read -field=accessor auth/token/lookup-self)
    - echo "token accessor $accessor"
    - echo "token policies $(${vaultCli()} read -field=policies auth/token/lookup-self)"
`,
        }),
        {},
        { PATH: node24Path() },
      );
      assert.equal(result.status, 0, result.log);
      assert.match(result.log, /PASS\s+release/);
      assert.match(result.log, /token policies \[.*ci-sign.*\]/);
      const accessor = /token accessor (\S+)/.exec(result.log)?.[1];
      assert.ok(accessor, result.log);
      assertNoSecrets(result);
      assert.equal(await accessorIsLive(stack, accessor), false, 'the token is alive after the job');
      assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job left a token alive');
      assertFetchedPackage(since);
    } finally {
      await deleteRole(stack, role);
    }
  });

  test('sign: the job signs a file; cosign verifies it with the transit public key', async () => {
    const role = await copyRole(stack, stack.STACK_ROLE);
    const since = reg().requests().length;
    try {
      const result = runPipeline(
        componentInclude(stack, 'sign', { role, inputs: { 'sign-blobs': "'app.tar'" }, after: npmVariables() }),
        { 'app.tar': 'the release artifact, signed by the published CLI\n' },
        { PATH: node24Path() },
      );
      assert.equal(result.status, 0, result.log);
      assert.match(result.log, /PASS\s+spiffe-vault-sign/);
      assertNoSecrets(result);
      const pub = join(reg().tempDir('pub-'), 'cosign.pub');
      writeFileSync(pub, await transitPublicKeyPem(stack));
      const verified = verifySignJobArtifact(stack, result, 'app.tar', pub);
      assert.equal(verified.status, 0, describeRun('cosign verify-blob', verified));
      assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job left a token alive');
      assertFetchedPackage(since);
    } finally {
      await deleteRole(stack, role);
    }
  });
});

describe('npm install -g from the registry', () => {
  test('spiffe-vault --version is the package version; auth --json logs in; revoke ends the token', async () => {
    const prefix = reg().tempDir('npm-global-');
    const since = reg().requests().length;
    const installed = run(
      'npm',
      ['install', '-g', `${pkg.name}@${componentRange()}`, '--prefix', prefix, '--no-audit', '--no-fund'],
      { env: reg().npmEnv(), timeoutMs: 120_000 },
    );
    assert.equal(installed.status, 0, describeRun('npm install -g', installed));
    assertFetchedPackage(since);
    assert.equal(
      existsSync(join(prefix, 'lib', 'node_modules', pkg.name, 'node_modules')),
      false,
      'it installed dependencies',
    );

    const bin = join(prefix, 'bin', 'spiffe-vault');
    const env = cliEnv(stack, { PATH: node24Path() });
    const version = run(bin, ['--version'], { env });
    assert.equal(version.status, 0, describeRun('spiffe-vault --version', version));
    assert.equal(version.stdout.trim(), pkg.version);

    const role = await copyRole(stack, stack.STACK_ROLE);
    try {
      const auth = run(bin, ['auth', '--role', role, '--json'], { env });
      assert.equal(auth.status, 0, describeRun('spiffe-vault auth --json', auth));
      const result = JSON.parse(auth.stdout) as { token?: string; spiffeId?: string; vaultAddr?: string };
      assert.equal(result.spiffeId, stack.STACK_SPIFFE_ID);
      assert.equal(result.vaultAddr, stack.VAULT_ADDR);
      const token = String(result.token);
      assert.equal((await lookupSelfStatus(stack, token)).status, 200);
      assert.doesNotMatch(auth.stderr, TOKEN_SHAPED);

      const revoked = run(bin, ['revoke'], { env: { ...env, VAULT_TOKEN: token } });
      assert.equal(revoked.status, 0, describeRun('spiffe-vault revoke', revoked));
      assert.equal((await lookupSelfStatus(stack, token)).status, 403);
      assert.deepEqual(await liveTokensOfRole(stack, role), []);
    } finally {
      await deleteRole(stack, role);
    }
  });
});
