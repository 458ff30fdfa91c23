// doctor's transit checks on the answers OpenBao and HashiCorp Vault give (server-answers.ts, and
// sys/internal/ui/mounts as both answer it), with a scripted Vault client.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../../helpers/stack-env.ts';
import type { CheckResult } from '../../../src/core/doctor/check.ts';
import type { DoctorContext, DoctorPlan, DoctorState } from '../../../src/core/doctor/plan.ts';
import { transitSection } from '../../../src/core/doctor/sections/transit.ts';
import { signingGrants } from '../../../src/core/policy/grants.ts';
import type { VaultClient, VaultRequest } from '../../../src/core/vault/client.ts';
import { VaultHttpError } from '../../../src/core/vault/errors.ts';
import type { VaultToken } from '../../../src/core/vault/token.ts';
import { OPENBAO, type RecordedAnswer } from '../diagnose/server-answers.ts';
import { keyReply, newKey } from '../vault/transit-fixtures.ts';

const TARGET = { transitPath: 'transit', key: 'cosign' };
const SIGN = signingGrants(TARGET);
const KEY_PATH = 'transit/keys/cosign';
const SIGN_PATH = 'transit/sign/cosign/sha2-256';
const VERIFY_PATH = 'transit/verify/cosign/sha2-256';

/** Both servers, for a path below which the token holds nothing (or where nothing is mounted). */
const MOUNT_PREFLIGHT_403: RecordedAnswer = {
  status: 403,
  errors: ['preflight capability check returned 403, please ensure client\'s policies grant access to path "transit/"'],
};

type Reply = { status: number; body?: unknown; errors?: readonly string[] };

interface Script {
  mount?: Reply;
  key?: Reply;
  capabilities?: Record<string, string[]>;
}

const P256 = keyReply([newKey(), newKey()]) as Reply;
const TRANSIT_MOUNT: Reply = { status: 200, body: { data: { type: 'transit', path: 'transit/' } } };
const ALL_HELD: Record<string, string[]> = { [KEY_PATH]: ['read'], [SIGN_PATH]: ['update'], [VERIFY_PATH]: ['update'] };

function fakeVault(script: Script): VaultClient {
  const reply = (r: Reply) => {
    if (r.status >= 400) {
      throw new VaultHttpError({ status: r.status, vaultErrors: r.errors ?? [], message: `answered ${r.status}` });
    }
    return r.body;
  };
  const request = (req: VaultRequest): Promise<unknown> => {
    if (req.path.startsWith('/sys/internal/ui/mounts/')) return Promise.resolve(reply(script.mount ?? TRANSIT_MOUNT));
    if (req.path === '/transit/keys/cosign') return Promise.resolve().then(() => reply(script.key ?? P256));
    if (req.path === '/sys/capabilities-self') {
      const held = script.capabilities ?? ALL_HELD;
      const paths = (req.body?.paths ?? []) as string[];
      const data = Object.fromEntries(paths.map((p) => [p, held[p] ?? ['deny']]));
      return Promise.resolve({ ...data, data });
    }
    return Promise.reject(new Error(`unexpected request ${req.path}`));
  };
  return { request } as unknown as VaultClient;
}

const TOKEN: VaultToken = {
  token: 's.doctor-test-token',
  accessor: 'acc',
  policies: ['default', 'sign'],
  ttlSeconds: 60,
  renewable: false,
  expiresAt: new Date(Date.now() + 60_000),
};

async function runTransit(
  script: Script,
  options: { verify?: boolean; keyVersion?: number; policies?: string[]; token?: boolean } = {},
): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const plan = {
    connection: { vaultAddr: 'http://127.0.0.1:8200' },
    login: { method: 'jwt', authPath: 'jwt', role: 'ci' },
    transit: { transitPath: 'transit', transitKey: 'cosign', keyVersion: options.keyVersion },
    verify: options.verify ?? false,
    images: [],
    registry: {},
  } as unknown as DoctorPlan;
  const state: DoctorState =
    options.token === false
      ? {}
      : { vault: fakeVault(script), token: { ...TOKEN, policies: options.policies ?? TOKEN.policies } };
  const ctx: DoctorContext = {
    plan,
    deps: { logger: undefined as never, onSecret: () => {}, proxyEnv: {} },
    state,
    add: (check) => {
      assert.ok(transitSection.checks.includes(check.id), `undeclared ${check.id}`);
      checks.push(check);
    },
  };
  await transitSection.run(ctx);
  return checks;
}

