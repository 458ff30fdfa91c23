// `spiffe-vault proxy` when something is wrong: a listen address it cannot use, Vault out of
// reach while it serves, the SPIRE agent down when it must log in again, a login that fails at
// the start. Each fault gets a clear answer, and the proxy serves again once the fault is gone.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, cliEnv, copyRole, deleteRole, liveTokensOfRole, spawnCli } from '../helpers/cli-run.ts';
import { startLatencyRelay } from '../helpers/latency-relay.ts';
import {
  isAlive,
  processesMentioning,
  proxyRequest,
  startBackgroundProxy,
  type ProxyAnswer,
} from '../helpers/proxy.ts';
import { stackCtl } from '../helpers/spire.ts';
import { describeRun, loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';

let stack: StackEnv;
let role: string; // a copy of ci-short: tokens left alive by a failed start would show under it
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE_SHORT);
});
after(() => deleteRole(stack, role));

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** Exactly one error line, with `code`, matching `message`. */
function assertError(stderr: string, code: string, message: RegExp): void {
  const errors = stderr.split('\n').filter((line) => line.startsWith('spiffe-vault: error'));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0] as string, new RegExp(`^spiffe-vault: error \\[${code}\\]: `));
  assert.match(errors[0] as string, message);
}

describe('addresses and files the proxy cannot use', () => {
  test('a socket in a folder that does not exist: exit 2, naming --listen, before any login', async () => {
    const missing = join(tempDir('proxy-listen-'), 'no-such-dir');
    const r = cli(['proxy', '--role', role, '--listen', `unix://${missing}/vault.sock`, '--', 'true'], {
      env: cliEnv(stack),
    });
    assert.equal(r.status, 2, describeRun('proxy', r));
    assertError(r.stderr, 'INVALID_INPUT', new RegExp(`--listen: the folder ${missing} of the socket does not exist`));
    assert.doesNotMatch(r.stderr, /Logged in to Vault/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });

  test('TMPDIR is a file: no socket folder can be made there, exit 2, naming the folder and --listen', () => {
    const file = join(tempDir('proxy-tmpdir-'), 'not-a-dir');
    writeFileSync(file, '');
    const r = cli(['proxy', '--role', role, '--', 'true'], { env: cliEnv(stack, { TMPDIR: file }) });
    assert.equal(r.status, 2, describeRun('proxy', r));
    assertError(
      r.stderr,
      'INVALID_INPUT',
      new RegExp(`cannot create the proxy's socket folder in ${file} \\(ENOTDIR\\) — .*give --listen a socket path`),
    );
  });

  test('TMPDIR is a file, with --background: exit 2, naming the folder and TMPDIR; nothing started', () => {
    const file = join(tempDir('proxy-tmpdir-'), 'not-a-dir');
    writeFileSync(file, '');
    const r = cli(['proxy', '--role', role, '--background'], { env: cliEnv(stack, { TMPDIR: file }) });
    assert.equal(r.status, 2, describeRun('proxy --background', r));
    assert.equal(r.stdout, '', 'no exports to eval');
    assertError(r.stderr, 'INVALID_INPUT', new RegExp(`${file} \\(ENOTDIR\\) — .*TMPDIR`));
    assert.deepEqual(processesMentioning(role), []);
  });

  test('a ready file in a folder that does not exist: refused before any login, exit 2', () => {
    const missing = join(tempDir('proxy-ready-'), 'no-such-dir');
    for (const mode of [['--', 'true'], ['--background']]) {
      const r = cli(['proxy', '--role', role, '--ready-file', join(missing, 'ready.json'), ...mode], {
        env: cliEnv(stack),
      });
      assert.equal(r.status, 2, describeRun('proxy', r));
      assertError(r.stderr, 'INVALID_INPUT', new RegExp(`--ready-file: the folder ${missing} does not exist`));
      assert.doesNotMatch(r.stderr, /Logged in/);
    }
  });

  test('0.0.0.0: refused before any login, exit 2', () => {
    const r = cli(['proxy', '--role', role, '--listen', '0.0.0.0:8200', '--', 'true'], { env: cliEnv(stack) });
    assert.equal(r.status, 2, describeRun('proxy', r));
    assertError(r.stderr, 'INVALID_INPUT', /--listen: '0\.0\.0\.0' is not a loopback address/);
    assert.doesNotMatch(r.stderr, /Logged in/);
  });

  test('a loopback port in use: exit 1 [PROXY_LISTEN_FAILED]; the token minted is revoked', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const r = cli(['proxy', '--role', role, '--listen', `127.0.0.1:${port}`, '--', 'true'], { env: cliEnv(stack) });
      assert.equal(r.status, 1, describeRun('proxy', r));
      assertError(
        r.stderr,
        'PROXY_LISTEN_FAILED',
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\) — choose another port`),
      );
      assert.deepEqual(await liveTokensOfRole(stack, role), []);
    } finally {
      taken.close();
    }
  });
});

describe('faults while the proxy serves', () => {
  test('Vault out of reach: 502 with the reason, the proxy keeps serving, and serves again once Vault is back', async () => {
    // The route to the real Vault is a relay the test cuts and restores: the stack's dev server
    // keeps its configuration in memory and cannot be restarted.
    let relay = await startLatencyRelay(stack.VAULT_ADDR, 0);
    const port = new URL(relay.address).port;
    const own = await copyRole(stack, stack.STACK_ROLE);
    const proxy = await startBackgroundProxy(
      ['--role', own, '--vault-addr', relay.address],
      cliEnv(stack, { TMPDIR: tempDir('proxy-down-') }),
    );
    const key = `/v1/transit/keys/${stack.STACK_TRANSIT_KEY}`;
    try {
      assert.equal((await proxyRequest(proxy.vaultAddr, key)).status, 200);
      await relay.close();
      for (let i = 0; i < 2; i++) {
        const down = await proxyRequest(proxy.vaultAddr, key);
        assert.equal(down.status, 502, down.text);
        assert.match(
          down.json?.errors?.[0] ?? '',
          new RegExp(
            `^spiffe-vault proxy: Vault at http://127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\) — check that it is up`,
          ),
        );
        assert.ok(isAlive(proxy.pid), 'the proxy keeps running');
      }
      relay = await startLatencyRelay(stack.VAULT_ADDR, 0, Number(port));
      assert.equal((await proxyRequest(proxy.vaultAddr, key)).status, 200, 'served again');
      await proxy.stop();
      assert.match(
        proxy.log(),
        /Vault proxy stopped: 4 request\(s\), 0 refused, 2 failed, 1 login\(s\); 1 token\(s\) revoked/,
      );
      assert.deepEqual(await liveTokensOfRole(stack, own), []);
    } finally {
      await proxy.stop();
      await relay.close();
      await deleteRole(stack, own);
    }
  });

  test('the SPIRE agent down when the 5 s token runs out: 503 with the reason; served again once the agent is back', async () => {
    const proxy = await startBackgroundProxy(
      ['--role', role, '--timeout', '3s'],
      cliEnv(stack, { TMPDIR: tempDir('proxy-agent-') }),
    );
    const key = `/v1/transit/keys/${stack.STACK_TRANSIT_KEY}`;
    try {
      assert.equal((await proxyRequest(proxy.vaultAddr, key)).status, 200);
      stackCtl(stack, 'stop', 'spire-agent');
      try {
        await sleep(6000);
        const down = await proxyRequest(proxy.vaultAddr, key);
        assert.equal(down.status, 503, down.text);
        assert.match(down.json?.errors?.[0] ?? '', /^spiffe-vault proxy: cannot log in to Vault: .*Workload API/);
        assert.ok(isAlive(proxy.pid), 'the proxy keeps running');
      } finally {
        stackCtl(stack, 'start', 'spire-agent');
      }
      // The restarted agent may take a moment to hold the identity again.
      let answer: ProxyAnswer | undefined;
      for (let i = 0; i < 20 && answer?.status !== 200; i++) {
        if (answer) await sleep(500);
        answer = await proxyRequest(proxy.vaultAddr, key);
      }
      assert.equal(answer?.status, 200, answer?.text);
      await proxy.stop();
      assert.deepEqual(await liveTokensOfRole(stack, role), []);
    } finally {
      await proxy.stop();
    }
  });
});

