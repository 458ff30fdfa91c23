// `spiffe-vault setup --print` and `spiffe-vault policy` against fresh throwaway servers of the
// selected kind (OpenBao or HashiCorp Vault, with its own CLI): the printed script, run as is,
// gives a working set-up; every line of the generated policy is needed for a signing run, and the
// token it grants can do nothing else; --verify adds exactly what real cosign's hashivault://
// verification needs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli, cliEnv, leaks } from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, run, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { startThrowawayServer, type ThrowawayServer } from '../helpers/throwaway.ts';

const ROLE = 'signer';

let stack: StackEnv;
let server: ThrowawayServer;
let adminEnv: NodeJS.ProcessEnv;

before(async () => {
  stack = loadStackEnv();
  server = await startThrowawayServer(stack);
  adminEnv = {
    PATH: `${stack.STACK_BIN}:/usr/bin:/bin`,
    HOME: mkdtempSync(join(tmpdir(), 'setup-admin-')),
    VAULT_ADDR: server.address,
    BAO_ADDR: server.address,
    VAULT_TOKEN: server.rootToken,
    BAO_TOKEN: server.rootToken,
  };
});
after(async () => {
  await server?.stop();
});

/** The runner's environment, against the throwaway server. */
const runnerEnv = () => cliEnv(stack, { VAULT_ADDR: server.address });

function admin(args: readonly string[], input?: string): string {
  const r = run(`${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`, args, {
    env: adminEnv,
    ...(input !== undefined ? { input } : {}),
  });
  assert.equal(r.status, 0, describeRun(`${stack.STACK_VAULT_CLI} ${args.join(' ')}`, r));
  return r.stdout;
}

function setupPrint(args: readonly string[]): string {
  const r = cli(['setup', '--print', '--audience', stack.STACK_AUDIENCE, '--cli', stack.STACK_VAULT_CLI, ...args], {
    env: runnerEnv(),
  });
  assert.equal(r.status, 0, describeRun('setup --print', r));
  assert.equal(r.stderr, '');
  return r.stdout;
}

/** Runs a printed script with sh, as an admin. */
function runAsAdmin(script: string): RunResult {
  const file = join(mkdtempSync(join(tmpdir(), 'setup-script-')), 'setup.sh');
  writeFileSync(file, script);
  return run('sh', [file], { env: adminEnv });
}

/** `sign-blob` of a fresh file with the role; the result and where the file is. */
function signBlob(args: readonly string[] = ['--role', ROLE]): RunResult & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'setup-sign-'));
  writeFileSync(join(dir, 'artifact.txt'), `built at ${Date.now()} ${Math.random()}\n`);
  const r = cli(['sign-blob', '--audience', stack.STACK_AUDIENCE, ...args, 'artifact.txt'], {
    env: runnerEnv(),
    cwd: dir,
  });
  return { ...r, dir };
}

function assertSignedAndVerified(signed: RunResult & { dir: string }, key = 'cosign'): void {
  assert.equal(signed.status, 0, describeRun('sign-blob', signed));
  const [pub, sig, file] = [`${key}.pub`, 'artifact.txt.sig', 'artifact.txt'].map((name) => join(signed.dir, name));
  const ours = cli(['verify-blob', '--key', pub ?? '', '--signature', sig ?? '', file ?? ''], { env: runnerEnv() });
  assert.equal(ours.status, 0, describeRun('spiffe-vault verify-blob', ours));
  const cosign = run(
    `${stack.STACK_BIN}/cosign`,
    ['verify-blob', '--key', pub ?? '', '--signature', sig ?? '', '--insecure-ignore-tlog=true', file ?? ''],
    { env: { PATH: '/usr/bin:/bin', HOME: signed.dir } },
  );
  assert.equal(cosign.status, 0, describeRun('cosign verify-blob', cosign));
}

/** The policy document inside a printed script. */
function policyOf(script: string): string {
  const body = /policy write \S+ - <<'POLICY'\n([\s\S]*?\n)POLICY\n/.exec(script)?.[1];
  assert.ok(body, 'the script writes no policy');
  return body;
}

