// The action's doctor on the real stack, run as the Actions runner runs dist/main.js: `doctor:
// true` checks the set-up instead of logging in, and a failed run writes "What to change" into
// the job summary. The step's failure stays the original error; no secret is written anywhere.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { freePort } from '../helpers/throwaway.ts';
import { liveAccessors, lookupSelfStatus } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;
const VAULT_TOKEN = /\b(?:hvs|hvb|s|b)\.[A-Za-z0-9_-]{20,}/;

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

function runMain(extra: Record<string, string>, runner = new ActionsRunner()): Promise<StepResult> {
  return runner.runStep(MAIN, actionInputs(stack, { timeout: '20s', ...extra }));
}

/** Every line of the step's output and files but the runner's own ::add-mask:: commands. */
function written(result: StepResult, { withSavedState = true } = {}): string {
  const parts = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)];
  if (withSavedState) parts.push(JSON.stringify(result.env), JSON.stringify(result.state));
  return parts
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** No JWT, no Vault token, no masked value anywhere the step wrote (the state too, unless a login saved one). */
function assertNoSecrets(result: StepResult, options?: { withSavedState: boolean }): void {
  const text = written(result, options);
  assert.doesNotMatch(text, JWT, 'a JWT was written');
  assert.doesNotMatch(text, VAULT_TOKEN, 'a Vault token was written');
  for (const secret of result.masks) assert.ok(!text.includes(secret), 'a masked value was written');
}

/** The one ::error:: line of a failed step. */
function failure(result: StepResult): string {
  assert.equal(result.status, 1, result.stdout);
  const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
  assert.equal(errors.length, 1, result.stdout);
  return errors[0] as string;
}

/** The summary's row for a check: `| ❌ fail | \`login.role\` | … |`. */
function row(summary: string, id: string): string {
  const line = summary.split('\n').find((l) => l.includes(`| \`${id}\` |`));
  assert.ok(line, `no row for ${id} in the summary:\n${summary}`);
  return line;
}

/** The failing rows of a link of the chain (`transit`: transit.key, transit.sign…). */
function failedRows(summary: string, area: string): string {
  const rows = summary.split('\n').filter((l) => l.startsWith('| ❌ fail | `' + area + '.'));
  assert.ok(rows.length > 0, `no failing ${area} check in the summary:\n${summary}`);
  return rows.join('\n');
}

/** Tokens the doctor minted (token-shaped masks) are revoked: the server no longer knows them. */
async function assertRevoked(result: StepResult, except: readonly string[] = []): Promise<void> {
  const tokens = result.masks.filter((m) => VAULT_TOKEN.test(m) && !except.includes(m));
  assert.ok(tokens.length > 0, 'the checks logged in');
  for (const token of tokens)
    assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'a token outlived the checks');
}

