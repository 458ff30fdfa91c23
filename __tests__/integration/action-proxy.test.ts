// `proxy: true` on the real stack, run as the Actions runner runs the bundles: the main step
// starts the job-local proxy and exports only its address; a later "step" (a separate process
// with nothing but the exported environment) uses Vault through it long after the first token
// expired; the post step stops it, and every token it minted is revoked.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { actionInputs, cosignSignBlobArgs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { copyRole, deleteRole, leaks, liveTokensOfRole } from '../helpers/cli-run.ts';
import { loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { lookupSelfStatus, transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const POST = join(repoRoot, 'dist', 'post.js');
const PLACEHOLDER = 'spiffe-vault-proxy';
const TOKEN_SHAPE = /\b(?:hvs|hvb|s|b)\.[A-Za-z0-9_-]{20,}/;

let stack: StackEnv;
before(() => {
  stack = loadStackEnv();
});

/** Running: not gone, and not an exited process waiting to be reaped (its parent step is gone). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A later step: a new process with only PATH, HOME and what the main step exported. */
function laterStep(main: StepResult, command: string, args: string[], home: string) {
  return run(command, args, { env: { PATH: process.env.PATH ?? '', HOME: home, ...main.env } });
}

describe('proxy: true, with a role whose tokens live 5 s', () => {
  const runner = new ActionsRunner();
  let role: string;
  let main: StepResult;
  let proxy: { pid: number; dir: string };

  before(async () => {
    role = await copyRole(stack, stack.STACK_ROLE_SHORT);
    main = await runner.runStep(MAIN, actionInputs(stack, { role, proxy: 'true', timeout: '20s' }));
    proxy = JSON.parse(main.state['spiffe-vault'] ?? '{}').proxy;
  });
  after(async () => {
    if (proxy?.pid && isAlive(proxy.pid)) process.kill(proxy.pid, 'SIGKILL');
    await deleteRole(stack, role);
  });

  test('the main step exports the proxy address and a placeholder token, nothing secret', async () => {
    assert.equal(main.status, 0, main.stdout + main.stderr);
    assert.match(main.env.VAULT_ADDR ?? '', /^unix:\/\/\/.+\/vault\.sock$/);
    assert.equal(main.env.VAULT_TOKEN, PLACEHOLDER);
    assert.equal(main.env.TRANSIT_SECRET_ENGINE_PATH, 'transit');
    assert.equal((await lookupSelfStatus(stack, PLACEHOLDER)).status, 403, 'the placeholder is no token');
    for (const [name, value] of Object.entries(main.env)) {
      assert.doesNotMatch(value, TOKEN_SHAPE, `${name} holds a token`);
      for (const mask of main.masks) assert.ok(!value.includes(mask), `${name} holds a masked secret`);
    }
    assert.deepEqual(leaks(main.stdout.replace(/^::add-mask::.*$/gm, '') + main.stderr + main.summary), []);
    assert.match(main.summary, /job-local proxy/);
    assert.ok(proxy && isAlive(proxy.pid), 'the proxy outlives the main step');
  });

  test("the main step's own token is revoked when it ends: no step holds it", async () => {
    const token = main.masks.find((m) => TOKEN_SHAPE.test(m));
    assert.ok(token, 'the main step masked its token');
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
  });

  test('a later step, more than a TTL later, signs with bao, vault and cosign hashivault:// through it', async () => {
    await sleep(6_500);
    const home = mkdtempSync(join(tmpdir(), 'later-step-'));
    const cli = stack.STACK_VAULT_CLI;
    const read = laterStep(
      main,
      `${stack.STACK_BIN}/${cli}`,
      ['read', '-field=type', `transit/keys/${stack.STACK_TRANSIT_KEY}`],
      home,
    );
    assert.equal(read.status, 0, read.stderr);
    assert.equal(read.stdout.trim(), 'ecdsa-p256');
    const blob = join(home, 'artifact.txt');
    writeFileSync(blob, `built at ${new Date().toISOString()}\n`);
    const sign = laterStep(main, `${stack.STACK_BIN}/cosign`, cosignSignBlobArgs(stack, blob, `${blob}.sig`), home);
    assert.equal(sign.status, 0, sign.stderr);
    writeFileSync(join(home, 'pub.pem'), await transitPublicKeyPem(stack));
    const verify = run(
      `${stack.STACK_BIN}/cosign`,
      [
        'verify-blob',
        '--key',
        join(home, 'pub.pem'),
        '--signature',
        `${blob}.sig`,
        '--insecure-ignore-tlog=true',
        blob,
      ],
      { env: { PATH: process.env.PATH ?? '', HOME: home } },
    );
    assert.equal(verify.status, 0, verify.stderr);
  });

  test('the post step stops the proxy and every token it minted is revoked', async () => {
    assert.ok((await liveTokensOfRole(stack, role)).length > 0, 'the proxy holds a live token before the post step');
    const post = await runner.runStep(POST, {});
    assert.equal(post.status, 0, post.stdout);
    assert.match(
      post.stdout,
      /proxy: .*Vault proxy stopped: \d+ request\(s\), 0 refused, 0 failed, [2-9]\d* login\(s\)/,
    );
    assert.doesNotMatch(post.stdout, /::warning::/);
    assert.equal(isAlive(proxy.pid), false, 'the proxy process is gone');
    assert.equal(existsSync(proxy.dir), false, "the proxy's folder is removed");
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
    // The post step masks the main step's (revoked) token again; nothing else may hold a token.
    const unmasked = post.everything.replace(/^::add-mask::.*$/gm, '');
    assert.deepEqual(leaks(unmasked), []);
    assert.doesNotMatch(unmasked, TOKEN_SHAPE);
  });
});

describe('proxy: true with run and allow', () => {
  test('the run command reaches Vault through the proxy; a path outside proxy-allow gets 403', async () => {
    const runner = new ActionsRunner();
    const cli = `${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`;
    const script = join(mkdtempSync(join(tmpdir(), 'run-')), 'check.sh');
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        `test "$VAULT_TOKEN" = ${PLACEHOLDER} || exit 10`,
        `${cli} read -field=type transit/keys/${stack.STACK_TRANSIT_KEY} || exit 11`,
        `if ${cli} read sys/mounts 2>"$(dirname "$0")/err.txt"; then exit 12; fi`,
        'grep -q "not in the proxy\'s allow list" "$(dirname "$0")/err.txt" || exit 13',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const main = await runner.runStep(
      MAIN,
      actionInputs(stack, {
        proxy: 'true',
        'proxy-allow': `transit/keys/${stack.STACK_TRANSIT_KEY}`,
        run: script,
        timeout: '20s',
      }),
    );
    assert.equal(main.status, 0, main.stdout + main.stderr);
    const { pid } = JSON.parse(main.state['spiffe-vault'] ?? '{}').proxy as { pid: number };
    const post = await runner.runStep(POST, {});
    assert.equal(post.status, 0, post.stdout);
    assert.match(post.stdout, /1 refused/);
    assert.equal(isAlive(pid), false);
  });
});

describe('proxy: bad input and faults', () => {
  test('proxy with export-token true is refused before any login', async () => {
    const main = await new ActionsRunner().runStep(
      MAIN,
      actionInputs(stack, { proxy: 'true', 'export-token': 'true' }),
    );
    assert.equal(main.status, 1);
    assert.match(main.stdout, /::error::spiffe-vault-action \[INVALID_INPUT\]: proxy and export-token are both true/);
  });

  test('RUNNER_TEMP not writable: the main step fails with the folder named; its token is revoked', async () => {
    const runner = new ActionsRunner();
    const main = await runner.runStep(MAIN, actionInputs(stack, { proxy: 'true', timeout: '20s' }), {
      RUNNER_TEMP: '/nonexistent/runner-temp',
    });
    assert.equal(main.status, 1, main.stdout);
    assert.match(
      main.stdout,
      /::error::spiffe-vault-action \[PROXY_START_FAILED\]: cannot create the Vault proxy's folder in \/nonexistent\/runner-temp \(ENOENT\)/,
    );
    const token = main.masks.find((m) => TOKEN_SHAPE.test(m));
    assert.ok(token);
    assert.equal((await lookupSelfStatus(stack, token)).status, 403);
  });

  test('a listen port in use fails the main step with the reason; nothing is left running', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const runner = new ActionsRunner();
      const main = await runner.runStep(
        MAIN,
        actionInputs(stack, { proxy: 'true', 'proxy-listen': `127.0.0.1:${port}`, timeout: '20s' }),
      );
      assert.equal(main.status, 1, main.stdout);
      assert.match(
        main.stdout,
        /\[PROXY_START_FAILED\]: the Vault proxy stopped before it served \(exit 1\): \[PROXY_LISTEN_FAILED\] the proxy cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/,
      );
      const { pid } = JSON.parse(main.state['spiffe-vault'] ?? '{}').proxy as { pid: number };
      assert.equal(isAlive(pid), false);
      const post = await runner.runStep(POST, {});
      assert.equal(post.status, 0, post.stdout);
      assert.match(post.stdout, /had already stopped/);
      assert.doesNotMatch(post.stdout, /::warning::/);
    } finally {
      busy.close();
    }
  });
});