const byId = (checks: readonly CheckResult[], id: string): CheckResult => {
  const found = checks.find((check) => check.id === id);
  assert.ok(found, `no ${id} in ${checks.map((c) => c.id).join(', ')}`);
  return found;
};
const err = (recorded: RecordedAnswer): Reply => ({ status: recorded.status, errors: recorded.errors });

describe('a healthy key', () => {
  test('every check ok, in order; the verify grant only with --verify', async () => {
    const checks = await runTransit({});
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [
        ['transit.mount', 'ok'],
        ['transit.capabilities', 'ok'],
        ['transit.key', 'ok'],
        ['transit.key-type', 'ok'],
        ['transit.key-version', 'ok'],
        ['transit.key-settings', 'ok'],
      ],
    );
    assert.doesNotMatch(byId(checks, 'transit.capabilities').detail, /verify/);
    assert.match(byId(await runTransit({}, { verify: true }), 'transit.capabilities').detail, /transit\/verify/);
    assert.match(byId(checks, 'transit.key-version').detail, /version 2, the latest/);
  });

  test('no token: one skip, nothing asked', async () => {
    const checks = await runTransit({}, { token: false });
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [['transit.key', 'skip']],
    );
  });
});

describe('transit.capabilities', () => {
  test('a missing capability: exactly the lines of the missing grants, and the policy to add them to', async () => {
    const check = byId(await runTransit({ capabilities: { [KEY_PATH]: ['read'] } }), 'transit.capabilities');
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'TRANSIT_PERMISSION_DENIED');
    assert.deepEqual(check.policy, ['path "transit/sign/cosign/sha2-256" { capabilities = ["update"] }']);
    assert.match(check.fix ?? '', /policy 'sign'.*vault policy write sign/);
  });

  test('--verify without the verify grant: the verify line alone', async () => {
    const held = { [KEY_PATH]: ['read'], [SIGN_PATH]: ['update'] };
    const check = byId(await runTransit({ capabilities: held }, { verify: true }), 'transit.capabilities');
    assert.deepEqual(check.policy, [`path "${VERIFY_PATH}" { capabilities = ["update"] }`]);
  });

  test('deny wins over a grant; root satisfies everything', async () => {
    const denied = { [KEY_PATH]: ['read', 'deny'], [SIGN_PATH]: ['update'] };
    assert.equal(byId(await runTransit({ capabilities: denied }), 'transit.capabilities').status, 'fail');
    const root = { [KEY_PATH]: ['root'], [SIGN_PATH]: ['root'] };
    assert.equal(byId(await runTransit({ capabilities: root }), 'transit.capabilities').status, 'ok');
  });

  test("the policy to name: several of the token's own, or none (a new one on the role)", async () => {
    const none = { capabilities: {} };
    const several = byId(await runTransit(none, { policies: ['default', 'a', 'b'] }), 'transit.capabilities');
    assert.match(several.fix ?? '', /one of the token's policies \('a', 'b'\)/);
    const own = byId(await runTransit(none, { policies: ['default'] }), 'transit.capabilities');
    assert.match(own.fix ?? '', /vault write auth\/jwt\/role\/ci token_policies=signing/);
    assert.deepEqual(own.policy?.length, SIGN.length);
  });
});

describe('transit.mount', () => {
  test('another engine at the path fails; a path inside another mount names that mount', async () => {
    const kv = byId(
      await runTransit({ mount: { status: 200, body: { data: { type: 'kv', path: 'transit/' } } } }),
      'transit.mount',
    );
    assert.equal(kv.status, 'fail');
    assert.equal(kv.reason, 'mount-not-transit');
    assert.match(kv.detail, /'transit\/' is a kv secrets engine/);
    const inside = byId(
      await runTransit({ mount: { status: 200, body: { data: { type: 'transit', path: 'secret/' } } } }),
      'transit.mount',
    );
    assert.match(inside.detail, /inside the transit engine at 'secret\/'/);
  });

  test('nothing mounted (the key read has no route): enable transit and create the key; the key checks wait', async () => {
    const checks = await runTransit({ mount: err(MOUNT_PREFLIGHT_403), key: err(OPENBAO.noTransitMount) });
    const mount = byId(checks, 'transit.mount');
    assert.equal(mount.status, 'fail');
    assert.equal(mount.reason, 'mount-missing');
    assert.deepEqual(mount.commands, [
      'vault secrets list',
      'vault secrets enable -path=transit transit',
      'vault write -f transit/keys/cosign type=ecdsa-p256',
    ]);
    assert.deepEqual(
      checks.map((c) => [c.id, c.status]),
      [
        ['transit.mount', 'fail'],
        ['transit.capabilities', 'ok'],
        ['transit.key', 'skip'],
      ],
    );
  });

  test('no right below the mount to tell: skipped, pointing at the capabilities', async () => {
    const checks = await runTransit({
      mount: err(MOUNT_PREFLIGHT_403),
      key: err(OPENBAO.signDenied),
      capabilities: {},
    });
    assert.equal(byId(checks, 'transit.mount').status, 'skip');
    assert.equal(byId(checks, 'transit.key').status, 'skip');
  });
});

