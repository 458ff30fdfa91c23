// The proxy in a namespace (OpenBao; HashiCorp Vault's Community Edition has none): it logs in
// to the namespace's auth method and sends every request it forwards there, whatever namespace
// header a client sends. The namespace is made here with its own JWT auth, transit key and policy.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cli, cliEnv } from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, selectedVaultServer, type StackEnv } from '../helpers/stack-env.ts';

let stack: StackEnv;
const namespace = `proxy-${randomBytes(3).toString('hex')}`;
const KEY = 'ns-key';

/** An admin request, in `ns` when given. */
async function admin(path: string, init: { method?: string; body?: unknown; ns?: string } = {}) {
  const response = await fetch(`${stack.VAULT_ADDR}/v1/${path}`, {
    method: init.method ?? 'POST',
    headers: { 'X-Vault-Token': stack.STACK_ADMIN_TOKEN, ...(init.ns ? { 'X-Vault-Namespace': init.ns } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${init.method ?? 'POST'} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as { data: Record<string, unknown> }) : undefined;
}

describe(
  'the proxy in a namespace',
  { skip: selectedVaultServer() === 'hashicorp' && 'Vault CE has no namespaces' },
  () => {
    before(async () => {
      stack = loadStackEnv();
      const config = (await admin('auth/jwt/config', { method: 'GET' }))?.data ?? {};
      const role = (await admin(`auth/jwt/role/${stack.STACK_ROLE}`, { method: 'GET' }))?.data ?? {};
      await admin(`sys/namespaces/${namespace}`);
      const ns = namespace;
      await admin('sys/auth/jwt', { ns, body: { type: 'jwt' } });
      await admin('auth/jwt/config', {
        ns,
        body: { jwt_validation_pubkeys: config.jwt_validation_pubkeys, jwt_supported_algs: ['ES256'] },
      });
      await admin('sys/mounts/transit', { ns, body: { type: 'transit' } });
      await admin(`transit/keys/${KEY}`, { ns, body: { type: 'ecdsa-p256' } });
      await admin('sys/policies/acl/ns-sign', {
        ns,
        body: { policy: `path "transit/keys/${KEY}" { capabilities = ["read"] }` },
      });
      await admin(`auth/jwt/role/${stack.STACK_ROLE}`, {
        ns,
        body: {
          role_type: 'jwt',
          user_claim: 'sub',
          bound_audiences: role.bound_audiences,
          bound_subject: role.bound_subject,
          token_policies: ['ns-sign'],
          token_ttl: 60,
          token_max_ttl: 60,
        },
      });
    });
    after(async () => {
      for (const mount of ['sys/auth/jwt', 'sys/mounts/transit']) {
        await admin(mount, { method: 'DELETE', ns: namespace }).catch(() => undefined);
      }
      await admin(`sys/namespaces/${namespace}`, { method: 'DELETE' }).catch(() => undefined);
    });

    test('requests go to the namespace, even when the client names another one', () => {
      const bao = `${stack.STACK_BIN}/bao`;
      const script = [
        `${bao} read -field=type transit/keys/${KEY}`,
        'echo',
        // A client's own namespace header is replaced by the proxy's.
        `BAO_NAMESPACE=elsewhere ${bao} read -field=type transit/keys/${KEY}`,
        'echo',
      ].join(' && ');
      const r = cli(['proxy', '--role', stack.STACK_ROLE, '--namespace', namespace, '--', 'sh', '-c', script], {
        env: cliEnv(stack),
      });
      assert.equal(r.status, 0, describeRun('proxy -- bao read', r));
      assert.deepEqual(r.stdout.trim().split('\n'), ['ecdsa-p256', 'ecdsa-p256']);
      assert.match(r.stderr, /policies default, ns-sign|policies ns-sign, default/);
      assert.match(r.stderr, /1 token\(s\) revoked/);
    });
  },
);
