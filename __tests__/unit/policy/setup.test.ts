// spiffe-vault setup --print: the plan, its shell and Terraform renderings, and the command's usage.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../../src/cli/cli.ts';
import { createStderrLogger } from '../../../src/cli/logger.ts';
import { jwtKeyPems, SPIRE_JWT_ALGORITHMS } from '../../../src/core/policy/jwt-keys.ts';
import { policyDocument } from '../../../src/core/policy/policy-document.ts';
import { setupPlan, type SetupOptions } from '../../../src/core/policy/setup-plan.ts';
import { setupShellScript, shellQuote } from '../../../src/core/policy/setup-shell.ts';
import { hclString, setupTerraform } from '../../../src/core/policy/setup-terraform.ts';

const SPIFFE_ID = 'spiffe://example.org/ci/runner';
const JWKS_URL = 'https://spire-oidc.example.org/keys';

function options(extra: Partial<SetupOptions> = {}): SetupOptions {
  return {
    role: 'ci',
    spiffeId: SPIFFE_ID,
    audiences: ['vault'],
    authPath: 'jwt',
    transitPath: 'transit',
    transitKey: 'cosign',
    jwtKeys: { kind: 'jwks-url', url: JWKS_URL },
    verify: false,
    tokenTtlSeconds: 60,
    ...extra,
  };
}

/** A SPIFFE bundle as `spire-server bundle show -format spiffe` prints it: an X.509 authority and a JWT key. */
function spiffeBundle() {
  const jwt = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const x509 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return {
    pem: jwt.export({ type: 'spki', format: 'pem' }).toString(),
    bundle: {
      keys: [
        { use: 'x509-svid', ...x509, x5c: ['MIIB'] },
        { use: 'jwt-svid', kid: 'k1', ...jwt.export({ format: 'jwk' }) },
      ],
      spiffe_sequence: 1,
    },
  };
}

async function cli(argv: readonly string[]) {
  let out = '';
  let err = '';
  const logger = createStderrLogger({}, (text) => {
    err += text;
    return true;
  });
  const status = await runCli(argv, { env: {}, cwd: process.cwd(), logger, out: (text) => void (out += text) });
  return { status, out, err };
}

describe('the set-up plan', () => {
  test('a jwt role bound to the SPIFFE ID and audience, short-lived service tokens, the policy by name', () => {
    const plan = setupPlan(options({ audiences: ['vault', 'vault-eu'], tokenTtlSeconds: 120 }));
    assert.deepEqual(plan.role.fields, {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: ['vault', 'vault-eu'],
      bound_subject: SPIFFE_ID,
      token_policies: ['ci-sign'],
      token_ttl: 120,
      token_max_ttl: 120,
      token_type: 'service',
    });
    assert.equal(plan.policy.document, policyDocument({ transitPath: 'transit', key: 'cosign', verify: false }));
    assert.equal(plan.transit.keyType, 'ecdsa-p256');
    assert.deepEqual(plan.auth.config, { jwks_url: JWKS_URL, jwt_supported_algs: SPIRE_JWT_ALGORITHMS });
    assert.equal(setupPlan(options({ policyName: 'signers' })).policy.name, 'signers');
  });

  test("a SPIFFE bundle's JWT keys become PEMs; its X.509 authorities are left out", () => {
    const { pem, bundle } = spiffeBundle();
    assert.deepEqual(jwtKeyPems(bundle, 'bundle.jwks'), [pem]);
    assert.throws(
      () => jwtKeyPems({ keys: [bundle.keys[0] as never] }, 'x509.jwks'),
      /x509\.jwks has no JWT-SVID keys/,
    );
  });
});

