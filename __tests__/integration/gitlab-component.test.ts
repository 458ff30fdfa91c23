// The GitLab CI/CD components, included by a consumer pipeline and run by a real GitLab
// pipeline runner (gitlab-ci-local, shell executor) against the real stack.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  componentInclude,
  LOCAL_CLI,
  runPipeline,
  verifySignJobArtifact,
  type PipelineResult,
} from '../helpers/gitlab-pipeline.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import { lookupSelfStatus, transitPublicKeyPem, vaultFetch } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function loginInclude(extra = ''): string {
  return componentInclude(stack, 'login', { role: stack.STACK_ROLE, inputs: { cli: LOCAL_CLI }, after: extra });
}

/** A file outside the job's build directory where a test job leaves what the test checks. */
function outFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'gitlab-out-')), name);
}

/** No JWT and no Vault token in the job log (GitLab cannot mask values made at run time). */
function assertNoSecrets(result: PipelineResult, token: string): void {
  assert.ok(token.length > 10, 'the job saw a token');
  assert.ok(!result.log.includes(token), 'the token is in the job log');
  assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
}

describe('the login component (hidden job .spiffe-vault-login)', () => {
  test('a job that extends it has VAULT_TOKEN in its shell; the token is revoked when the job ends', async () => {
    const tokenFile = outFile('token.txt');
    const result = runPipeline(`${loginInclude()}
release:
  extends: .spiffe-vault-login
  script:
    - printf '%s' "$VAULT_TOKEN" > ${tokenFile}
    - test -n "$VAULT_ADDR"
    - echo "logged in"
`);
    assert.equal(result.status, 0, result.log);
    assert.match(result.log, /PASS\s+release/);
    const token = readFileSync(tokenFile, 'utf8');
    assertNoSecrets(result, token);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'revoked after the job');
  });

  test('method: cert logs in with the X.509-SVID over mutual TLS; the token is revoked when the job ends', async () => {
    assert.ok(stack.STACK_VAULT_TLS_ADDR && stack.STACK_TLS_CA_FILE && stack.STACK_CERT_ROLE, 'no TLS listener');
    const tokenFile = outFile('token.txt');
    const result = runPipeline(`include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/login@$CI_COMMIT_SHA
    inputs:
      method: cert
      role: ${stack.STACK_CERT_ROLE}
      vault-addr: ${stack.STACK_VAULT_TLS_ADDR}
      socket-path: ${stack.SPIFFE_ENDPOINT_SOCKET}
      cli: ${LOCAL_CLI}
release:
  extends: .spiffe-vault-login
  variables:
    VAULT_CACERT: ${stack.STACK_TLS_CA_FILE}
  script:
    - printf '%s' "$VAULT_TOKEN" > ${tokenFile}
`);
    assert.equal(result.status, 0, result.log);
    assert.match(result.log, /PASS\s+release/);
    const token = readFileSync(tokenFile, 'utf8');
    assertNoSecrets(result, token);
    assert.doesNotMatch(result.log, /PRIVATE KEY/);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'revoked after the job');
  });

  test('the token is revoked also when the job script fails', async () => {
    const tokenFile = outFile('token.txt');
    const result = runPipeline(`${loginInclude()}
release:
  extends: .spiffe-vault-login
  script:
    - printf '%s' "$VAULT_TOKEN" > ${tokenFile}
    - exit 4
`);
    assert.notEqual(result.status, 0);
    assert.match(result.log, /FAIL\s+release/);
    const token = readFileSync(tokenFile, 'utf8');
    assertNoSecrets(result, token);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
  });

  test('a login that fails fails the job before its script runs', async () => {
    const result = runPipeline(`include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/login@$CI_COMMIT_SHA
    inputs:
      role: no-such-role
      vault-addr: ${stack.VAULT_ADDR}
      socket-path: ${stack.SPIFFE_ENDPOINT_SOCKET}
      cli: ${LOCAL_CLI}
release:
  extends: .spiffe-vault-login
  script:
    - echo "script ran"
`);
    assert.match(result.log, /FAIL\s+release/);
    assert.match(result.log, /VAULT_LOGIN_DENIED/);
    assert.doesNotMatch(result.log, /> script ran/);
    // doctor's checks follow the error: the link that failed, and what to change.
    assert.match(result.log, /FAIL\s+login\.role\s+.*role "no-such-role"/);
    assert.match(result.log, /fix: .*vault list auth\/jwt\/role/);
    assert.match(result.log, /doctor: \d+ ok, \d+ warn, [1-9]\d* fail/);
    assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
  });

  test('doctor: true checks the set-up instead of logging in, and ends the job with the verdict', async () => {
    const healthy = runPipeline(
      componentInclude(stack, 'login', {
        role: stack.STACK_ROLE,
        inputs: { cli: LOCAL_CLI, doctor: 'true' },
        after: `setup-check:
  extends: .spiffe-vault-login
  script:
    - echo "script ran"
`,
      }),
    );
    assert.equal(healthy.status, 0, healthy.log);
    assert.match(healthy.log, /ok\s+login\.role/);
    assert.match(healthy.log, /doctor: \d+ ok, \d+ warn, 0 fail/);
    assert.doesNotMatch(healthy.log, /ok\s+transit\./, 'a login-only check looked at the transit key');
    assert.doesNotMatch(healthy.log, /> script ran/);

    const broken = runPipeline(
      componentInclude(stack, 'login', {
        role: stack.STACK_ROLE,
        inputs: { cli: LOCAL_CLI, doctor: 'true', audience: 'not-bound' },
        after: `setup-check:
  extends: .spiffe-vault-login
  script:
    - echo "script ran"
`,
      }),
    );
    assert.notEqual(broken.status, 0, broken.log);
    assert.match(broken.log, /FAIL\s+setup-check/);
    assert.match(broken.log, /FAIL\s+login\.audience/);
    assert.doesNotMatch(broken.log, /> script ran/);
    assert.doesNotMatch(broken.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
  });
});

