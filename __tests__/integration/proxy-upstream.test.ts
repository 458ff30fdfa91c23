// The proxy against the real server, from the client's side of its socket: a token Vault stops
// accepting (revoked behind the proxy's back) is replaced and the request sent again; bodies over
// the replay limit stream through; TLS upstream with the X.509-SVID (cert) login.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  cli as runCli,
  cliEnv,
  copyRole,
  deleteRole,
  liveTokensOfRole,
  readWhenWritten,
  spawnCli,
  type RunningCli,
} from '../helpers/cli-run.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { vaultFetch } from '../helpers/vault-admin.ts';

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

interface Answer {
  readonly status: number;
  readonly body: { data?: Record<string, unknown>; errors?: string[] };
}

/** One request to the proxy's unix socket, with a token the proxy must ignore. */
function viaSocket(socketPath: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, method, path: `/v1/${path}`, headers: { 'x-vault-token': 'not-a-token' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Starts `spiffe-vault proxy` in the foreground; resolves with its socket once it serves. */
async function startProxy(args: string[], env: NodeJS.ProcessEnv): Promise<{ proxy: RunningCli; socket: string }> {
  const ready = join(mkdtempSync(join(tmpdir(), 'proxy-ready-')), 'ready.json');
  const proxy = spawnCli(['proxy', ...args, '--ready-file', ready], { env });
  const { vaultAddr } = JSON.parse(await readWhenWritten(ready)) as { vaultAddr: string };
  return { proxy, socket: vaultAddr.replace(/^unix:\/\//, '') };
}

const signInput = (bytes: number) => ({ input: Buffer.alloc(bytes, 7).toString('base64') });

describe('a token revoked behind the proxy', () => {
  let role: string;
  let running: RunningCli | undefined;
  after(async () => {
    running?.child.kill('SIGKILL');
    await deleteRole(stack, role);
  });

  test('is replaced by a new login, and the refused request is sent again with its body', async () => {
    role = await copyRole(stack, stack.STACK_ROLE);
    const { proxy, socket } = await startProxy(['--role', role], cliEnv(stack));
    running = proxy;
    const sign = `transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256`;
    assert.equal((await viaSocket(socket, 'POST', sign, signInput(32))).status, 200);
    const live = await liveTokensOfRole(stack, role);
    assert.equal(live.length, 1);
    const revoked = await vaultFetch(stack, 'auth/token/revoke-accessor', {
      method: 'POST',
      body: { accessor: live[0] },
    });
    assert.equal(revoked.status, 204);

    const again = await viaSocket(socket, 'POST', sign, signInput(32));
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.match(String(again.body.data?.signature), /^vault:v\d+:/);
    assert.match(proxy.stderr(), /Logging in to Vault again: Vault rejected the token/);

    // A body over the replay limit streams through (and is not kept for a second attempt). Two
    // items: HashiCorp Vault refuses a single JSON string over 1 MiB.
    const batch = { batch_input: [signInput(700 * 1024), signInput(700 * 1024)] };
    const large = await viaSocket(socket, 'POST', sign, batch);
    assert.equal(large.status, 200, JSON.stringify(large.body));
    assert.equal((large.body.data?.batch_results as unknown[]).length, 2);

    // A 403 that is a real denial (the token is fine) is passed on, without a new login.
    const denied = await viaSocket(socket, 'GET', 'sys/policies/acl?list=true');
    assert.equal(denied.status, 403);
    assert.doesNotMatch(JSON.stringify(denied.body), /spiffe-vault proxy/);

    proxy.child.kill('SIGTERM');
    const done = await proxy.done;
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stderr, /Vault proxy stopped: 4 request\(s\), 0 refused, 0 failed, 2 login\(s\)/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });
});

describe('TLS upstream', () => {
  test('method cert: the proxy logs in with the X.509-SVID and forwards over TLS with the given CA', async () => {
    assert.ok(stack.STACK_VAULT_TLS_ADDR && stack.STACK_TLS_CA_FILE && stack.STACK_CERT_ROLE, 'no TLS listener');
    const env = cliEnv(stack, { VAULT_ADDR: stack.STACK_VAULT_TLS_ADDR, VAULT_CACERT: stack.STACK_TLS_CA_FILE });
    const { proxy, socket } = await startProxy(['--method', 'cert', '--role', stack.STACK_CERT_ROLE], env);
    try {
      const key = await viaSocket(socket, 'GET', `transit/keys/${stack.STACK_TRANSIT_KEY}`);
      assert.equal(key.status, 200, JSON.stringify(key.body));
      assert.equal(key.body.data?.type, 'ecdsa-p256');
    } finally {
      proxy.child.kill('SIGTERM');
    }
    const done = await proxy.done;
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stderr, /1 token\(s\) revoked/);
  });
});

describe('listening on a loopback port', () => {
  test('--listen 127.0.0.1:0: the command gets http://127.0.0.1:PORT, Vault answers through it, with a warning', () => {
    const cli = `${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`;
    const script = `echo "$VAULT_ADDR"; ${cli} read -field=type transit/keys/${stack.STACK_TRANSIT_KEY}`;
    const r = runCli(['proxy', '--role', stack.STACK_ROLE, '--listen', '127.0.0.1:0', '--', 'sh', '-c', script], {
      env: cliEnv(stack),
    });
    assert.equal(r.status, 0, r.stderr);
    const [address, type] = r.stdout.trim().split('\n');
    assert.match(address ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.doesNotMatch(address ?? '', /:0$/, 'the port the system chose, not 0');
    assert.equal(type, 'ecdsa-p256');
    assert.match(r.stderr, /warning: the proxy listens on http:\/\/127\.0\.0\.1:\d+: every process on this host/);
    assert.match(r.stderr, /1 token\(s\) revoked/);
  });
});