describe('the shell rendering', () => {
  test('every command, in order, with the CLI asked for', () => {
    const script = setupShellScript(setupPlan(options({ verify: true })), 'bao');
    const commands = script.split('\n').filter((line) => /^(vault|bao) /.test(line));
    assert.deepEqual(
      commands.map((line) => line.split(' ').slice(0, 3).join(' ')),
      [
        'bao auth enable',
        'bao write auth/jwt/config',
        'bao secrets enable',
        'bao write -f',
        'bao policy write',
        'bao write auth/jwt/role/ci',
      ],
    );
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.match(script, /\nset -eu\n/);
    assert.match(script, /BAO_ADDR and BAO_TOKEN/);
    assert.match(
      script,
      /jwks_url=https:\/\/spire-oidc\.example\.org\/keys \\\n {2}jwt_supported_algs=ES256,ES384,RS256\n/,
    );
    assert.match(script, /bao write -f transit\/keys\/cosign type=ecdsa-p256\n/);
    assert.ok(
      script.includes(
        `bao policy write ci-sign - <<'POLICY'\n${setupPlan(options({ verify: true })).policy.document}POLICY\n`,
      ),
    );
    assert.match(
      script,
      /bao write auth\/jwt\/role\/ci role_type=jwt user_claim=sub \\\n {2}bound_audiences=vault bound_subject=spiffe:\/\/example\.org\/ci\/runner \\\n {2}token_policies=ci-sign token_ttl=60s token_max_ttl=60s token_type=service\n/,
    );
  });

  test('PEM keys go in as the JSON config through a here-document', () => {
    const { pem, bundle } = spiffeBundle();
    const plan = setupPlan(options({ jwtKeys: { kind: 'pems', pems: jwtKeyPems(bundle, 'b'), from: 'bundle.jwks' } }));
    const script = setupShellScript(plan);
    const json = /vault write auth\/jwt\/config - <<'CONFIG'\n([\s\S]*?)\nCONFIG\n/.exec(script)?.[1] ?? '';
    assert.deepEqual(JSON.parse(json), {
      jwt_validation_pubkeys: [pem],
      jwt_supported_algs: ['ES256', 'ES384', 'RS256'],
    });
    assert.match(script, /from bundle\.jwks/);
  });

  test('words with characters sh would read are single-quoted', () => {
    assert.equal(shellQuote('spiffe://example.org/ci/runner'), 'spiffe://example.org/ci/runner');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's $HOME"), "'it'\\''s $HOME'");
    const script = setupShellScript(setupPlan(options({ spiffeId: 'spiffe://example.org/ci/$(id)' })));
    assert.match(script, /'bound_subject=spiffe:\/\/example\.org\/ci\/\$\(id\)'/);
  });
});

describe('the Terraform rendering', () => {
  const blocks = (text: string) =>
    [...text.matchAll(/^resource "(\w+)" "(\w+)" \{\n([\s\S]*?)\n\}\n/gm)].map(([, type, name, body]) => ({
      type,
      name,
      attributes: Object.fromEntries(
        (body ?? '')
          .split('\n')
          .map((line) => /^ {2}(\w+)\s+= (.*)$/.exec(line))
          .filter((m) => m !== null)
          .map((m) => [m[1], m[2]]),
      ),
    }));

  test('the five resources, with the attribute names of the hashicorp/vault provider', () => {
    const text = setupTerraform(setupPlan(options()));
    const found = blocks(text);
    assert.deepEqual(
      found.map((b) => `${b.type}.${b.name}`),
      [
        'vault_jwt_auth_backend.spire',
        'vault_mount.transit',
        'vault_transit_secret_backend_key.signing',
        'vault_policy.signing',
        'vault_jwt_auth_backend_role.signing',
      ],
    );
    const [auth, mount, key, policy, role] = found;
    assert.deepEqual(auth?.attributes, {
      path: '"jwt"',
      type: '"jwt"',
      description: `"SPIFFE JWT-SVIDs, checked with SPIRE's JWT keys"`,
      jwks_url: `"${JWKS_URL}"`,
      jwt_supported_algs: '["ES256", "ES384", "RS256"]',
    });
    assert.deepEqual(Object.keys(mount?.attributes ?? {}), ['path', 'type', 'description']);
    assert.equal(mount?.attributes.type, '"transit"');
    assert.deepEqual(key?.attributes, { backend: 'vault_mount.transit.path', name: '"cosign"', type: '"ecdsa-p256"' });
    assert.equal(policy?.attributes.name, '"ci-sign"');
    assert.equal(policy?.attributes.policy, '<<-EOT');
    assert.deepEqual(role?.attributes, {
      backend: 'vault_jwt_auth_backend.spire.path',
      role_name: '"ci"',
      role_type: '"jwt"',
      user_claim: '"sub"',
      bound_audiences: '["vault"]',
      bound_subject: `"${SPIFFE_ID}"`,
      token_policies: '[vault_policy.signing.name]',
      token_ttl: '60',
      token_max_ttl: '60',
      token_type: '"service"',
    });
  });

  test('the policy heredoc holds the policy document, indented, and is closed', () => {
    const plan = setupPlan(options({ verify: true }));
    const heredoc = /policy = <<-EOT\n([\s\S]*?)\n {2}EOT\n/.exec(setupTerraform(plan))?.[1] ?? '';
    const dedented = heredoc
      .split('\n')
      .map((line) => line.replace(/^ {4}/, ''))
      .join('\n');
    assert.equal(`${dedented}\n`, plan.policy.document);
  });

  test('PEM keys are HCL strings; braces balance; template sequences are escaped', () => {
    const { pem, bundle } = spiffeBundle();
    const text = setupTerraform(
      setupPlan(options({ jwtKeys: { kind: 'pems', pems: jwtKeyPems(bundle, 'b'), from: 'b' } })),
    );
    assert.ok(text.includes(`jwt_validation_pubkeys = [${hclString(pem)}]`));
    assert.doesNotMatch(text, /jwks_url/);
    assert.equal(text.split('{').length, text.split('}').length);
    assert.equal(hclString('a${b}%{c}"'), '"a$${b}%%{c}\\""');
  });
});

