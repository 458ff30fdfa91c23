// The action's main and post bundles on the real stack, run as the Actions runner runs them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs, cosignSignBlobArgs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus, transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function inputsFor(extra: Record<string, string> = {}): Record<string, string> {
  return actionInputs(stack, { timeout: '20s', ...extra });
}

/** The JWT-SVID the step masked: the add-mask value shaped like a JWT. */
function maskedJwt(result: StepResult): string {
  const jwt = result.masks.find((m) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(m));
  assert.ok(jwt, 'the JWT-SVID was masked');
  return jwt;
}

/** A secret may appear on stdout only inside its own ::add-mask:: line, and only after it. */
function assertMaskedBeforeUse(result: StepResult, secret: string, what: string): void {
  const lines = result.stdout.split('\n');
  const maskLine = lines.indexOf(`::add-mask::${secret}`);
  assert.ok(maskLine >= 0, `${what} was masked`);
  lines.forEach((line, index) => {
    if (index !== maskLine) assert.ok(!line.includes(secret), `${what} appears unmasked on stdout line ${index}`);
  });
  assert.ok(!result.stderr.includes(secret), `${what} appears on stderr`);
  assert.ok(!result.summary.includes(secret), `${what} appears in the job summary`);
  for (const [name, value] of Object.entries(result.outputs)) {
    assert.ok(!value.includes(secret), `${what} appears in output ${name}`);
  }
}

describe('login with the SPIFFE identity', () => {
  const runner = new ActionsRunner();
  let main: StepResult;
  let token: string;

  before(async () => {
    main = await runner.runStep(MAIN, inputsFor());
    token = main.env.VAULT_TOKEN ?? '';
  });

  test('succeeds and exports VAULT_TOKEN and VAULT_ADDR', () => {
    assert.equal(main.status, 0, main.stdout);
    assert.match(token, /^[sh]\.|^[\w.-]{20,}$/);
    assert.equal(main.env.VAULT_ADDR, stack.VAULT_ADDR);
    assert.equal(main.env.VAULT_NAMESPACE, undefined);
  });

  test('masks the token and the JWT-SVID before they appear anywhere', () => {
    assertMaskedBeforeUse(main, token, 'the Vault token');
    const jwt = maskedJwt(main);
    assertMaskedBeforeUse(main, jwt, 'the JWT-SVID');
    assert.ok(!JSON.stringify(main.env).includes(jwt), 'the JWT-SVID is not exported');
    assert.ok(main.masks.indexOf(jwt) < main.masks.indexOf(token), 'the JWT is masked first, when it is fetched');
  });

  test('sets outputs without the token, and a summary', () => {
    assert.equal(main.outputs['spiffe-id'], stack.STACK_SPIFFE_ID);
    assert.ok(Number(main.outputs['token-ttl']) > 0 && Number(main.outputs['token-ttl']) <= 60);
    assert.ok(!Number.isNaN(Date.parse(main.outputs['token-expires-at'] ?? '')));
    assert.match(main.outputs['token-policies'] ?? '', /ci-sign/);
    assert.equal(main.outputs.token, undefined);
    assert.match(main.summary, /spiffe:\/\/spiffe-vault\.test\/ci\/runner/);
  });

  test('the token lives at most 60 seconds', async () => {
    const lookup = await lookupSelfStatus(stack, token);
    assert.equal(lookup.status, 200);
    assert.ok(lookup.ttl !== undefined && lookup.ttl > 0 && lookup.ttl <= 60, `ttl ${lookup.ttl}`);
  });

  test('a following cosign sign-blob --key hashivault:// step works with only the exported environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosign-'));
    const blob = join(dir, 'artifact.txt');
    writeFileSync(blob, `built at ${new Date().toISOString()}\n`);
    writeFileSync(join(dir, 'pub.pem'), await transitPublicKeyPem(stack));
    const env = { PATH: process.env.PATH ?? '', HOME: dir, VAULT_ADDR: main.env.VAULT_ADDR, VAULT_TOKEN: token };
    const sign = run(`${stack.STACK_BIN}/cosign`, cosignSignBlobArgs(stack, blob, join(dir, 'artifact.sig')), { env });
    assert.equal(sign.status, 0, sign.stderr);
    const verify = run(
      `${stack.STACK_BIN}/cosign`,
      [
        'verify-blob',
        '--key',
        join(dir, 'pub.pem'),
        '--signature',
        join(dir, 'artifact.sig'),
        '--insecure-ignore-tlog=true',
        blob,
      ],
      { env: { PATH: env.PATH, HOME: dir } },
    );
    assert.equal(verify.status, 0, verify.stderr);
  });

  test('the post step revokes the token', async () => {
    const post = await runner.runStep(POST, inputsFor());
    assert.equal(post.status, 0, post.stdout);
    assert.match(post.stdout, /Revoked the Vault token/);
    assert.ok(!post.stdout.replace(`::add-mask::${token}`, '').includes(token));
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
  });

  test('running the post step again is harmless', async () => {
    const again = await runner.runStep(POST, inputsFor());
    assert.equal(again.status, 0);
    assert.match(again.stdout, /already expired or been revoked/);
    assert.doesNotMatch(again.stdout, /::warning::|::error::/);
  });
});

