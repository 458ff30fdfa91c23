// method: cert — the X.509-SVID as TLS client certificate to the cert auth method, on the
// stack's TLS listener: the action logs in, exports, signs blobs and images (real cosign
// verifies them) and its post step revokes; refusals carry their codes; the CLI does the same.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { cli, cliEnv, leaks } from '../helpers/cli-run.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { describeRun, loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import { deleteRunnerEntry, stackCtl } from '../helpers/spire.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { lookupSelfStatus } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');

let stack: StackEnv;
let tlsAddr: string;
let caFile: string;
before(() => {
  stack = loadStackEnv();
  assert.ok(stack.STACK_VAULT_TLS_ADDR && stack.STACK_TLS_CA_FILE, 'the stack has no TLS listener: restart it');
  tlsAddr = stack.STACK_VAULT_TLS_ADDR;
  caFile = stack.STACK_TLS_CA_FILE;
});

function certInputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    method: 'cert',
    'vault-addr': tlsAddr,
    'ca-cert': caFile,
    role: stack.STACK_CERT_ROLE ?? 'ci-cert',
    'socket-path': stack.SPIFFE_ENDPOINT_SOCKET,
    timeout: '30s',
    ...extra,
  };
}

/** The base64 lines of the private key of the X.509-SVID the agent serves this workload. */
function svidKeyLines(): string[] {
  const out = mkdtempSync(join(tmpdir(), 'svid-'));
  const r = run(`${stack.STACK_BIN}/spire-agent`, [
    'api',
    'fetch',
    'x509',
    '-socketPath',
    stack.STACK_AGENT_SOCKET,
    '-write',
    out,
  ]);
  assert.equal(r.status, 0, describeRun('spire-agent api fetch x509', r));
  const key = readFileSync(join(out, 'svid.0.key'), 'utf8');
  rmSync(out, { recursive: true });
  return key.split('\n').filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line));
}

/** What the action printed, without its ::add-mask:: commands (they hold the secrets). */
function failure(result: StepResult): string {
  return `${result.stdout.replace(/^::add-mask::.*$/gm, '')}\n${result.stderr}`;
}

describe('the action with method: cert', () => {
  const runner = new ActionsRunner();
  let dir: string;
  let main: StepResult;
  let image: string;
  let digest: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-cert-'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', 'a.bin'), `artifact ${Math.random()}\n`);
    image = `${stack.STACK_REGISTRY}/cert-${Date.now().toString(36)}:v1`;
    digest = pushImage(stack, image, `image ${image}`);
    main = await runner.runStep(MAIN, certInputs({ 'sign-blobs': 'out/*.bin', 'sign-images': image }), {
      GITHUB_WORKSPACE: dir,
    });
  });

  test('logs in over mutual TLS and exports the token, address and CA', async () => {
    assert.equal(main.status, 0, failure(main));
    assert.match(main.stdout, /Fetched an X\.509-SVID for spiffe:\/\//);
    assert.equal(main.env.VAULT_ADDR, tlsAddr);
    assert.ok(main.env.VAULT_TOKEN, 'VAULT_TOKEN exported');
    assert.ok(main.masks.includes(main.env.VAULT_TOKEN ?? ''), 'the token is masked');
    // The SVID's key never leaves the process: no line of it anywhere the step wrote, the mask
    // commands included (the key the agent serves this workload, fetched here with SPIRE's CLI).
    const keyLines = svidKeyLines();
    assert.ok(keyLines.length > 0);
    assert.deepEqual(leaks(main.everything, keyLines), []);
    const shown = [
      main.stdout.replace(/^::add-mask::.*$/gm, ''),
      main.stderr,
      main.summary,
      JSON.stringify(main.outputs),
    ];
    assert.deepEqual(leaks(shown.join('\n'), [main.env.VAULT_TOKEN ?? '']), []);
    assert.equal((await lookupSelfStatus(stack, main.env.VAULT_TOKEN ?? '')).status, 200);
  });

  test('the blob signature verifies with real cosign', () => {
    const blobs = JSON.parse(main.outputs['signed-blobs'] ?? '[]') as { path: string; signature: string }[];
    assert.equal(blobs.length, 1);
    const pub = join(dir, 'cosign.pub');
    writeFileSync(pub, main.outputs['public-key'] ?? '');
    const blob = blobs[0] as { path: string; signature: string };
    const r = cosign(
      stack,
      'cosign',
      ['verify-blob', '--key', pub, '--signature', blob.signature, '--insecure-ignore-tlog=true', blob.path],
      {},
    );
    assert.equal(r.status, 0, describeRun('cosign verify-blob', r));
  });

  test('the image signature verifies with real cosign', () => {
    const pub = join(dir, 'cosign.pub');
    writeFileSync(pub, main.outputs['public-key'] ?? '');
    const ref = `${image.replace(/:[^:/]+$/, '')}@${digest}`;
    const r = cosign(stack, 'cosign', ['verify', '--key', pub, '--insecure-ignore-tlog=true', ref], {});
    assert.equal(r.status, 0, describeRun('cosign verify', r));
  });

  test('the post step revokes the token', async () => {
    const post = await runner.runStep(POST, certInputs());
    assert.equal(post.status, 0, failure(post));
    assert.equal((await lookupSelfStatus(stack, main.env.VAULT_TOKEN ?? '')).status, 403);
  });
});