describe('stopped while it starts', () => {
  test('SIGTERM while the first login waits for the SPIRE agent: exit 143 within seconds, the command never runs', async () => {
    const dir = tempDir('proxy-term-');
    stackCtl(stack, 'stop', 'spire-agent');
    try {
      const running = spawnCli(['proxy', '--role', role, '--timeout', '30s', '--', 'touch', join(dir, 'ran')], {
        env: cliEnv(stack, { TMPDIR: dir }),
      });
      await sleep(1000);
      const signalled = Date.now();
      running.child.kill('SIGTERM');
      const r = await running.done;
      assert.equal(r.status, 143, describeRun('proxy', r));
      assert.ok(Date.now() - signalled < 10_000, `stopped ${Date.now() - signalled} ms after SIGTERM`);
      assert.match(r.stderr, /stopped by SIGTERM before the proxy served/);
      assert.deepEqual(readdirSync(dir), [], 'the command did not run; no socket folder left');
    } finally {
      stackCtl(stack, 'start', 'spire-agent');
    }
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });
});

describe('--background when the proxy cannot start', () => {
  test('a role Vault does not know: exit 1 [PROXY_START_FAILED] with the login error; no process left, no exports', () => {
    const unknown = `no-such-role-${Math.random().toString(36).slice(2, 8)}`;
    const dir = tempDir('proxy-fail-');
    const r = cli(['proxy', '--role', unknown, '--background', '--timeout', '5s'], {
      env: cliEnv(stack, { TMPDIR: dir }),
    });
    assert.equal(r.status, 1, describeRun('proxy --background', r));
    assert.equal(r.stdout, '', 'no exports to eval');
    // The proxy's own error (from its log) first, then the launcher's.
    assert.match(r.stderr, new RegExp(`\\[VAULT_LOGIN_DENIED\\]: .*role '${unknown}'`));
    assert.match(
      r.stderr,
      /^spiffe-vault: error \[PROXY_START_FAILED\]: the proxy stopped before it served \(exit 1; its log is above and in .*proxy\.log\)$/m,
    );
    assert.deepEqual(processesMentioning(unknown), [], 'no proxy process left behind');
    const [logDir, ...others] = readdirSync(dir);
    assert.deepEqual(others, [], 'no socket folder left behind');
    assert.deepEqual(readdirSync(join(dir, logDir ?? '')), ['proxy.log'], 'only the log stays');
    assert.equal(existsSync(join(dir, logDir ?? '', 'ready.json')), false);
  });
});
