// `spiffe-vault exec` on the real stack: the token lives in the command's environment only, the
// command's exit status passes through, and the token is revoked however the command ends.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  cli,
  cliEnv,
  copyRole,
  deleteRole,
  leaks,
  liveTokensOfRole,
  readWhenWritten,
  spawnCli,
} from '../helpers/cli-run.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let role: string; // a copy of the stack's ci role: its tokens are this file's alone
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE);
});
after(() => deleteRole(stack, role));

/** A fresh directory and a `sh -c` script that records the token (and its pid) there first. */
function recorder(rest: string): { dir: string; script: string; tokenFile: string; pidFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-exec-'));
  const tokenFile = join(dir, 'token');
  const pidFile = join(dir, 'pid');
  return { dir, tokenFile, pidFile, script: `printf %s "$VAULT_TOKEN" > ${tokenFile}; echo $$ > ${pidFile}; ${rest}` };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('exec', () => {
  test('the command gets the Vault environment; stdout is its alone; its exit status passes through; the token is revoked', async () => {
    const { script, tokenFile } = recorder(
      'echo "addr=$VAULT_ADDR transit=$TRANSIT_SECRET_ENGINE_PATH ns=${VAULT_NAMESPACE-unset}"; ' +
        'bao token lookup -format=json > /dev/null && echo lookup-ok; exit 7',
    );
    // A stale BAO_TOKEN in the caller's environment (bao prefers it to VAULT_TOKEN) is replaced too.
    const r = cli(['exec', '-role', role, '--', 'sh', '-c', script], {
      env: cliEnv(stack, { BAO_TOKEN: 'stale-token' }),
    });
    assert.equal(r.status, 7, describeRun('exec', r));
    assert.equal(r.stdout, `addr=${stack.VAULT_ADDR} transit=transit ns=unset\nlookup-ok\n`);
    const token = await readWhenWritten(tokenFile);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'revoked after the command failed');
    assert.match(r.stderr, /Revoked the Vault token/);
    assert.deepEqual(leaks(r.stderr, [token]), []);
  });

  test('exit 0, and the Go-style form without --', async () => {
    const { script, tokenFile } = recorder('exit 0');
    const r = cli(['exec', '-role', role, '-q', 'sh', '-c', script], { env: cliEnv(stack) });
    assert.equal(r.status, 0, describeRun('exec', r));
    assert.equal(r.stderr, '');
    assert.equal((await lookupSelfStatus(stack, await readWhenWritten(tokenFile))).status, 403);
  });

  test('--transit-path and --namespace reach the command', () => {
    const r = cli(
      ['exec', '-role', role, '--transit-path', 'ci/transit', '--', 'sh', '-c', 'echo $TRANSIT_SECRET_ENGINE_PATH'],
      { env: cliEnv(stack) },
    );
    assert.equal(r.status, 0, describeRun('exec', r));
    assert.equal(r.stdout, 'ci/transit\n');
  });

  test('a command killed by a signal: 128+n, token revoked', async () => {
    const { script, tokenFile } = recorder('kill -KILL $$');
    const r = cli(['exec', '-role', role, '--', 'sh', '-c', script], { env: cliEnv(stack) });
    assert.equal(r.status, 137, describeRun('exec', r));
    assert.equal((await lookupSelfStatus(stack, await readWhenWritten(tokenFile))).status, 403);
  });

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`${signal} to spiffe-vault while the command runs: forwarded, command ends, token revoked, exit ${status}`, async () => {
      const { script, tokenFile, pidFile } = recorder('exec sleep 60');
      const running = spawnCli(['exec', '-role', role, '--', 'sh', '-c', script], { env: cliEnv(stack) });
      const token = await readWhenWritten(tokenFile);
      const pid = Number(await readWhenWritten(pidFile));
      assert.equal((await lookupSelfStatus(stack, token)).status, 200, 'the token works while the command runs');
      running.child.kill(signal);
      const r = await running.done;
      assert.equal(r.status, status, describeRun('exec', r));
      assert.equal(isAlive(pid), false, 'the command was terminated');
      assert.equal((await lookupSelfStatus(stack, token)).status, 403, 'the token was revoked');
      assert.deepEqual(leaks(r.stderr, [token]), []);
    });
  }

  test('a command that ignores SIGTERM loses its token after the grace period', async () => {
    const { script, tokenFile } = recorder(
      'trap "" TERM; i=0; while [ $i -lt 80 ]; do sleep 0.1; i=$((i+1)); done; ' +
        'bao token lookup > /dev/null 2>&1 && echo still-valid || echo revoked',
    );
    const running = spawnCli(['exec', '-role', role, '--', 'sh', '-c', script], { env: cliEnv(stack) });
    await readWhenWritten(tokenFile);
    running.child.kill('SIGTERM');
    const r = await running.done;
    assert.equal(r.status, 0, describeRun('exec', r));
    assert.equal(r.stdout, 'revoked\n');
    assert.match(r.stderr, /still runs 5 s after SIGTERM: revoking its token now/);
  });

  test('a command that does not exist: 127, one error line, and the token minted for it is revoked', async () => {
    const r = cli(['exec', '-role', role, '--', 'no-such-command-here', 'x'], { env: cliEnv(stack) });
    assert.equal(r.status, 127, describeRun('exec', r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^spiffe-vault: error \[COMMAND_NOT_FOUND\]: cannot run 'no-such-command-here'/m);
    assert.match(r.stderr, /Revoked the Vault token/);
    assert.deepEqual(await liveTokensOfRole(stack, role), [], 'no token minted by exec is left alive');
  });

  test('a command that cannot be run: 126, token revoked', async () => {
    const r = cli(['exec', '-role', role, '--', tmpdir()], { env: cliEnv(stack) });
    assert.equal(r.status, 126, describeRun('exec', r));
    assert.match(r.stderr, /\[COMMAND_NOT_EXECUTABLE\]/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });

  test('a failed login: exit 1, the command does not run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-exec-'));
    const r = cli(['exec', '-role', 'no-such-role', '--timeout=5s', '--', 'sh', '-c', `touch ${dir}/ran`], {
      env: cliEnv(stack),
    });
    assert.equal(r.status, 1, describeRun('exec', r));
    assert.match(r.stderr, /\[VAULT_LOGIN_DENIED\]/);
    assert.equal(existsSync(join(dir, 'ran')), false);
  });
});