describe('the key', () => {
  test('missing: the command that creates it', async () => {
    const key = byId(await runTransit({ key: err(OPENBAO.keyMissingRead) }), 'transit.key');
    assert.equal(key.status, 'fail');
    assert.equal(key.reason, 'key-missing');
    assert.deepEqual(key.commands, ['vault write -f transit/keys/cosign type=ecdsa-p256', 'vault list transit/keys']);
  });

  test('a refused read the capabilities do not explain is a failure of its own', async () => {
    const key = byId(await runTransit({ key: err(OPENBAO.signDenied) }), 'transit.key');
    assert.equal(key.status, 'fail');
  });

  for (const type of ['ed25519', 'rsa-2048', 'ecdsa-p384']) {
    test(`${type}: unsupported, with the key to create and its policy lines`, async () => {
      const reply = { status: 200, body: { data: { type, latest_version: 1, keys: { '1': { public_key: 'x' } } } } };
      const checks = await runTransit({ key: reply }, { verify: true });
      const check = byId(checks, 'transit.key-type');
      assert.equal(check.status, 'fail');
      assert.equal(check.code, 'TRANSIT_KEY_TYPE_UNSUPPORTED');
      assert.deepEqual(check.commands, ['vault write -f transit/keys/cosign-p256 type=ecdsa-p256']);
      assert.deepEqual(check.policy, [
        'path "transit/keys/cosign-p256" { capabilities = ["read"] }',
        'path "transit/sign/cosign-p256/sha2-256" { capabilities = ["update"] }',
        'path "transit/verify/cosign-p256/sha2-256" { capabilities = ["update"] }',
      ]);
      assert.match(check.fix ?? '', /--transit-key cosign-p256/);
      assert.equal(checks.at(-1)?.id, 'transit.key-type');
    });
  }

  test('a version Vault will not sign with: TRANSIT_KEY_VERSION_UNKNOWN with the versions it will', async () => {
    const above = byId(await runTransit({}, { keyVersion: 3 }), 'transit.key-version');
    assert.equal(above.status, 'fail');
    assert.equal(above.code, 'TRANSIT_KEY_VERSION_UNKNOWN');
    assert.match(above.detail, /the latest version is 2/);
    assert.match(above.fix ?? '', /pin one of the versions 1, 2/);
    const reply = keyReply([newKey(), newKey()], { min_encryption_version: 2 }) as Reply;
    const below = byId(await runTransit({ key: reply }, { keyVersion: 1 }), 'transit.key-version');
    assert.equal(below.status, 'fail');
    assert.match(below.detail, /min_encryption_version 2/);
    assert.equal(byId(await runTransit({}, { keyVersion: 1 }), 'transit.key-version').status, 'ok');
  });

  test('exportable and deletable: a warning with what to do', async () => {
    const reply = keyReply([newKey()], {
      exportable: true,
      deletion_allowed: true,
      auto_rotate_period: 86400,
    }) as Reply;
    const check = byId(await runTransit({ key: reply }), 'transit.key-settings');
    assert.equal(check.status, 'warn');
    assert.match(check.detail, /exportable.*deletion is allowed.*rotates every 86400 s/);
    assert.deepEqual(check.commands, [
      'vault write -f transit/keys/cosign-p256 type=ecdsa-p256',
      'vault write transit/keys/cosign/config deletion_allowed=false',
    ]);
  });

  test('an answer that is not a transit key fails as a run would', async () => {
    const key = byId(await runTransit({ key: { status: 200, body: { data: {} } } }), 'transit.key');
    assert.equal(key.status, 'fail');
    assert.equal(key.code, 'TRANSIT_SIGN_FAILED');
  });
});

test('the troubleshooting guide has a section for every check id', () => {
  const guide = readFileSync(join(repoRoot, 'docs', 'troubleshooting.md'), 'utf8');
  for (const id of transitSection.checks) assert.ok(guide.includes(`#### \`${id}\``), `no section for ${id}`);
});
