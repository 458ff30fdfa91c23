// Faults of the registry, each a test on the real stack: a fault proxy in front of the stack's
// real registry answers 500, 429 with Retry-After, resets a blob upload, or acknowledges (201)
// what it never stored.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { cliEnv, copyRole, deleteRole, liveTokensOfRole, spawnCli } from '../helpers/cli-run.ts';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner } from '../helpers/actions-runner.ts';
import { cosign, pushImage } from '../helpers/oci-images.ts';
import { startRegistryFaultProxy, type FaultRule } from '../helpers/registry-fault-proxy.ts';
import { describeRun, loadStackEnv, repoRoot, type StackEnv } from '../helpers/stack-env.ts';
import { writeTransitPublicKey } from '../helpers/vault-admin.ts';

let stack: StackEnv;
let role: string; // a copy of the stack's ci role: its tokens are this file's alone
let pub: string;
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE);
  ({ path: pub } = await writeTransitPublicKey(stack));
});
after(() => deleteRole(stack, role));

/** Distribution (it checks that a manifest's blobs exist); crane's registry when it is absent. */
function realRegistry(): string {
  return stack.STACK_REGISTRY2 ?? stack.STACK_REGISTRY;
}

/** Pushes a fresh image, runs `sign-image` through a fault proxy with `rules`; the proxy is closed after. */
async function signImageThrough(rules: readonly FaultRule[], name: string) {
  const repo = `faults-${name}-${Date.now().toString(36)}`;
  const digest = pushImage(stack, `${realRegistry()}/${repo}:v1`, `faults ${name} ${Math.random()}`);
  const proxy = await startRegistryFaultProxy(realRegistry(), rules);
  try {
    const r = await spawnCli(['sign-image', '--role', role, '--json', `${proxy.host}/${repo}@${digest}`], {
      env: cliEnv(stack),
    }).done;
    return { r, digest, repo, seen: proxy.seen };
  } finally {
    await proxy.close();
  }
}

function cosignVerifies(image: string): boolean {
  return cosign(stack, 'cosign', ['verify', '--key', pub, '--insecure-ignore-tlog=true', image], {}).status === 0;
}

describe('the registry misbehaves', () => {
  test('500 on the signature manifest, then a normal answer: retried, signed, cosign verifies', async () => {
    const { r, digest, repo, seen } = await signImageThrough(
      [{ method: 'PUT', path: /\/manifests\/sha256-/, fault: { kind: 'status', status: 500 } }],
      's500',
    );
    assert.equal(r.status, 0, describeRun('sign-image', r));
    assert.ok(
      seen.some((s) => s.outcome === '500'),
      'the fault was served',
    );
    assert.ok(cosignVerifies(`${realRegistry()}/${repo}@${digest}`));
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });

  test('429 with Retry-After: 1 on a blob upload: the retry waits at least a second, then signs', async () => {
    const started = Date.now();
    const { r, digest, repo, seen } = await signImageThrough(
      [
        {
          method: 'POST',
          path: /\/blobs\/uploads\//,
          fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
          times: 2,
        },
      ],
      's429',
    );
    assert.equal(r.status, 0, describeRun('sign-image', r));
    assert.equal(seen.filter((s) => s.outcome === '429').length, 2);
    assert.ok(Date.now() - started >= 1000, 'the Retry-After was waited out');
    assert.ok(cosignVerifies(`${realRegistry()}/${repo}@${digest}`));
  });

  test('a connection reset in the middle of a blob upload: retried, signed, cosign verifies', async () => {
    const { r, digest, repo, seen } = await signImageThrough(
      [{ method: 'PUT', path: /\/blobs\/uploads\/.+digest=/, fault: { kind: 'reset' } }],
      'reset',
    );
    assert.ok(
      seen.some((s) => s.outcome === 'reset'),
      JSON.stringify(seen),
    );
    assert.equal(r.status, 0, describeRun('sign-image', r));
    assert.ok(cosignVerifies(`${realRegistry()}/${repo}@${digest}`));
  });

  test('a 201 for the signature manifest that stored nothing: the read-back catches it, exit 1, nothing reported signed', async () => {
    const { r, digest, repo, seen } = await signImageThrough(
      [{ method: 'PUT', path: /\/manifests\/sha256-/, fault: { kind: 'fake-created' }, times: 100 }],
      'fake201',
    );
    assert.ok(
      seen.some((s) => s.outcome === 'fake-created'),
      JSON.stringify(seen),
    );
    assert.equal(r.status, 1, describeRun('sign-image', r));
    assert.match(r.stderr, /^spiffe-vault: error \[SIGNATURE_NOT_STORED\]: .*sha256-/m);
    assert.doesNotMatch(r.stdout, /"images"/);
    assert.equal(cosignVerifies(`${realRegistry()}/${repo}@${digest}`), false);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });

  test('a 201 for a blob that stored nothing: the registry refuses the manifest that names it, exit 1', async () => {
    const { r, seen } = await signImageThrough(
      [{ method: 'POST', path: /\/blobs\/uploads\/\?digest=/, fault: { kind: 'fake-created' }, times: 100 }],
      'blob201',
    );
    assert.ok(
      seen.some((s) => s.outcome === 'fake-created'),
      JSON.stringify(seen),
    );
    assert.equal(r.status, 1, describeRun('sign-image', r));
    assert.match(r.stderr, /^spiffe-vault: error \[[A-Z_]+\]: .*(blob|manifest)/im);
    assert.doesNotMatch(r.stdout, /"images"/);
  });
});

test('a registry that never answers and a login Vault refuses: the action and the CLI report the login at once, not after the registry reads', async () => {
  // The reads start before the login; a run that fails first stops them instead of waiting.
  const silent = createServer(() => undefined); // takes connections, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const image = `127.0.0.1:${(silent.address() as AddressInfo).port}/app:1.0`;
  try {
    let started = Date.now();
    const r = await spawnCli(['sign-image', '--role', 'no-such-role', '--timeout', '20s', image], {
      env: cliEnv(stack),
    }).done;
    const cliSeconds = (Date.now() - started) / 1000;
    assert.equal(r.status, 1, describeRun('sign-image', r));
    assert.match(r.stderr, /^spiffe-vault: error \[VAULT_[A-Z_]+\]: /m);
    assert.ok(cliSeconds < 8, `the CLI took ${cliSeconds} s`);

    // For the action, a registry port nobody listens on: the checks it runs after a failure find
    // that at once (a silent registry would hold them up to 10 s), the reads would retry it for
    // the whole timeout.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedImage = `127.0.0.1:${(closed.address() as AddressInfo).port}/app:1.0`;
    await new Promise((resolve) => closed.close(resolve));
    const runner = new ActionsRunner({});
    started = Date.now();
    const main = await runner.runStep(
      join(repoRoot, 'dist', 'main.js'),
      actionInputs(stack, { role: 'no-such-role', 'sign-images': closedImage, timeout: '20s' }),
    );
    const actionSeconds = (Date.now() - started) / 1000;
    assert.equal(main.status, 1, main.stdout);
    assert.match(main.stdout, /::error::spiffe-vault-action \[VAULT_[A-Z_]+\]/);
    assert.ok(actionSeconds < 8, `the action took ${actionSeconds} s`);
  } finally {
    silent.close();
  }
});