describe('cert login refusals', () => {
  test('a role bound to another SPIFFE ID: VAULT_LOGIN_DENIED naming allowed_uri_sans', async () => {
    const result = await new ActionsRunner().runStep(MAIN, certInputs({ role: stack.STACK_CERT_ROLE_OTHER_ID ?? '' }));
    assert.notEqual(result.status, 0);
    assert.match(failure(result), /\[VAULT_LOGIN_DENIED\]|VAULT_LOGIN_DENIED/);
    assert.match(failure(result), /allowed_uri_sans/);
  });

  test('a role trusting another CA: VAULT_LOGIN_DENIED naming the bundle', async () => {
    const result = await new ActionsRunner().runStep(MAIN, certInputs({ role: stack.STACK_CERT_ROLE_UNTRUSTED ?? '' }));
    assert.notEqual(result.status, 0);
    assert.match(failure(result), /VAULT_LOGIN_DENIED/);
    assert.match(failure(result), /spire-server bundle show/);
  });

  test('a listener that asks for no client certificate: VAULT_LOGIN_DENIED naming tls_disable_client_certs', () => {
    const r = cli(['auth', '--method', 'cert', '--role', stack.STACK_CERT_ROLE ?? '', '--ca-cert', caFile], {
      env: cliEnv(stack, { VAULT_ADDR: stack.STACK_VAULT_NO_CLIENT_CERT_ADDR }),
    });
    assert.equal(r.status, 1, describeRun('auth', r));
    assert.match(r.stderr, /error \[VAULT_LOGIN_DENIED\]/);
    assert.match(r.stderr, /tls_disable_client_certs/);
  });

  test('client-cert with method cert: INVALID_INPUT naming both', () => {
    const r = cli(['auth', '--method', 'cert', '--role', 'x', '--client-cert', caFile, '--client-key', caFile], {
      env: cliEnv(stack, { VAULT_ADDR: tlsAddr }),
    });
    assert.equal(r.status, 2, describeRun('auth', r));
    assert.match(r.stderr, /error \[INVALID_INPUT\].*--client-cert and --method cert are mutually exclusive/);
  });
});

describe('spiffe-vault auth --method cert', () => {
  test('prints eval-able exports of a token minted over mutual TLS; the key never shows', async () => {
    const r = cli(['auth', '--method', 'cert', '--role', stack.STACK_CERT_ROLE ?? '', '--ca-cert', caFile], {
      env: cliEnv(stack, { VAULT_ADDR: tlsAddr }),
    });
    assert.equal(r.status, 0, describeRun('auth', r));
    const token = /^export VAULT_TOKEN='?([^'\n]+)'?$/m.exec(r.stdout)?.[1] ?? '';
    assert.ok(token, 'a token was exported');
    assert.match(r.stdout, new RegExp(`^export VAULT_ADDR='${tlsAddr}'$`, 'm'));
    assert.doesNotMatch(r.stdout + r.stderr, /PRIVATE KEY/);
    assert.equal((await lookupSelfStatus(stack, token)).status, 200);
    assert.ok(readFileSync(caFile, 'utf8').includes('BEGIN CERTIFICATE'));
  });
});

describe('cert login rides out', () => {
  test('the registration entry appears after the action starts: it retries, then logs in', async () => {
    const recreate = deleteRunnerEntry(stack);
    try {
      await sleep(6000); // let the agent drop the identity
      const pending = new ActionsRunner().runStep(MAIN, certInputs({ revoke: 'false', timeout: '40s' }));
      await sleep(2000);
      recreate();
      const result = await pending;
      assert.equal(result.status, 0, failure(result));
      assert.ok(result.env.VAULT_TOKEN);
    } catch (error) {
      recreate();
      throw error;
    } finally {
      await sleep(1000);
    }
  });

  test('the agent restarts during a long signing run: fresh SVIDs, every file signed once, every token revoked', async () => {
    // ci-cert-short tokens live 5 s; a slow link to Vault stretches the run well past that, and
    // the agent is stopped and started again while it runs: the re-login waits for it.
    const relay = await startLatencyRelay(tlsAddr, 450);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ws-cert-long-'));
      mkdirSync(join(dir, 'out'));
      for (let i = 0; i < 2000; i++) writeFileSync(join(dir, 'out', `f${i}.bin`), `file ${i}\n`);
      const runner = new ActionsRunner();
      const pending = runner.runStep(
        MAIN,
        certInputs({
          'vault-addr': relay.address,
          role: stack.STACK_CERT_ROLE_SHORT ?? 'ci-cert-short',
          'sign-blobs': 'out/*.bin',
          bundle: 'false',
          timeout: '60s',
        }),
        { GITHUB_WORKSPACE: dir },
      );
      await sleep(1500);
      stackCtl(stack, 'stop', 'spire-agent');
      await sleep(2500);
      stackCtl(stack, 'start', 'spire-agent');
      const main = await pending;
      assert.equal(main.status, 0, failure(main).slice(-2000));
      assert.ok(main.durationMs > 5000, `the run took ${main.durationMs} ms, not longer than the 5 s token TTL`);
      assert.match(main.stdout, /Logging in to Vault again/);
      const tokens = main.masks.filter((mask) => /^(hvs|s)\./.test(mask));
      assert.ok(tokens.length >= 2, `logged in ${tokens.length} time(s)`);
      const blobs = JSON.parse(main.outputs['signed-blobs'] ?? '[]') as { path: string; signature: string }[];
      assert.equal(new Set(blobs.map((blob) => blob.path)).size, 2000, 'every file signed once');
      const post = await runner.runStep(POST, certInputs({ 'vault-addr': relay.address }));
      assert.equal(post.status, 0, failure(post));
      for (const token of tokens) assert.equal((await lookupSelfStatus(stack, token)).status, 403);
    } finally {
      stackCtl(stack, 'start', 'spire-agent');
      await relay.close();
    }
  });
});
