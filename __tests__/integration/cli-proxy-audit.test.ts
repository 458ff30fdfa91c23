// What of a job's requests reaches Vault through `spiffe-vault proxy`, seen in a file audit device
// of the real server: paths outside --allow and path tricks never do; 20 requests at once after
// the token ran out (or was revoked) cost exactly one new login.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliEnv, copyRole, deleteRole, liveTokensOfRole } from '../helpers/cli-run.ts';
import { proxyRequest, startBackgroundProxy, type BackgroundProxy } from '../helpers/proxy.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { enableFileAudit, vaultFetch, type FileAudit } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let key: string;
before(() => {
  stack = loadStackEnv();
  key = stack.STACK_TRANSIT_KEY;
});

// Each test: a role of its own (logins are counted by role), a fresh audit device, its proxy.
let role: string;
let audit: FileAudit;
let proxy: BackgroundProxy | undefined;
beforeEach(async () => {
  audit = await enableFileAudit(stack);
});
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await audit.disable();
  if (role) await deleteRole(stack, role);
});

async function start(args: readonly string[]): Promise<BackgroundProxy> {
  proxy = await startBackgroundProxy(args, cliEnv(stack, { TMPDIR: mkdtempSync(join(tmpdir(), 'proxy-audit-')) }));
  return proxy;
}

const signBody = () => ({ input: Buffer.from(`payload ${Math.random()}`).toString('base64') });

describe('--allow', () => {
  test('a path outside the allow list gets 403 from the proxy and never reaches Vault', async () => {
    role = await copyRole(stack, stack.STACK_ROLE);
    const { vaultAddr } = await start(['--role', role, '--allow', `transit/keys/+, transit/sign/${key}/*`]);

    assert.equal((await proxyRequest(vaultAddr, `/v1/transit/keys/${key}`)).status, 200, '+ matches one segment');
    const signed = await proxyRequest(vaultAddr, `/v1/transit/sign/${key}/sha2-256`, { body: signBody() });
    assert.equal(signed.status, 200, `trailing * matches the rest: ${signed.text}`);

    for (const [path, method] of [
      ['sys/mounts', 'GET'],
      ['auth/token/lookup-self', 'GET'],
      [`transit/sign/${key}`, 'POST'], // the prefix of transit/sign/KEY/* is not itself allowed
      [`transit/keys/${key}/rotate`, 'POST'], // + is one segment only
    ] as const) {
      const answer = await proxyRequest(vaultAddr, `/v1/${path}`, {
        method,
        ...(method === 'POST' ? { body: {} } : {}),
      });
      assert.equal(answer.status, 403, `${path}: ${answer.text}`);
      assert.deepEqual(answer.json?.errors, [
        `spiffe-vault proxy: ${path} is not in the proxy's allow list (transit/keys/+, transit/sign/${key}/*)`,
      ]);
    }

    assert.ok(audit.requestsFor(`transit/keys/${key}`).length >= 1, 'the allowed read reached Vault');
    assert.ok(audit.requestsFor(`transit/sign/${key}/sha2-256`).length >= 1, 'the allowed sign reached Vault');
    for (const path of ['sys/mounts', 'auth/token/lookup-self', `transit/sign/${key}`, `transit/keys/${key}/rotate`]) {
      assert.deepEqual(audit.requestsFor(path), [], `${path} never reached Vault`);
    }
  });

  test('.., . and encoded-slash paths get 400 and never reach Vault, even with no allow list', async () => {
    role = await copyRole(stack, stack.STACK_ROLE);
    const { vaultAddr } = await start(['--role', role]);
    for (const target of [
      `/v1/transit/keys/../../sys/mounts`,
      `/v1/transit/keys/%2e%2e/%2E%2E/sys/mounts`,
      `/v1/transit/./keys/${key}`,
      `/v1/transit%2Fkeys%2F${key}`,
      `/v1/transit/keys/..%2f..%2fsys%2fmounts`,
      `/v1/transit//keys/${key}`,
      `/sys/mounts`,
      `/v1/../v1/sys/mounts`,
    ]) {
      const answer = await proxyRequest(vaultAddr, target);
      assert.equal(answer.status, 400, `${target}: ${answer.text}`);
      assert.match(answer.json?.errors?.[0] ?? '', /^spiffe-vault proxy: GET \S+: /);
    }
    // The same client reaches an ordinary path: the refusals were the paths', not the proxy's.
    assert.equal((await proxyRequest(vaultAddr, `/v1/transit/keys/${key}`)).status, 200);
    const reached = audit
      .entries()
      .filter((e) => e.type === 'request')
      .map((e) => e.request?.path);
    assert.ok(reached.includes(`transit/keys/${key}`), 'the audit device sees the allowed request');
    for (const path of reached) assert.doesNotMatch(path ?? '', /^sys\/mounts|^transit\/keys\/\.|\/\//);
  });
});

describe('one login for many requests', () => {
  test('20 requests at once after the 5 s token expired: all answered, exactly one new login', async () => {
    role = await copyRole(stack, stack.STACK_ROLE_SHORT);
    const { vaultAddr } = await start(['--role', role]);
    assert.equal((await proxyRequest(vaultAddr, `/v1/transit/keys/${key}`)).status, 200);
    assert.equal(audit.loginsWith(role), 1);
    await sleep(6000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? proxyRequest(vaultAddr, `/v1/transit/keys/${key}`)
          : proxyRequest(vaultAddr, `/v1/transit/sign/${key}/sha2-256`, { body: signBody() }),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(20).fill(200),
    );
    assert.equal(audit.loginsWith(role), 2, 'one login at the start, one after the expiry');
    await proxy?.stop();
    assert.match(proxy?.log() ?? '', /20 request\(s\)|21 request\(s\)/);
    assert.match(proxy?.log() ?? '', / 2 login\(s\);/);
  });

  test('20 requests at once after the token was revoked behind the proxy: 403, re-login, replay; one new login', async () => {
    role = await copyRole(stack, stack.STACK_ROLE);
    const { vaultAddr } = await start(['--role', role]);
    assert.equal((await proxyRequest(vaultAddr, `/v1/transit/keys/${key}`)).status, 200);
    const [accessor, ...others] = await liveTokensOfRole(stack, role);
    assert.ok(accessor && others.length === 0, 'one live token');
    const revoked = await vaultFetch(stack, 'auth/token/revoke-accessor', { method: 'POST', body: { accessor } });
    assert.equal(revoked.status, 204);

    // Request bodies are kept (under 1 MiB) so the signing requests can be sent again.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        proxyRequest(vaultAddr, `/v1/transit/sign/${key}/sha2-256`, { body: signBody() }),
      ),
    );
    assert.deepEqual(
      answers.map((a) => `${a.status} ${a.status === 200 ? '' : a.text}`),
      Array(20).fill('200 '),
    );
    assert.ok(answers.every((a) => /^vault:v\d+:/.test(String(a.json?.data?.signature))));
    assert.equal(audit.loginsWith(role), 2, 'one login at the start, one after the revocation');
    // Requests that went out with the revoked token were sent again with the new one; those
    // arriving after the new login went out once.
    const sent = audit.requestsFor(`transit/sign/${key}/sha2-256`).length;
    assert.ok(sent > 20 && sent <= 40, `${sent} signing requests reached Vault: some were replayed, none twice`);
  });
});
