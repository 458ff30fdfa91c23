// The least-privilege policy: its grants, the commented HCL made from them, and the CLI that prints it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../../../src/cli/cli.ts';
import { createStderrLogger } from '../../../src/cli/logger.ts';
import { policyGrants, policyLines, satisfies } from '../../../src/core/policy/grants.ts';
import { grantingLines, policyDocument } from '../../../src/core/policy/policy-document.ts';

const TARGET = { transitPath: 'transit', key: 'cosign' };

async function cli(argv: readonly string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const logger = createStderrLogger({}, (text) => {
    err += text;
    return true;
  });
  const status = await runCli(argv, { env, cwd: process.cwd(), logger, out: (text) => void (out += text) });
  return { status, out, err };
}

describe('the grants', () => {
  test('signing: read the key, sign SHA-256 digests with it; nothing else', () => {
    assert.deepEqual(policyLines(policyGrants({ ...TARGET, verify: false })), [
      'path "transit/keys/cosign" { capabilities = ["read"] }',
      'path "transit/sign/cosign/sha2-256" { capabilities = ["update"] }',
    ]);
  });

  test("--verify adds transit verify with SHA-256, the path cosign's hashivault:// verifier writes", () => {
    const lines = policyLines(policyGrants({ transitPath: 'ci/transit', key: 'release', verify: true }));
    assert.deepEqual(lines, [
      'path "ci/transit/keys/release" { capabilities = ["read"] }',
      'path "ci/transit/sign/release/sha2-256" { capabilities = ["update"] }',
      'path "ci/transit/verify/release/sha2-256" { capabilities = ["update"] }',
    ]);
  });

  test('satisfies: every capability held, root holds all, deny holds none', () => {
    const [read] = policyGrants({ ...TARGET, verify: false });
    assert.ok(read);
    assert.equal(satisfies(['read', 'list'], read), true);
    assert.equal(satisfies(['list'], read), false);
    assert.equal(satisfies(['root'], read), true);
    assert.equal(satisfies(['read', 'deny'], read), false);
  });
});

describe('the policy document', () => {
  test('one comment (why) above each grant; the granting lines are exactly the grants', () => {
    const document = policyDocument({ ...TARGET, verify: true });
    assert.deepEqual(grantingLines(document), policyLines(policyGrants({ ...TARGET, verify: true })));
    const lines = document.split('\n');
    for (const grant of grantingLines(document)) {
      const above = lines[lines.indexOf(grant) - 1] ?? '';
      assert.match(above, /^# [A-Z].+\.$/, `no comment above ${grant}`);
    }
    assert.ok(document.endsWith('}\n'));
    assert.match(document, /verify-blob --key hashivault:\/\/cosign/);
  });

  test('the header names the key and says the tokens keep the default policy; --name adds the write line', () => {
    const document = policyDocument({ ...TARGET, verify: false, name: 'ci-sign', cli: 'bao' });
    assert.match(document, /^# Least privilege for signing with the Vault transit key "cosign" \(mount "transit"\)/);
    assert.match(document, /`default` policy/);
    assert.match(document, /# Write it with: bao policy write ci-sign ci-sign\.hcl\n/);
    assert.doesNotMatch(policyDocument({ ...TARGET, verify: false }), /Write it with/);
    assert.doesNotMatch(document, /verify/);
  });
});

describe('spiffe-vault policy', () => {
  test('prints the default policy for transit/cosign', async () => {
    const r = await cli(['policy']);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, policyDocument({ ...TARGET, verify: false }));
  });

  test('takes the mount, the key, --verify and --name; --images and --blobs add nothing', async () => {
    const r = await cli([
      'policy',
      '--transit-path',
      'sign/transit',
      '--transit-key=release',
      '--verify',
      '--name',
      'rel',
    ]);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, policyDocument({ transitPath: 'sign/transit', key: 'release', verify: true, name: 'rel' }));
    const plain = await cli(['policy']);
    for (const flag of ['--images', '--blobs']) assert.equal((await cli(['policy', flag])).out, plain.out);
  });

  test("the mount follows TRANSIT_SECRET_ENGINE_PATH, as cosign's hashivault:// does", async () => {
    const r = await cli(['policy'], { TRANSIT_SECRET_ENGINE_PATH: 'signing' });
    assert.match(r.out, /path "signing\/keys\/cosign"/);
  });

  test('bad usage exits 2: a key name with a slash, an argument, a bad --name', async () => {
    for (const argv of [['--transit-key', 'a/b'], ['extra'], ['--name', 'two words']]) {
      const r = await cli(['policy', ...argv]);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.out}`);
      assert.match(r.err, /\[INVALID_INPUT\]/);
      assert.equal(r.out, '');
    }
  });
});