/** A child process serving `value` as JSON on 127.0.0.1. */
async function serveJson(value: unknown): Promise<{ child: ChildProcess; url: string }> {
  const code = [
    'const body = process.env.BODY;',
    "require('node:http').createServer((_, res) => res.setHeader('content-type', 'application/json').end(body))",
    "  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });",
  ].join('\n');
  const child = spawn(process.execPath, ['-e', code], {
    env: { BODY: JSON.stringify(value) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

const granting = (policy: string) => policy.split('\n').filter((line) => /^path "/.test(line));

describe('setup --print (shell) run as is on a fresh server', () => {
  let script: string;

  test("default options, SPIRE's keys from the Workload API: sign-blob with the role passes and verifies", async () => {
    script = setupPrint(['--role', ROLE, '--spiffe-id', stack.STACK_SPIFFE_ID]);
    assert.match(script, new RegExp(`^${stack.STACK_VAULT_CLI} auth enable -path=jwt jwt$`, 'm'));
    const r = runAsAdmin(script);
    assert.equal(r.status, 0, describeRun('the printed set-up', r));
    assertSignedAndVerified(signBlob());
  });

  test('the role it wrote: bound to the SPIFFE ID and audience, 60 s service tokens with the policy', () => {
    const role = JSON.parse(admin(['read', '-format=json', `auth/jwt/role/${ROLE}`])) as {
      data: Record<string, unknown>;
    };
    assert.equal(role.data.role_type, 'jwt');
    assert.equal(role.data.bound_subject, stack.STACK_SPIFFE_ID);
    assert.deepEqual(role.data.bound_audiences, [stack.STACK_AUDIENCE]);
    assert.deepEqual(role.data.token_policies, [`${ROLE}-sign`]);
    assert.equal(role.data.token_ttl, 60);
    assert.equal(role.data.token_max_ttl, 60);
    assert.equal(role.data.token_type, 'service');
    assert.equal(admin(['policy', 'read', `${ROLE}-sign`]), policyOf(script));
  });

  test("--trust-domain-bundle (SPIRE's bundle file) with other mounts, key, role and policy name", async () => {
    const names = ['--auth-path', 'spire', '--transit-path', 'signing', '--transit-key', 'release'];
    const printed = setupPrint([
      ...names,
      '--role',
      'release',
      '--policy-name',
      'release-signers',
      '--spiffe-id',
      stack.STACK_SPIFFE_ID,
      '--trust-domain-bundle',
      join(stack.STACK_STATE_DIR, 'bundle.jwks'),
    ]);
    const r = runAsAdmin(printed);
    assert.equal(r.status, 0, describeRun('the printed set-up', r));
    assertSignedAndVerified(signBlob(['--role', 'release', ...names]), 'release');
  });

  test("--jwks-url: Vault fetches SPIRE's keys from the URL", async () => {
    const bundle = JSON.parse(readFileSync(join(stack.STACK_STATE_DIR, 'bundle.jwks'), 'utf8')) as {
      keys: { use?: string }[];
    };
    const keys = bundle.keys.filter((key) => key.use === 'jwt-svid').map((key) => ({ ...key, use: 'sig' }));
    // In a process of its own: the signing run below blocks this one while Vault fetches the keys.
    const jwks = await serveJson({ keys });
    try {
      const url = `${jwks.url}/keys`;
      const names = ['--auth-path', 'spire-oidc', '--transit-path', 'signing-oidc'];
      const printed = setupPrint([...names, '--role', 'oidc', '--spiffe-id', stack.STACK_SPIFFE_ID, '--jwks-url', url]);
      assert.ok(printed.includes(`jwks_url=${url}`));
      const r = runAsAdmin(printed);
      assert.equal(r.status, 0, describeRun('the printed set-up', r));
      assertSignedAndVerified(signBlob(['--role', 'oidc', ...names]));
    } finally {
      jwks.child.kill();
    }
  });

  describe('least privilege: the policy it wrote', () => {
    const policyName = `${ROLE}-sign`;
    const writePolicy = (text: string) => admin(['policy', 'write', policyName, '-'], text);

    test('without any one of its lines a signing run fails; with all of them it passes', () => {
      const policy = policyOf(script);
      const lines = granting(policy);
      assert.equal(lines.length, 2, policy);
      try {
        for (const line of lines) {
          writePolicy(policy.replace(`${line}\n`, ''));
          const r = signBlob();
          assert.notEqual(r.status, 0, `sign-blob passed without: ${line}`);
          assert.match(r.stderr, /permission denied|PERMISSION_DENIED/i, describeRun(`without ${line}`, r));
        }
      } finally {
        writePolicy(policy);
      }
      assertSignedAndVerified(signBlob());
    });

    test("its token cannot sign with another key or hash, nor read the server's policies", async () => {
      admin(['write', '-f', 'transit/keys/other', 'type=ecdsa-p256']);
      const login = cli(['auth', '--role', ROLE, '--audience', stack.STACK_AUDIENCE, '--json'], { env: runnerEnv() });
      assert.equal(login.status, 0, describeRun('auth', login));
      assert.deepEqual(leaks(login.stderr), []);
      const { token } = JSON.parse(login.stdout) as { token: string };
      const call = async (path: string, method = 'GET', body?: unknown) => {
        const response = await fetch(`${server.address}/v1/${path}`, {
          method,
          headers: { 'X-Vault-Token': token },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        await response.body?.cancel();
        return response.status;
      };
      const input = Buffer.alloc(32, 7).toString('base64');
      const sign = { input, prehashed: true };
      try {
        assert.equal(await call('transit/sign/cosign/sha2-256', 'POST', sign), 200, 'the key itself');
        assert.equal(await call('transit/sign/other/sha2-256', 'POST', sign), 403, 'another key');
        assert.equal(await call('transit/keys/other'), 403, "another key's public key");
        assert.equal(
          await call('transit/sign/cosign/sha2-512', 'POST', {
            input: Buffer.alloc(64).toString('base64'),
            prehashed: true,
          }),
          403,
        );
        assert.equal(await call('transit/sign/cosign', 'POST', sign), 403, 'sign without a hash in the path');
        assert.equal(await call('transit/keys/cosign/rotate', 'POST'), 403, 'rotate the key');
        assert.equal(await call('sys/policies/acl?list=true'), 403, 'list the policies');
        assert.equal(await call(`sys/policies/acl/${policyName}`), 403, 'read its own policy');
      } finally {
        cli(['revoke'], { env: { ...runnerEnv(), VAULT_TOKEN: token } });
      }
    });

    test("--verify adds what real cosign's hashivault:// verification needs, and only that", () => {
      const signed = signBlob();
      assert.equal(signed.status, 0, describeRun('sign-blob', signed));
      const withVerify = cli(['policy', '--verify'], { env: runnerEnv() }).stdout;
      assert.deepEqual(granting(withVerify).slice(0, 2), granting(policyOf(script)));
      assert.equal(granting(withVerify).length, 3);
      const login = cli(['auth', '--role', ROLE, '--audience', stack.STACK_AUDIENCE, '--json'], { env: runnerEnv() });
      assert.equal(login.status, 0, describeRun('auth', login));
      const { token } = JSON.parse(login.stdout) as { token: string };
      const cosignVerify = (binary: string) =>
        run(
          `${stack.STACK_BIN}/${binary}`,
          [
            'verify-blob',
            '--key',
            'hashivault://cosign',
            ...(binary === 'cosign' ? ['--bundle', 'artifact.txt.sigstore.json'] : ['--signature', 'artifact.txt.sig']),
            '--insecure-ignore-tlog=true',
            'artifact.txt',
          ],
          {
            env: { PATH: '/usr/bin:/bin', HOME: signed.dir, VAULT_ADDR: server.address, VAULT_TOKEN: token },
            cwd: signed.dir,
          },
        );
      try {
        writePolicy(withVerify);
        for (const binary of ['cosign', 'cosign2']) {
          const r = cosignVerify(binary);
          assert.equal(r.status, 0, describeRun(`${binary} verify-blob --key hashivault:// with --verify`, r));
        }
        writePolicy(policyOf(script));
        for (const binary of ['cosign', 'cosign2']) {
          const r = cosignVerify(binary);
          assert.notEqual(r.status, 0, `${binary} verified without the verify lines`);
          assert.match(r.stderr, /transit\/verify\/cosign\/sha2-256[\s\S]*403/, describeRun(binary, r));
        }
      } finally {
        writePolicy(policyOf(script));
        cli(['revoke'], { env: { ...runnerEnv(), VAULT_TOKEN: token } });
      }
    });
  });
});