/** The login component with `proxy: true`, for a role of the test's own. */
function proxyInclude(role: string, extra = ''): string {
  return componentInclude(stack, 'login', { role, inputs: { cli: LOCAL_CLI, proxy: 'true' }, after: extra });
}

/** The stack server's own CLI (bao or vault), by its full path: the job's PATH is the runner's. */
function vaultCli(): string {
  return join(stack.STACK_BIN, stack.STACK_VAULT_CLI);
}

/** Whether the process `pid` is still a spiffe-vault proxy (a reused pid is another program). */
function proxyRuns(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  return existsSync(cmdline) && readFileSync(cmdline, 'utf8').split('\0').includes('proxy');
}

const TOKEN_SHAPED = /\b(?:s|hvs|b|hvb)\.[A-Za-z0-9_-]{16,}/;

/** What a proxy job leaves behind: no JWT or token in the log, no proxy, no live token of its role. */
async function assertProxyCleanedUp(result: PipelineResult, role: string, pidFile: string): Promise<void> {
  assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
  assert.doesNotMatch(result.log, TOKEN_SHAPED, 'a token is in the job log');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(Number.isInteger(pid) && pid > 0, 'the job saw SPIFFE_VAULT_PROXY_PID');
  assert.equal(proxyRuns(pid), false, 'the proxy still runs after the job');
  // The EXIT trap shows the proxy's log once it is gone: its last line is the revocation.
  assert.match(result.log, /Vault proxy stopped: .* 0 not revoked/);
  assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job left a token alive');
}

describe('the login component with proxy: true', () => {
  test('the job reaches Vault through the proxy after its 5 s token expired; its shell holds no token; all revoked, proxy gone', async () => {
    // A 5 s role of its own: the proxy must log in again for the request after `sleep 7`.
    const role = await copyRole(stack, stack.STACK_ROLE_SHORT);
    const dir = mkdtempSync(join(tmpdir(), 'gitlab-out-'));
    try {
      const result = runPipeline(`${proxyInclude(role)}
release:
  extends: .spiffe-vault-login
  script:
    - printf '%s' "$VAULT_TOKEN" > ${join(dir, 'token')}
    - printf '%s' "$VAULT_ADDR" > ${join(dir, 'addr')}
    - printf '%s' "$SPIFFE_VAULT_PROXY_PID" > ${join(dir, 'pid')}
    - env > ${join(dir, 'env')}
    - sleep 7
    - ${vaultCli()} write -field=signature transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256 input=aGVsbG8=
`);
      assert.equal(result.status, 0, result.log);
      assert.match(result.log, /PASS\s+release/);
      assert.match(result.log, /vault:v\d+:[A-Za-z0-9+/=]{20,}/, 'the signature is in the job log');
      assert.match(readFileSync(join(dir, 'addr'), 'utf8'), /^unix:\/\/\/.+\/vault\.sock$/);
      const placeholder = readFileSync(join(dir, 'token'), 'utf8');
      assert.equal(placeholder, 'spiffe-vault-proxy', "VAULT_TOKEN is the proxy's placeholder");
      const lookup = await vaultFetch(stack, 'auth/token/lookup', { method: 'POST', body: { token: placeholder } });
      assert.notEqual(lookup.status, 200, 'the placeholder is a token');
      assert.equal((await lookupSelfStatus(stack, placeholder)).status, 403);
      assert.doesNotMatch(readFileSync(join(dir, 'env'), 'utf8'), TOKEN_SHAPED, "a token is in the job's environment");
      // The first token ran out during the sleep: the proxy logged in again.
      const logins = Number(/Vault proxy stopped: .* (\d+) login\(s\)/.exec(result.log)?.[1]);
      assert.ok(logins >= 2, `the proxy logged in ${logins} time(s)`);
      await assertProxyCleanedUp(result, role, join(dir, 'pid'));
    } finally {
      await deleteRole(stack, role);
    }
  });

  test("proxy-allow is passed on: a path outside it fails with the proxy's 403, one inside it works", async () => {
    // A 60 s role of its own: a token the proxy left alive would still be live after the job.
    const role = await copyRole(stack, stack.STACK_ROLE);
    const pidFile = outFile('pid');
    const key = stack.STACK_TRANSIT_KEY;
    try {
      const result = runPipeline(`${proxyInclude(role, `      proxy-allow: 'transit/sign/${key}/*'\n`)}
release:
  extends: .spiffe-vault-login
  script:
    - printf '%s' "$SPIFFE_VAULT_PROXY_PID" > ${pidFile}
    - ${vaultCli()} write -field=signature transit/sign/${key}/sha2-256 input=aGVsbG8=
    - if ${vaultCli()} read transit/keys/${key}; then exit 9; fi
    - echo "refused as expected"
`);
      assert.equal(result.status, 0, result.log);
      assert.match(result.log, /PASS\s+release/);
      assert.match(result.log, /vault:v\d+:/);
      // The role's policy may read the key: the refusal is the proxy's, not Vault's.
      assert.match(result.log, /Code: 403/);
      assert.match(
        result.log,
        new RegExp(
          `spiffe-vault proxy: transit/keys/${key} is not in the proxy's allow list \\(transit/sign/${key}/\\*\\)`,
        ),
      );
      assert.match(result.log, /> refused as expected/);
      await assertProxyCleanedUp(result, role, pidFile);
    } finally {
      await deleteRole(stack, role);
    }
  });

  test('when the script fails, the proxy is stopped and its tokens revoked all the same', async () => {
    const role = await copyRole(stack, stack.STACK_ROLE);
    const pidFile = outFile('pid');
    try {
      const result = runPipeline(`${proxyInclude(role)}
release:
  extends: .spiffe-vault-login
  script:
    - printf '%s' "$SPIFFE_VAULT_PROXY_PID" > ${pidFile}
    - ${vaultCli()} read transit/keys/${stack.STACK_TRANSIT_KEY} > /dev/null
    - exit 4
`);
      assert.notEqual(result.status, 0);
      assert.match(result.log, /FAIL\s+release/);
      await assertProxyCleanedUp(result, role, pidFile);
    } finally {
      await deleteRole(stack, role);
    }
  });

  test('a proxy that cannot log in fails the job before its script runs', async () => {
    const result = runPipeline(`${proxyInclude('no-such-role')}
release:
  extends: .spiffe-vault-login
  script:
    - echo "script ran"
`);
    assert.match(result.log, /FAIL\s+release/);
    assert.match(result.log, /VAULT_LOGIN_DENIED/);
    assert.doesNotMatch(result.log, /> script ran/);
  });
});