describe('options', () => {
  test('output-token sets the token output; export-token false keeps it out of GITHUB_ENV', async () => {
    const runner = new ActionsRunner();
    const main = await runner.runStep(MAIN, inputsFor({ 'output-token': 'true', 'export-token': 'false' }));
    assert.equal(main.status, 0, main.stdout);
    assert.equal(main.env.VAULT_TOKEN, undefined);
    const token = main.outputs.token ?? '';
    assert.ok(main.masks.includes(token) && token.length > 0);
    await runner.runStep(POST, inputsFor());
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
  });

  test('max-token-ttl below the role TTL fails and revokes the token', async () => {
    const runner = new ActionsRunner();
    const main = await runner.runStep(MAIN, inputsFor({ 'max-token-ttl': '30s' }));
    assert.equal(main.status, 1);
    assert.match(main.stdout, /::error::.*\[VAULT_TOKEN_TTL_EXCEEDED\]/);
    assert.equal(main.env.VAULT_TOKEN, undefined);
    // The run's token first; then the one the set-up checks after the failure mint (and revoke).
    const minted = main.masks.filter((m) => !m.startsWith('eyJ'));
    assert.ok(minted.length >= 1, 'a token was minted');
    for (const token of minted) assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'and revoked at once');
  });

  test('revoke: false leaves the token alive', async () => {
    const runner = new ActionsRunner();
    const main = await runner.runStep(MAIN, inputsFor({ revoke: 'false' }));
    assert.equal(main.status, 0, main.stdout);
    const post = await runner.runStep(POST, inputsFor({ revoke: 'false' }));
    assert.match(post.stdout, /revoke is false/);
    assert.equal((await lookupSelfStatus(stack, main.env.VAULT_TOKEN ?? '')).status, 200);
  });
});

describe('run: a command with the token in its environment only', () => {
  function script(exitCode: number): { path: string; tokenFile: string } {
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    const tokenFile = join(dir, 'seen-token');
    const path = join(dir, 'step.sh');
    writeFileSync(
      path,
      `printf '%s' "$VAULT_TOKEN" > ${tokenFile}\ntest -n "$VAULT_ADDR" || exit 9\nexit ${exitCode}\n`,
    );
    return { path, tokenFile };
  }

  test('the command gets the token; later steps do not; it is revoked when the command ends', async () => {
    const { path, tokenFile } = script(0);
    const main = await new ActionsRunner().runStep(MAIN, inputsFor({ run: `sh ${path}` }));
    assert.equal(main.status, 0, main.stdout);
    const seen = readFileSync(tokenFile, 'utf8');
    assert.ok(main.masks.includes(seen) && seen.length > 0, 'the command saw the masked token');
    assert.equal(main.env.VAULT_TOKEN, undefined, 'not exported to later steps');
    assert.equal(main.env.VAULT_ADDR, stack.VAULT_ADDR);
    assert.equal((await lookupSelfStatus(stack, seen)).status, 403, 'revoked after the command');
  });

  test('a failing command fails the step, and the token is still revoked', async () => {
    const { path, tokenFile } = script(3);
    const main = await new ActionsRunner().runStep(MAIN, inputsFor({ run: `sh ${path}` }));
    assert.equal(main.status, 1);
    assert.match(main.stdout, /::error::.*\[RUN_COMMAND_FAILED\].*exited with code 3/);
    assert.equal((await lookupSelfStatus(stack, readFileSync(tokenFile, 'utf8'))).status, 403);
  });
});

after(() => undefined);
