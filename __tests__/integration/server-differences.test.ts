// Pins where OpenBao and HashiCorp Vault answer differently (docs/servers.md), against the
// stack's server that STACK_VAULT chooses, so an upgrade that changes an answer our code reads
// fails here; and how the CLIs that later steps run (bao, vault, cosign v3 and v2) pick their
// VAULT_* and BAO_* variables. Runs once per server (scripts/test.sh).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { VaultClient } from '../../src/core/vault/client.ts';
import { VaultHttpError } from '../../src/core/vault/errors.ts';
import { loginWithJwt, revokeSelf } from '../../src/core/vault/token.ts';
import { vaultAnswer } from '../../src/core/vault/transit-errors.ts';
import { describeRun, loadStackEnv, run, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { vaultFetch } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let home: string;
before(() => {
  stack = loadStackEnv();
  home = mkdtempSync(join(tmpdir(), 'server-differences-'));
});

const hashicorp = () => stack.STACK_VAULT === 'hashicorp';

function fetchJwt(): string {
  const r = run(join(stack.STACK_BIN, 'spire-agent'), [
    ...['api', 'fetch', 'jwt', '-audience', stack.STACK_AUDIENCE, '-socketPath', stack.STACK_AGENT_SOCKET],
    ...['-output', 'json'],
  ]);
  assert.equal(r.status, 0, describeRun('spire-agent api fetch jwt', r));
  const svid = (JSON.parse(r.stdout) as { svids?: { svid: string }[] }[]).flatMap((o) => o.svids ?? [])[0];
  assert.ok(svid);
  return svid.svid;
}

async function rejection(promise: Promise<unknown>): Promise<VaultHttpError> {
  try {
    await promise;
  } catch (error: unknown) {
    assert.ok(error instanceof VaultHttpError, String(error));
    return error;
  }
  assert.fail('the request succeeded');
}

describe('server answers', () => {
  test('version, and the token prefix of a JWT login: hvs. (HashiCorp Vault) or s. (OpenBao)', async () => {
    const health = await vaultFetch(stack, 'sys/health');
    assert.equal(health.body.version, hashicorp() ? '1.21.4' : '2.6.2');
    assert.equal(health.body.enterprise, hashicorp() ? false : undefined);
    const client = new VaultClient({ address: stack.VAULT_ADDR });
    const token = await loginWithJwt(client, { role: stack.STACK_ROLE, authPath: 'jwt', jwt: fetchJwt() });
    try {
      assert.match(token.token, hashicorp() ? /^hvs\./ : /^s\./);
    } finally {
      await revokeSelf(client, token.token);
    }
  });

  test('an invalid token: 403 both; HashiCorp Vault adds "invalid token" in a multi-error', async () => {
    const client = new VaultClient({ address: stack.VAULT_ADDR });
    const error = await rejection(
      client.request({ method: 'GET', path: '/auth/token/lookup-self', token: 'hvs.notatoken' }),
    );
    assert.equal(error.status, 403);
    const expected = hashicorp()
      ? ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n']
      : ['permission denied'];
    assert.deepEqual(error.vaultErrors, expected);
    // What our messages show of it: one line either way.
    assert.equal(vaultAnswer(error), hashicorp() ? '403 permission denied; invalid token' : '403 permission denied');
  });

  test('sys/capabilities-self: per-path keys at the top level and under data; mount_type only in Vault', async () => {
    const r = await vaultFetch(stack, 'sys/capabilities-self', {
      method: 'POST',
      body: { paths: [`transit/keys/${stack.STACK_TRANSIT_KEY}`] },
    });
    assert.equal(r.status, 200);
    const path = `transit/keys/${stack.STACK_TRANSIT_KEY}`;
    assert.deepEqual(r.body[path], ['root']);
    assert.deepEqual((r.body.data as Record<string, unknown>)[path], ['root']);
    assert.equal('mount_type' in r.body, hashicorp());
  });

  test('a namespace: OpenBao answers 404 "namespace not found"; HashiCorp Vault CE ignores the header', async () => {
    const r = await fetch(`${stack.VAULT_ADDR}/v1/auth/token/lookup-self`, {
      headers: { 'X-Vault-Token': stack.STACK_ADMIN_TOKEN, 'X-Vault-Namespace': 'no-such-namespace' },
    });
    const body = (await r.json()) as { errors?: string[] };
    if (hashicorp()) {
      assert.equal(r.status, 200, 'Vault CE has no namespaces: the request runs in the root namespace');
    } else {
      assert.equal(r.status, 404);
      assert.deepEqual(body.errors, ['namespace not found']);
    }
  });

  test('a JWT login to a mount that does not exist: 403 permission denied on both', async () => {
    const r = await fetch(`${stack.VAULT_ADDR}/v1/auth/no-such-mount/login`, {
      method: 'POST',
      body: JSON.stringify({ role: stack.STACK_ROLE, jwt: 'x.y.z' }),
    });
    assert.equal(r.status, 403);
    assert.deepEqual(((await r.json()) as { errors?: string[] }).errors, ['permission denied']);
  });
});

describe('VAULT_* and BAO_* in the CLIs later steps run', () => {
  /** Runs a CLI of STACK_BIN with exactly `env` (plus PATH and a private HOME). */
  function cliWith(name: string, args: readonly string[], env: Record<string, string>): RunResult {
    return run(join(stack.STACK_BIN, name), args, { env: { PATH: '/usr/bin:/bin', HOME: home, ...env } });
  }
  const lookup = ['read', '-field=display_name', 'auth/token/lookup-self'];
  const publicKey = () => ['public-key', '--key', `hashivault://${stack.STACK_TRANSIT_KEY}`];
  const dead = 'http://127.0.0.1:1';

  test('bao prefers BAO_* and falls back to VAULT_*', () => {
    const token = stack.STACK_ADMIN_TOKEN;
    const fallback = cliWith('bao', lookup, { VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: token });
    assert.equal(fallback.status, 0, describeRun('bao with VAULT_*', fallback));
    const shadowed = cliWith('bao', lookup, { BAO_ADDR: dead, VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: token });
    assert.notEqual(shadowed.status, 0, 'bao used VAULT_ADDR although BAO_ADDR was set');
  });

  test('vault reads VAULT_* only', () => {
    const token = stack.STACK_ADMIN_TOKEN;
    const own = cliWith('vault', lookup, { VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: token });
    assert.equal(own.status, 0, describeRun('vault with VAULT_*', own));
    const bao = cliWith('vault', lookup, { BAO_ADDR: stack.VAULT_ADDR, BAO_TOKEN: token });
    assert.notEqual(bao.status, 0, 'vault read BAO_*');
  });

  test('cosign v3 prefers VAULT_* and falls back to BAO_*; cosign v2 needs VAULT_ADDR', () => {
    const token = stack.STACK_ADMIN_TOKEN;
    const v3bao = cliWith('cosign', publicKey(), { BAO_ADDR: stack.VAULT_ADDR, BAO_TOKEN: token });
    assert.equal(v3bao.status, 0, describeRun('cosign v3 with BAO_*', v3bao));
    const v3both = cliWith('cosign', publicKey(), { VAULT_ADDR: stack.VAULT_ADDR, VAULT_TOKEN: token, BAO_ADDR: dead });
    assert.equal(v3both.status, 0, describeRun('cosign v3 with VAULT_* and a dead BAO_ADDR', v3both));
    const v2bao = cliWith('cosign2', publicKey(), { BAO_ADDR: stack.VAULT_ADDR, BAO_TOKEN: token });
    assert.notEqual(v2bao.status, 0, 'cosign v2 read BAO_*');
    assert.match(v2bao.stderr, /VAULT_ADDR is not set/);
  });
});