describe('the sign component', () => {
  test('a job signs a file and an image; cosign verifies both; no secret in the log; no token left', async () => {
    const repo = `${stack.STACK_REGISTRY}/gitlab-${Date.now().toString(36)}`;
    const digest = pushImage(stack, `${repo}:v1`, 'gitlab image');
    // A copy of the role: the tokens it mints are this job's alone.
    const role = await copyRole(stack, stack.STACK_ROLE);
    const result = runPipeline(
      componentInclude(stack, 'sign', {
        role,
        inputs: { cli: LOCAL_CLI, 'sign-blobs': "'app.tar'", 'sign-images': `${repo}:v1` },
      }),
      { 'app.tar': 'the release artifact\n' },
    );
    assert.equal(result.status, 0, result.log);
    assert.match(result.log, /PASS\s+spiffe-vault-sign/);
    assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
    assert.doesNotMatch(result.log, /\b(s|hvs)\.[A-Za-z0-9]{20,}/, 'a token is in the job log');

    const pub = join(mkdtempSync(join(tmpdir(), 'pub-')), 'cosign.pub');
    writeFileSync(pub, await transitPublicKeyPem(stack));
    const blob = verifySignJobArtifact(stack, result, 'app.tar', pub);
    assert.equal(blob.status, 0, blob.stderr);
    const image = cosign(
      stack,
      'cosign',
      ['verify', '--key', pub, '--insecure-ignore-tlog=true', `${repo}@${digest}`],
      {},
    );
    assert.equal(image.status, 0, image.stderr);
    assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job left a token alive');
    await deleteRole(stack, role);
  });

  test("a signing job that fails prints doctor's checks of the key after the error", async () => {
    const role = await copyRole(stack, stack.STACK_ROLE);
    const result = runPipeline(
      componentInclude(stack, 'sign', {
        role,
        inputs: { cli: LOCAL_CLI, 'sign-blobs': "'app.tar'", 'transit-key': 'no-such-key' },
      }),
      { 'app.tar': 'the release artifact\n' },
    );
    assert.notEqual(result.status, 0, result.log);
    assert.match(result.log, /FAIL\s+spiffe-vault-sign/);
    assert.match(result.log, /FAIL\s+transit\.\S+\s+.*no-such-key/);
    assert.match(result.log, /ok\s+login\.role/);
    assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
    assert.doesNotMatch(result.log, /\b(s|hvs)\.[A-Za-z0-9]{20,}/, 'a token is in the job log');
    assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job or its checks left a token alive');
    await deleteRole(stack, role);
  });
});