describe('doctor: true', () => {
  test('the healthy stack: every check passes, nothing is exported, no token is left behind', async () => {
    const runner = new ActionsRunner();
    const live = await liveAccessors(stack);
    const main = await runMain({ doctor: 'true', 'transit-key': stack.STACK_TRANSIT_KEY }, runner);
    assert.equal(main.status, 0, main.stdout);
    assert.match(main.summary, /spiffe-vault doctor/);
    for (const area of ['workload-api', 'vault', 'login', 'token', 'transit']) {
      assert.match(main.summary, new RegExp(`^\\| ✅ ok \\| \`${area}\\.`, 'm'), `no passing ${area} check`);
    }
    assert.match(main.summary, /doctor: \d+ ok, \d+ warn, 0 fail/);
    assert.doesNotMatch(main.summary, /❌/);
    assert.match(main.stdout, /^ok +login\.jwt/m, 'the table is in the log');
    assert.deepEqual(main.env, {});
    assert.deepEqual(main.outputs, {});
    assert.deepEqual(main.state, {});
    assertNoSecrets(main);
    await assertRevoked(main);
    assert.deepEqual(
      [...(await liveAccessors(stack))].filter((a) => !live.has(a)),
      [],
      'a token outlived the step',
    );

    const post = await runner.runStep(POST, {});
    assert.equal(post.status, 0, post.stdout);
    assert.match(post.stdout, /No Vault token to revoke\./);
  });

  test('login only: no transit check unless signing or a transit-key input asks for one', async () => {
    const main = await runMain({ doctor: 'true' });
    assert.equal(main.status, 0, main.stdout);
    assert.doesNotMatch(main.summary, /transit\./);
  });

  test('an audience the role does not bind: the step fails with the failing check and its fix', async () => {
    const main = await runMain({ doctor: 'true', audience: 'not-vault' });
    const line = failure(main);
    assert.match(line, /doctor: \d+ check\(s\) failed \(login\.audience\b/);
    assert.match(line, /job summary/);
    const login = row(main.summary, 'login.audience');
    assert.match(login, /^\| ❌ fail \|/);
    assert.match(login, /VAULT_LOGIN_DENIED/);
    assert.match(login, /fix: .*not-vault.*bound_audiences/);
    assert.match(login, /write auth\/jwt\/role\/ci role_type=jwt bound_audiences=not-vault/);
    assert.deepEqual(main.env, {});
    assertNoSecrets(main);
  });
});

describe('a failed run says what to change', () => {
  test('an unknown role: the original error fails the step, the summary names the check and the fix', async () => {
    const main = await runMain({ role: 'no-such-role' });
    const line = failure(main);
    assert.match(line, /\[VAULT_LOGIN_DENIED\].*no-such-role/);
    assert.match(main.summary, /<h3>What to change<\/h3>/);
    assert.match(main.summary, /The step failed with `VAULT_LOGIN_DENIED`/);
    const login = row(main.summary, 'login.role');
    assert.match(login, /^\| ❌ fail \|/);
    assert.match(login, /no-such-role/);
    assert.match(login, /fix: /);
    assert.match(main.stdout, /^FAIL +login\.role/m, 'the table is in the log');
    assert.equal(main.env.VAULT_TOKEN, undefined);
    assertNoSecrets(main);
  });

  test('a wrong audience: the fix names the audience', async () => {
    const main = await runMain({ audience: 'not-vault' });
    assert.match(failure(main), /\[VAULT_LOGIN_DENIED\]/);
    const login = row(main.summary, 'login.audience');
    assert.match(login, /fix: .*not-vault.*bound_audiences/);
    assertNoSecrets(main);
  });

  test('Vault unreachable: the checks give up within the timeout too', async () => {
    const address = `http://127.0.0.1:${await freePort()}`;
    const main = await runMain({ 'vault-addr': address, timeout: '3s' });
    assert.match(failure(main), /\[VAULT_UNREACHABLE\]/);
    assert.match(failedRows(main.summary, 'vault'), /ECONNREFUSED|VAULT_UNREACHABLE/);
    assert.match(row(main.summary, 'login.jwt'), /^\| ⏭️ skip \|/, 'no login tried without a server');
    // The run's own 3 s, then the checks' (bounded by the same timeout), and start-up.
    assert.ok(main.durationMs < 3000 * 2 + 5000, `took ${main.durationMs} ms`);
    assertNoSecrets(main);
  });

  test('signing with a key that does not exist: the transit check says so; the checks revoke their token', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'doctor-ws-'));
    writeFileSync(join(workspace, 'app.txt'), 'app\n');
    const runner = new ActionsRunner({ GITHUB_WORKSPACE: workspace });
    const main = await runMain({ 'sign-blobs': 'app.txt', 'transit-key': 'no-such-key' }, runner);
    assert.match(failure(main), /no-such-key/);
    assert.match(row(main.summary, 'login.jwt'), /^\| ✅ ok \|/);
    failedRows(main.summary, 'transit');
    // The run's own token is exported and saved for the post step, as in any run that logged in.
    const own = main.env.VAULT_TOKEN ?? '';
    assert.ok(own);
    assertNoSecrets(main, { withSavedState: false });
    await assertRevoked(main, [own]);
    const post = await runner.runStep(POST, {});
    assert.equal(post.status, 0, post.stdout);
    assert.equal((await lookupSelfStatus(stack, own)).status, 403, 'the post step revoked the run token');
  });
});
