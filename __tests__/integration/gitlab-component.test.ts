// The GitLab CI/CD components, included by a consumer pipeline and run by a real GitLab
// pipeline runner (gitlab-ci-local, shell executor) against the real stack.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { LOCAL_CLI, runPipeline, type PipelineResult } from '../helpers/gitlab-pipeline.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import { lookupSelfStatus, transitPublicKeyPem } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function loginInclude(extra = ''): string {
  return `include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/login@$CI_COMMIT_SHA
    inputs:
      role: ${stack.STACK_ROLE}
      vault-addr: ${stack.VAULT_ADDR}
      socket-path: ${stack.SPIFFE_ENDPOINT_SOCKET}
      cli: ${LOCAL_CLI}
${extra}`;
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
  });
});

describe('the sign component', () => {
  test('a job signs a file and an image; cosign verifies both; no secret in the log; no token left', async () => {
    const repo = `${stack.STACK_REGISTRY}/gitlab-${Date.now().toString(36)}`;
    const digest = pushImage(stack, `${repo}:v1`, 'gitlab image');
    // A copy of the role: the tokens it mints are this job's alone.
    const role = await copyRole(stack, stack.STACK_ROLE);
    const result = runPipeline(
      `include:
  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/sign@$CI_COMMIT_SHA
    inputs:
      role: ${role}
      vault-addr: ${stack.VAULT_ADDR}
      socket-path: ${stack.SPIFFE_ENDPOINT_SOCKET}
      cli: ${LOCAL_CLI}
      sign-blobs: 'app.tar'
      sign-images: ${repo}:v1
`,
      { 'app.tar': 'the release artifact\n' },
    );
    assert.equal(result.status, 0, result.log);
    assert.match(result.log, /PASS\s+spiffe-vault-sign/);
    assert.doesNotMatch(result.log, /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/, 'a JWT is in the job log');
    assert.doesNotMatch(result.log, /\b(s|hvs)\.[A-Za-z0-9]{20,}/, 'a token is in the job log');

    const signatures = join(result.dir, '.gitlab-ci-local', 'artifacts', 'spiffe-vault-sign', 'signatures');
    const pub = join(mkdtempSync(join(tmpdir(), 'pub-')), 'cosign.pub');
    writeFileSync(pub, await transitPublicKeyPem(stack));
    const blob = cosign(
      stack,
      'cosign',
      [
        'verify-blob',
        '--key',
        pub,
        '--signature',
        join(signatures, 'app.tar.sig'),
        '--insecure-ignore-tlog=true',
        join(result.dir, 'app.tar'),
      ],
      {},
    );
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
});
