// `spiffe-vault proxy` on the real stack, as a job uses it: cosign, bao and vault reach Vault
// through the proxy's socket with no token of their own, long after the proxy's first 5 s token
// expired; when the proxy stops, every token it minted is revoked and its files are gone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cosignSignBlobArgs, cosignSignImageArgs } from '../helpers/action-inputs.ts';
import { cli, cliEnv, copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { isAlive, proxyRequest, secretsIn, socketFolder, startBackgroundProxy } from '../helpers/proxy.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { accessorIsLive, lookupSelfStatus, transitPublicKeyPem, vaultFetch } from '../helpers/vault-admin.ts';

const PLACEHOLDER = 'spiffe-vault-proxy';

let stack: StackEnv;
let shortRole: string; // a copy of ci-short (5 s tokens): its tokens are this file's alone
before(async () => {
  stack = loadStackEnv();
  shortRole = await copyRole(stack, stack.STACK_ROLE_SHORT);
});
after(() => deleteRole(stack, shortRole));

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The stop line's login count: `… N login(s) …`. */
function loginsIn(stderr: string): number {
  const m =
    /Vault proxy stopped: .* (\d+) login\(s\); (\d+) token\(s\) revoked, (\d+) already gone, (\d+) not revoked/.exec(
      stderr,
    );
  assert.ok(m, `no stop line in: ${stderr}`);
  assert.equal(m[4], '0', 'every token minted was revoked or already gone');
  return Number(m[1]);
}

async function publicKeyFile(dir: string): Promise<string> {
  const pub = join(dir, 'pub.pem');
  writeFileSync(pub, await transitPublicKeyPem(stack));
  return pub;
}

describe('cosign through the proxy, after its first token expired', () => {
  test('proxy -- cosign sign-blob --key hashivault://…: signs 6 s after the start, the signature verifies', async () => {
    const dir = tempDir('proxy-blob-');
    const blob = join(dir, 'artifact.txt');
    const signature = join(dir, 'artifact.sig');
    writeFileSync(blob, `built at ${new Date().toISOString()}\n`);
    // The command waits past the 5 s TTL of the proxy's first token before it signs.
    const r = cli(
      [
        'proxy',
        '--role',
        shortRole,
        '--',
        'sh',
        '-c',
        'sleep 6 && exec "$0" "$@"',
        join(stack.STACK_BIN, 'cosign'),
        ...cosignSignBlobArgs(stack, blob, signature),
      ],
      { env: cliEnv(stack, { TMPDIR: dir }), timeoutMs: 120_000 },
    );
    assert.equal(r.status, 0, describeRun('proxy -- cosign sign-blob', r));
    assert.ok(loginsIn(r.stderr) >= 2, 'the proxy logged in again once its first token ran out');
    const verify = cosign(
      stack,
      'cosign',
      ['verify-blob', '--key', await publicKeyFile(dir), '--signature', signature, '--insecure-ignore-tlog=true', blob],
      { HOME: dir },
    );
    assert.equal(verify.status, 0, describeRun('cosign verify-blob', verify));
    assert.deepEqual(await liveTokensOfRole(stack, shortRole), []);
  });

  test('cosign sign IMAGE@DIGEST with a background proxy started 6 s before; cosign verify passes', async () => {
    const dir = tempDir('proxy-image-');
    const repo = `${stack.STACK_REGISTRY}/proxy-${Date.now().toString(36)}`;
    const digest = pushImage(stack, `${repo}:v1`, 'signed through the proxy');
    const proxy = await startBackgroundProxy(['--role', shortRole], cliEnv(stack, { TMPDIR: dir }));
    try {
      await sleep(6000);
      const { VAULT_ADDR, VAULT_TOKEN, TRANSIT_SECRET_ENGINE_PATH } = proxy.exports;
      const sign = cosign(stack, 'cosign', cosignSignImageArgs(stack, `${repo}@${digest}`), {
        HOME: dir,
        VAULT_ADDR: VAULT_ADDR ?? '',
        VAULT_TOKEN: VAULT_TOKEN ?? '',
        TRANSIT_SECRET_ENGINE_PATH: TRANSIT_SECRET_ENGINE_PATH ?? '',
      });
      assert.equal(sign.status, 0, describeRun('cosign sign', sign));
    } finally {
      await proxy.stop();
    }
    assert.ok(loginsIn(proxy.log()) >= 2, 'the proxy logged in again once its first token ran out');
    const verify = cosign(
      stack,
      'cosign',
      ['verify', '--key', await publicKeyFile(dir), '--insecure-ignore-tlog=true', `${repo}@${digest}`],
      { HOME: dir },
    );
    assert.equal(verify.status, 0, describeRun('cosign verify', verify));
  });
});

describe('the bao and vault CLIs through the socket', () => {
  const name = `proxy-${Math.random().toString(36).slice(2, 8)}`;
  const value = `value-of-${name}`;
  let kvRole: string;

  before(async () => {
    const policy = await vaultFetch(stack, `sys/policies/acl/${name}`, {
      method: 'PUT',
      body: { policy: `path "secret/data/${name}" { capabilities = ["read"] }` },
    });
    assert.equal(policy.status, 204, JSON.stringify(policy.body));
    const secret = await vaultFetch(stack, `secret/data/${name}`, { method: 'POST', body: { data: { value } } });
    assert.equal(secret.status, 200, JSON.stringify(secret.body));
    kvRole = await copyRole(stack, stack.STACK_ROLE_SHORT, { token_policies: ['ci-sign', name] });
  });
  after(async () => {
    await deleteRole(stack, kvRole);
    await vaultFetch(stack, `secret/metadata/${name}`, { method: 'DELETE' });
    await vaultFetch(stack, `sys/policies/acl/${name}`, { method: 'DELETE' });
  });

  test('kv get and transit sign work with VAULT_ADDR=unix://…; the command holds only the placeholder token', async () => {
    const input = Buffer.from(`payload ${name}`).toString('base64');
    const key = stack.STACK_TRANSIT_KEY;
    const script = [
      'env; echo ---',
      'sleep 6', // past the proxy's first token
      ...['bao', 'vault'].flatMap((tool) => [
        `echo "${tool}-kv=$(${tool} kv get -field=value secret/${name})"`,
        `echo "${tool}-sig=$(${tool} write -field=signature transit/sign/${key}/sha2-256 input=${input})"`,
      ]),
    ].join('\n');
    // Stale tokens and addresses of the caller are replaced, the BAO_ twins too (bao prefers them).
    const r = cli(['proxy', '--role', kvRole, '--', 'sh', '-c', script], {
      env: cliEnv(stack, { TMPDIR: tempDir('proxy-cli-'), VAULT_TOKEN: 'stale', BAO_TOKEN: 'stale', BAO_ADDR: 'x' }),
      timeoutMs: 120_000,
    });
    assert.equal(r.status, 0, describeRun('proxy -- sh', r));
    const [envText = '', results = ''] = r.stdout.split('---\n');
    const childEnv = Object.fromEntries(
      envText.split('\n').map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(childEnv.VAULT_TOKEN, PLACEHOLDER);
    assert.equal(childEnv.BAO_TOKEN, PLACEHOLDER);
    assert.match(childEnv.VAULT_ADDR ?? '', /^unix:\/\/\/.*\/vault\.sock$/);
    assert.equal(childEnv.BAO_ADDR, childEnv.VAULT_ADDR);
    assert.deepEqual(secretsIn(envText), [], "the command's environment holds no token or JWT");
    assert.equal((await lookupSelfStatus(stack, PLACEHOLDER)).status, 403, 'the placeholder is no token');

    const lines = Object.fromEntries(
      results
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    for (const tool of ['bao', 'vault']) {
      assert.equal(lines[`${tool}-kv`], value, `${tool} kv get`);
      const signature = lines[`${tool}-sig`] ?? '';
      assert.match(signature, /^vault:v\d+:/, `${tool} write transit/sign`);
      const verified = await vaultFetch(stack, `transit/verify/${key}`, { method: 'POST', body: { input, signature } });
      assert.equal(
        (verified.body.data as { valid?: boolean } | undefined)?.valid,
        true,
        `${tool}'s signature verifies`,
      );
    }
    assert.ok(loginsIn(r.stderr) >= 2, 'the proxy logged in again once its first token ran out');
  });
});

describe('stopping the proxy', () => {
  let role: string; // 15 s tokens: the proxy logs in again 5 s before expiry, so two are alive at once
  before(async () => {
    role = await copyRole(stack, stack.STACK_ROLE, { token_ttl: 15, token_max_ttl: 15 });
  });
  after(() => deleteRole(stack, role));

  test('SIGTERM to a background proxy: both live tokens revoked, process, socket folder and ready file gone; no secret anywhere', async () => {
    const dir = tempDir('proxy-stop-');
    const readyFile = join(dir, 'ready.json');
    const env = cliEnv(stack, { TMPDIR: dir });
    const proxy = await startBackgroundProxy(['--role', role, '--ready-file', readyFile], env);
    let stopped = false;
    try {
      const ready = readFileSync(readyFile, 'utf8');
      assert.deepEqual(JSON.parse(ready), { vaultAddr: proxy.vaultAddr, pid: proxy.pid });
      assert.equal(statSync(readyFile).mode & 0o777, 0o600);
      assert.equal(statSync(proxy.socket).mode & 0o777, 0o600);
      assert.equal(statSync(socketFolder(proxy)).mode & 0o777, 0o700);

      // A client may ask Vault about the proxy's token (lookup-self): Vault's answer names the
      // token itself, which the proxy blanks out; its accessor tells the logins apart.
      const lookup = async () => (await proxyRequest(proxy.vaultAddr, '/v1/auth/token/lookup-self')).json?.data;
      const first = await lookup();
      await sleep(10_500);
      const second = await lookup();
      for (const data of [first, second]) assert.match(String(data?.id), /^\*{20,}$/, 'the token is blanked out');
      assert.ok(first?.accessor && second?.accessor && first.accessor !== second.accessor, 'a second login');
      assert.equal((await liveTokensOfRole(stack, role)).length, 2, 'both tokens alive before the stop');

      await proxy.stop();
      stopped = true;
      assert.equal(isAlive(proxy.pid), false);
      assert.deepEqual(await liveTokensOfRole(stack, role), [], 'every token minted was revoked');
      for (const data of [first, second]) assert.equal(await accessorIsLive(stack, String(data?.accessor)), false);
      assert.match(proxy.log(), /2 login\(s\); 2 token\(s\) revoked, 0 already gone, 0 not revoked/);
      assert.equal(existsSync(socketFolder(proxy)), false, 'the socket folder is removed');
      assert.equal(existsSync(readyFile), false, 'the ready file is removed');
      // Under TMPDIR only the log's folder stays, for the log to be read after the stop.
      assert.deepEqual(readdirSync(dir), [basename(dirname(proxy.logFile))]);

      const everything = [proxy.started.stdout, proxy.started.stderr, proxy.log(), ready].join('\n');
      assert.deepEqual(secretsIn(everything, [stack.STACK_ADMIN_TOKEN]), []);
    } finally {
      if (!stopped) await proxy.stop();
    }
  });

  test('proxy -- CMD: the exit status passes through; tokens revoked; socket folder, ready file and TMPDIR clean', async () => {
    const dir = tempDir('proxy-cmd-');
    const readyFile = join(tempDir('proxy-ready-'), 'ready.json');
    const key = stack.STACK_TRANSIT_KEY;
    const script = `echo "$VAULT_ADDR"; test -s ${readyFile} && echo ready; bao read -field=type transit/keys/${key}; exit 3`;
    const r = cli(['proxy', '--role', role, '--ready-file', readyFile, '--', 'sh', '-c', script], {
      env: cliEnv(stack, { TMPDIR: dir }),
    });
    assert.equal(r.status, 3, describeRun('proxy -- sh', r));
    const [vaultAddr = '', ...rest] = r.stdout.trim().split('\n');
    assert.deepEqual(rest, ['ready', 'ecdsa-p256']);
    assert.match(vaultAddr, new RegExp(`^unix://${dir}/spiffe-vault-proxy-\\w+/vault\\.sock$`));
    assert.deepEqual(readdirSync(dir), [], 'the socket folder is removed');
    assert.equal(existsSync(readyFile), false, 'the ready file is removed');
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
    assert.match(r.stderr, /1 login\(s\); 1 token\(s\) revoked, 0 already gone, 0 not revoked/);
    assert.deepEqual(secretsIn(r.stderr + r.stdout), []);
  });
});
