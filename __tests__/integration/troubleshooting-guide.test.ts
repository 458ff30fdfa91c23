// docs/troubleshooting.md on the real stack: its two recurring commands (the JWT-SVID's claims,
// the login as the job does it) run as written, with the stack's socket, and print what the guide
// says without a secret; the servers' words the guide quotes for a refused login and a role write
// are what the chosen server (OpenBao or HashiCorp Vault) answers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeRun, loadStackEnv, repoRoot, run, type RunResult } from '../helpers/stack-env.ts';

const stack = loadStackEnv();
const guide = readFileSync(join(repoRoot, 'docs', 'troubleshooting.md'), 'utf8');
const GUIDE_SOCKET = '/run/spire-agent/public/api.sock';
const cli = stack.STACK_VAULT_CLI;

/** The fenced `sh` blocks of the guide's introduction (before its first code section). */
const introBlocks = [...guide.slice(0, guide.indexOf('\n## Error codes')).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(
  (match) => match[1]!,
);

/** A shell command of the guide as a job would run it here: the stack's socket, server and CLI. */
function shell(command: string, token?: string): RunResult {
  const script = command.replaceAll(GUIDE_SOCKET, stack.STACK_AGENT_SOCKET).replace(/^vault /gm, `${cli} `);
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${stack.STACK_BIN}:${process.env.PATH ?? ''}`,
    VAULT_ADDR: stack.VAULT_ADDR,
    BAO_ADDR: stack.VAULT_ADDR,
    VAULT_TOKEN: token,
    BAO_TOKEN: token,
  };
  return run('bash', ['-c', `set -o pipefail\n${script}`], { env });
}

const admin = (command: string) => shell(command, stack.STACK_ADMIN_TOKEN);
const secretShaped = /eyJ[\w-]+\.[\w-]+|\b(?:s|hvs|b|hvb)\.[A-Za-z0-9_-]{16,}/;

/** Asserts the server answered with `words`, and that the guide quotes them. */
function assertRefusal(r: RunResult, words: string): void {
  assert.notEqual(r.status, 0, describeRun('the refused command', r));
  assert.ok(r.stderr.includes(words), `${stack.STACK_VAULT_NAME} did not say "${words}": ${describeRun('it', r)}`);
  assert.ok(guide.includes(words), `the guide does not quote "${words}"`);
}

describe(`docs/troubleshooting.md on ${stack.STACK_VAULT_NAME}`, () => {
  const role = `guide-${randomBytes(4).toString('hex')}`;
  const otherSubject = `spiffe://${stack.STACK_TRUST_DOMAIN}/someone-else`;
  before(() => {
    const created = admin(
      `vault write auth/jwt/role/${role} role_type=jwt user_claim=sub bound_audiences=vault ` +
        `bound_subject=${otherSubject} token_policies=default`,
    );
    assert.equal(created.status, 0, describeRun('creating a role for another subject', created));
  });
  after(() => admin(`vault delete auth/jwt/role/${role}`));

  test('the introduction has the claims command and the login command', () => {
    assert.equal(introBlocks.length, 2, 'two sh blocks in the introduction');
    assert.match(introBlocks[0]!, /spire-agent api fetch jwt .*-audience vault/);
    assert.match(introBlocks[1]!, /auth\/jwt\/login role=ci/);
  });

  test('the claims command prints the subject and the audience, not the token', () => {
    const r = shell(introBlocks[0]!);
    assert.equal(r.status, 0, describeRun('the claims command', r));
    const claims = JSON.parse(r.stdout) as { sub: string; aud: string[]; exp: number };
    assert.equal(claims.sub, stack.STACK_SPIFFE_ID);
    assert.deepEqual(claims.aud, [stack.STACK_AUDIENCE]);
    assert.ok(claims.exp * 1000 > Date.now());
    assert.doesNotMatch(r.stdout + r.stderr, secretShaped);
  });

  test("the login command logs in and prints the token's policies only", () => {
    const r = shell(introBlocks[1]!.replace('role=ci', `role=${stack.STACK_ROLE}`));
    assert.equal(r.status, 0, describeRun('the login command', r));
    assert.match(r.stdout, /\bdefault\b/);
    assert.doesNotMatch(r.stdout + r.stderr, secretShaped);
  });

  test('a refused login says the words the guide quotes for its reason', () => {
    const login = introBlocks[1]!;
    assertRefusal(shell(login.replace('role=ci', 'role=no-such-role')), 'could not be found');
    const otherAudience = login
      .replace('-audience vault', '-audience not-vault')
      .replace('role=ci', `role=${stack.STACK_ROLE}`);
    assertRefusal(
      shell(otherAudience),
      'invalid audience (aud) claim: audience claim does not match any expected audience',
    );
    assertRefusal(shell(login.replace('role=ci', `role=${role}`)), 'invalid subject (sub) claim');
  });

  test('a role write without role_type is refused as the guide says, and with it keeps the rest', () => {
    assertRefusal(
      admin(`vault write auth/jwt/role/${role} bound_audiences=other`),
      "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified",
    );
    const r = admin(`vault write auth/jwt/role/${role} role_type=jwt bound_audiences=other`);
    assert.equal(r.status, 0, describeRun('the write with role_type', r));
    const read = admin(`vault read -format=json auth/jwt/role/${role}`);
    const data = (JSON.parse(read.stdout) as { data: { bound_audiences: string[]; bound_subject: string } }).data;
    assert.deepEqual(data.bound_audiences, ['other']);
    assert.equal(data.bound_subject, otherSubject);
  });
});