describe('spiffe-vault setup', () => {
  test('without --print it refuses: it never changes a server (exit 2, nothing on stdout)', async () => {
    const r = await cli(['setup', '--role', 'ci', '--spiffe-id', SPIFFE_ID, '--jwks-url', JWKS_URL]);
    assert.equal(r.status, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /\[INVALID_INPUT\].*never changes a server: add --print/);
  });

  test('--print with --jwks-url prints the shell set-up; --format terraform the Terraform', async () => {
    const base = ['setup', '--print', '--role', 'ci', '--spiffe-id', SPIFFE_ID, '--jwks-url', JWKS_URL];
    const shell = await cli(base);
    assert.equal(shell.status, 0, shell.err);
    assert.equal(shell.out, setupShellScript(setupPlan(options())));
    const tf = await cli([...base, '--format', 'terraform', '--verify', '--token-ttl', '2m', '--policy-name', 'sig']);
    assert.equal(tf.status, 0, tf.err);
    assert.equal(tf.out, setupTerraform(setupPlan(options({ verify: true, tokenTtlSeconds: 120, policyName: 'sig' }))));
  });

  test('--trust-domain-bundle FILE: its JWT keys as PEM', async () => {
    const { pem, bundle } = spiffeBundle();
    const file = join(mkdtempSync(join(tmpdir(), 'setup-')), 'bundle.jwks');
    writeFileSync(file, JSON.stringify(bundle));
    const r = await cli(['setup', '--print', '--role', 'ci', '--spiffe-id', SPIFFE_ID, '--trust-domain-bundle', file]);
    assert.equal(r.status, 0, r.err);
    assert.ok(r.out.includes(JSON.stringify(pem)));
  });

  test('bad usage exits 2', async () => {
    const ok = ['--print', '--role', 'ci', '--spiffe-id', SPIFFE_ID, '--jwks-url', JWKS_URL];
    for (const argv of [
      ['--print', '--role', 'ci', '--jwks-url', JWKS_URL], // no SPIFFE ID
      ['--print', '--spiffe-id', SPIFFE_ID, '--jwks-url', JWKS_URL], // no role
      [...ok, '--format', 'yaml'],
      [...ok, '--cli', 'consul'],
      [...ok, '--trust-domain-bundle', '/nonexistent'],
      [...ok, '--token-ttl', 'soon'],
      [...ok, '--spiffe-id', 'not-a-spiffe-id'],
      ['--print', '--role', 'ci', '--spiffe-id', SPIFFE_ID, '--jwks-url', 'ftp://x'],
    ]) {
      const r = await cli(['setup', ...argv]);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.err}`);
      assert.equal(r.out, '');
    }
  });
});
