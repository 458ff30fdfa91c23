// docs/runners.md on the real stack. Every block the guide marks `tested` runs here, in the
// guide's order: `sh tested server` blocks where the spire-server CLI reaches the server's admin
// socket and the vault CLI (OpenBao's bao, or HashiCorp's vault, as STACK_VAULT chooses) holds the
// admin token; `sh tested runner` blocks as the workload, without a token; `hcl tested spire-*`
// configurations through `spire-server validate` / `spire-agent validate`. The guide's shell
// variables get the stack's values, with mount, key, policy, role and SPIFFE ID names of their
// own (a random suffix), and everything is removed afterwards. Then the result is proved: the CLI
// logs in through the roles the guide created (JWT and cert), the token can do what the policy
// allows and nothing else, the role refuses another SPIFFE ID, and the runner's signature verifies
// with the guide's transit key. The JWT config's alternatives (the OIDC discovery provider's
// JWKS, SPIRE's keys as PEM) are each followed by a login.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, cli, leaks } from '../helpers/cli-run.ts';
import { guideBlocks, indentedFences, markingProblem, type GuideBlock } from '../helpers/guide-blocks.ts';
import { describeRun, loadStackEnv, repoRoot, run, type RunResult, type StackEnv } from '../helpers/stack-env.ts';
import { freePort } from '../helpers/throwaway.ts';
import { vaultFetch } from '../helpers/vault-admin.ts';

const GUIDE = join(repoRoot, 'docs', 'runners.md');
const markdown = readFileSync(GUIDE, 'utf8');
const blocks = guideBlocks(markdown);
const tested = blocks.filter((block) => block.status === 'tested');
const isJwtConfig = (block: GuideBlock) => block.tags.includes('jwt-config');
// The JWT config's alternatives: the first runs in the guide's order, each other one after the
// login proofs, followed by a login of its own.
const firstJwtConfig = tested.find(isJwtConfig);
const mainPass = tested.filter((block) => !isJwtConfig(block) || block === firstJwtConfig);
const otherJwtConfigs = tested.filter((block) => isJwtConfig(block) && block !== firstJwtConfig);

/** A test name: where the block is and its first command. */
function title(block: GuideBlock): string {
  const first = block.body.split('\n').find((line) => line.trim() && !line.startsWith('#')) ?? '';
  return `line ${block.line} (${block.lang} ${[block.status, ...block.tags].join(' ')}): ${first.slice(0, 70)}`;
}

describe('docs/runners.md: how its blocks are marked', () => {
  test('every block says tested or untested; untested ones say why; tested ones are of a kind this test runs', () => {
    assert.ok(blocks.length > 20, `only ${blocks.length} blocks found`);
    assert.deepEqual(blocks.map(markingProblem).filter(Boolean), []);
  });

  test('no fence is indented (this test would not see the block)', () => {
    assert.deepEqual(indentedFences(markdown), []);
  });

  test('the tested blocks cover the set-up end to end', () => {
    const all = (where: string) =>
      tested
        .filter((block) => block.tags[0] === where)
        .map((block) => block.body)
        .join('\n');
    for (const command of ['spire-server entry create', 'spire-server token generate', 'vault policy write']) {
      assert.ok(all('server').includes(command), `no tested server block runs ${command}`);
    }
    for (const path of [
      'auth/$JWT_PATH/role/$ROLE',
      'auth/$CERT_PATH/certs/$ROLE',
      '$TRANSIT_PATH/keys/$TRANSIT_KEY',
    ]) {
      assert.ok(all('server').includes(path), `no tested server block writes ${path}`);
    }
    assert.ok(all('runner').includes('spiffe-vault sign-blob'), 'no tested runner block signs');
    assert.ok(tested.some((block) => block.tags[0] === 'spire-agent'));
    assert.ok(tested.some((block) => block.tags[0] === 'spire-server'));
    assert.equal(tested.filter(isJwtConfig).length, 2, 'the JWT config has two alternatives: jwks_url and PEM keys');
  });
});

type Host = 'server' | 'runner';

describe('docs/runners.md on the real stack', () => {
  let stack: StackEnv;
  const suffix = randomBytes(3).toString('hex');
  const names = {
    JWT_PATH: `jwt-guide-${suffix}`,
    CERT_PATH: `cert-guide-${suffix}`,
    TRANSIT_PATH: `transit-guide-${suffix}`,
    TRANSIT_KEY: `key-guide-${suffix}`,
    POLICY: `sign-guide-${suffix}`,
    ROLE: `ci-guide-${suffix}`,
  };
  const runnerUser = userInfo().username;
  let spiffeId = '';
  let tlsAddr: string;
  let caFile: string;
  let root: string;
  const dirs = {} as Record<Host, string>;
  const envs = {} as Record<Host, NodeJS.ProcessEnv>;
  let provider: ChildProcess | undefined;
  let providerLog: string;
  let jwksUrl: string;
  let nodeAliasesBefore = new Set<string>();

  function spireServer(args: readonly string[]): RunResult {
    return run(`${stack.STACK_BIN}/spire-server`, [...args, '-socketPath', stack.STACK_SPIRE_SERVER_SOCKET]);
  }

  function entries(spiffeIdOfEntries: string): { id: string; parent_id: { trust_domain: string; path: string } }[] {
    const r = spireServer(['entry', 'show', '-spiffeID', spiffeIdOfEntries, '-output', 'json']);
    assert.equal(r.status, 0, describeRun('spire-server entry show', r));
    return (JSON.parse(r.stdout) as { entries?: [] }).entries ?? [];
  }

  function agentServesGuideId(): boolean {
    const r = run(`${stack.STACK_BIN}/spire-agent`, [
      'api',
      'fetch',
      'jwt',
      '-audience',
      'vault',
      '-spiffeID',
      spiffeId,
      '-socketPath',
      stack.STACK_AGENT_SOCKET,
      '-timeout',
      '2s',
    ]);
    return r.status === 0;
  }

  /** Entries reach the agent within seconds (the guide says so): wait for it, as a reader would. */
  async function untilAgent(serves: boolean): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (agentServesGuideId() !== serves) {
      if (Date.now() > deadline) throw new Error(`the agent still ${serves ? 'does not serve' : 'serves'} ${spiffeId}`);
      await sleep(250);
    }
  }

  function runShell(body: string, host: Host): RunResult {
    return run('bash', ['-c', `set -euo pipefail\n${body}`], { env: envs[host], cwd: dirs[host], timeoutMs: 120_000 });
  }

  async function runBlock(block: GuideBlock): Promise<void> {
    const where = block.tags[0];
    if (block.lang === 'hcl') {
      const file = join(root, `line-${block.line}.conf`);
      writeFileSync(file, block.body);
      const r = run(`${stack.STACK_BIN}/${where}`, ['validate', '-config', file]);
      assert.equal(r.status, 0, describeRun(`${where} validate (line ${block.line})`, r));
      return;
    }
    assert.ok(where === 'server' || where === 'runner');
    if (where === 'runner' && entries(spiffeId).length > 0) await untilAgent(true);
    const r = runShell(block.body, where);
    assert.equal(r.status, 0, describeRun(`the block at line ${block.line}`, r));
  }

  /** The CLI's environment on the runner: no token, the stack's agent and Vault's TLS listener. */
  function runnerCliEnv(): NodeJS.ProcessEnv {
    return {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: envs.runner.HOME,
      VAULT_ADDR: tlsAddr,
      VAULT_CACERT: caFile,
      SPIFFE_ENDPOINT_SOCKET: stack.SPIFFE_ENDPOINT_SOCKET,
    };
  }

  function jwtLogin(): { token: string; spiffeId: string; ttlSeconds: number } {
    const r = cli(['auth', '--role', names.ROLE, '--auth-path', names.JWT_PATH, '--spiffe-id', spiffeId, '--json'], {
      env: runnerCliEnv(),
    });
    assert.equal(r.status, 0, describeRun('spiffe-vault auth (JWT)', r));
    assert.deepEqual(leaks(r.stderr), []);
    return JSON.parse(r.stdout) as { token: string; spiffeId: string; ttlSeconds: number };
  }

  async function policiesOf(token: string): Promise<string[]> {
    const r = await vaultFetch(stack, 'auth/token/lookup-self', { token });
    assert.equal(r.status, 200);
    return [...((r.body.data as { policies: string[] }).policies ?? [])].sort();
  }

  function revoke(token: string): void {
    const r = cli(['revoke'], { env: { ...runnerCliEnv(), VAULT_TOKEN: token } });
    assert.equal(r.status, 0, describeRun('spiffe-vault revoke', r));
  }

  before(async () => {
    stack = loadStackEnv();
    assert.ok(
      stack.STACK_VAULT_TLS_ADDR && stack.STACK_TLS_CA_FILE,
      'the stack has no TLS listener: restart it (npm run stack:down && npm run stack:up)',
    );
    assert.ok(existsSync(CLI), `${CLI} is missing: build it (npm run build)`);
    tlsAddr = stack.STACK_VAULT_TLS_ADDR;
    caFile = stack.STACK_TLS_CA_FILE;
    spiffeId = `spiffe://${stack.STACK_TRUST_DOMAIN}/ci/guide-${suffix}`;
    root = mkdtempSync(join(tmpdir(), 'runners-guide-'));
    nodeAliasesBefore = new Set(entries(stack.STACK_NODE_ID).map((entry) => entry.id));

    // SPIRE's OIDC discovery provider, on loopback over plain HTTP, reading the stack's server.
    const install = run('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'spire-oidc'], {
      timeoutMs: 30 * 60_000,
    });
    assert.equal(install.status, 0, describeRun('install-tools.sh spire-oidc', install));
    const toolsBin = install.stdout.trim().split('\n').pop() ?? '';
    const port = await freePort();
    const providerConfig = join(root, 'oidc-discovery-provider.conf');
    writeFileSync(
      providerConfig,
      [
        'log_level = "warn"',
        'domains = ["127.0.0.1"]',
        `insecure_addr = "127.0.0.1:${port}"`,
        'allow_insecure_scheme = true',
        `server_api { address = "unix://${stack.STACK_SPIRE_SERVER_SOCKET}" }`,
      ].join('\n') + '\n',
    );
    providerLog = join(root, 'oidc-discovery-provider.log');
    const log = openSync(providerLog, 'a');
    provider = spawn(join(toolsBin, 'oidc-discovery-provider'), ['-config', providerConfig], {
      stdio: ['ignore', log, log],
    });
    jwksUrl = `http://127.0.0.1:${port}/keys`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      assert.equal(provider.exitCode, null, `the OIDC discovery provider exited: ${readFileSync(providerLog, 'utf8')}`);
      const keys = await fetch(jwksUrl)
        .then(async (response) => (response.ok ? ((await response.json()) as { keys?: unknown[] }).keys : undefined))
        .catch(() => undefined);
      if (keys && keys.length > 0) break;
      assert.ok(Date.now() < deadline, `the OIDC discovery provider does not serve ${jwksUrl}`);
      await sleep(200);
    }

    // Each "host" has its own working directory and only its own programs on PATH: the server
    // has spire-server and the Vault CLI (as `vault`, whichever server runs), the runner has
    // spire-agent and spiffe-vault (this repository's dist/cli.js; the server too, for
    // `spiffe-vault policy`). Both have Node 24.
    const shims = (host: Host, links: Record<string, string>, scripts: Record<string, string> = {}) => {
      const bin = join(root, `${host}-bin`);
      mkdirSync(bin);
      for (const [name, target] of Object.entries({ ...links, node: process.execPath })) {
        symlinkSync(target, join(bin, name));
      }
      for (const [name, text] of Object.entries(scripts)) {
        writeFileSync(join(bin, name), text);
        chmodSync(join(bin, name), 0o755);
      }
      return bin;
    };
    const common = {
      TRUST_DOMAIN: stack.STACK_TRUST_DOMAIN,
      NODE_ID: stack.STACK_NODE_ID,
      RUNNER_USER: runnerUser,
      SPIFFE_ID: spiffeId,
      VAULT_ADDR: tlsAddr,
      VAULT_CACERT: caFile,
      SPIRE_JWKS_URL: jwksUrl,
      ...names,
    };
    for (const host of ['server', 'runner'] as const) {
      dirs[host] = join(root, host);
      mkdirSync(dirs[host]);
    }
    envs.server = {
      ...common,
      HOME: dirs.server,
      PATH: `${shims(
        'server',
        {
          'spire-server': `${stack.STACK_BIN}/spire-server`,
          vault: `${stack.STACK_BIN}/${stack.STACK_VAULT_CLI}`,
        },
        { 'spiffe-vault': `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n` },
      )}:/usr/bin:/bin`,
      SPIRE_SERVER_SOCKET: stack.STACK_SPIRE_SERVER_SOCKET,
      VAULT_TOKEN: stack.STACK_ADMIN_TOKEN,
    };
    envs.runner = {
      ...common,
      HOME: dirs.runner,
      PATH: `${shims(
        'runner',
        { 'spire-agent': `${stack.STACK_BIN}/spire-agent` },
        { 'spiffe-vault': `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n` },
      )}:/usr/bin:/bin`,
      AGENT_SOCKET: stack.STACK_AGENT_SOCKET,
    };
  });

  after(async () => {
    if (!stack) return;
    if (provider && provider.exitCode === null) {
      const exited = new Promise((resolve) => provider?.once('exit', resolve));
      provider.kill('SIGTERM');
      await exited;
    }
    for (const path of [
      `sys/auth/${names.JWT_PATH}`,
      `sys/auth/${names.CERT_PATH}`,
      `sys/mounts/${names.TRANSIT_PATH}`,
    ]) {
      await vaultFetch(stack, path, { method: 'DELETE' });
    }
    await vaultFetch(stack, `sys/policies/acl/${names.POLICY}`, { method: 'DELETE' });
    // The guide's workload entry, and the node alias entries its join token made.
    const leftovers = [
      ...(spiffeId ? entries(spiffeId) : []),
      ...entries(stack.STACK_NODE_ID).filter((entry) => !nodeAliasesBefore.has(entry.id)),
    ];
    for (const entry of leftovers) {
      const r = spireServer(['entry', 'delete', '-entryID', entry.id]);
      assert.equal(r.status, 0, describeRun('spire-server entry delete', r));
    }
    if (spiffeId) await untilAgent(false);
    if (root) rmSync(root, { recursive: true, force: true });
    // Nothing of the guide's is left in Vault.
    for (const list of ['sys/auth', 'sys/mounts', 'sys/policies/acl?list=true']) {
      const r = await vaultFetch(stack, list);
      assert.equal(r.status, 200, `${list} answered ${r.status}`);
      const left = JSON.stringify(r.body.data ?? r.body).match(/[\w-]*guide-[0-9a-f]{6}/g) ?? [];
      assert.deepEqual(
        left.filter((name) => name.endsWith(suffix)),
        [],
        `left in ${list}`,
      );
    }
  });

  for (const block of mainPass) {
    test(title(block), () => runBlock(block));
  }

  test('the entry: the runner user under the node alias, with a DNS name for the cert method', () => {
    const r = spireServer(['entry', 'show', '-spiffeID', spiffeId, '-output', 'json']);
    assert.equal(r.status, 0, describeRun('spire-server entry show', r));
    const [entry, ...more] = (
      JSON.parse(r.stdout) as {
        entries: {
          parent_id: { trust_domain: string; path: string };
          selectors: { type: string; value: string }[];
          dns_names?: string[];
        }[];
      }
    ).entries;
    assert.ok(entry && more.length === 0, 'exactly one entry');
    assert.equal(`spiffe://${entry.parent_id.trust_domain}${entry.parent_id.path}`, stack.STACK_NODE_ID);
    assert.deepEqual(entry.selectors, [{ type: 'unix', value: `user:${runnerUser}` }]);
    assert.deepEqual(entry.dns_names, [`${runnerUser}.${stack.STACK_TRUST_DOMAIN}`]);
  });

  test("a JWT login through the guide's role: its policy's token, 60 s at most, with the provider's keys", async () => {
    const config = await vaultFetch(stack, `auth/${names.JWT_PATH}/config`);
    assert.equal((config.body.data as { jwks_url?: string }).jwks_url, jwksUrl, 'the first JWT config is jwks_url');
    const login = jwtLogin();
    assert.equal(login.spiffeId, spiffeId);
    assert.ok(login.ttlSeconds > 0 && login.ttlSeconds <= 60, `ttl ${login.ttlSeconds}`);
    assert.deepEqual(await policiesOf(login.token), ['default', names.POLICY].sort());
    revoke(login.token);
  });

  test('the policy: sign with the key, never with SHA-1, nothing with another key', async () => {
    const { token } = jwtLogin();
    const input = randomBytes(32).toString('base64');
    const sign = (path: string) =>
      vaultFetch(stack, path, { method: 'POST', token, body: { input, prehashed: true } }).then((r) => r.status);
    assert.equal(await sign(`${names.TRANSIT_PATH}/sign/${names.TRANSIT_KEY}/sha2-256`), 200);
    assert.equal(await sign(`${names.TRANSIT_PATH}/sign/${names.TRANSIT_KEY}/sha1`), 403);
    assert.equal(await sign(`transit/sign/${stack.STACK_TRANSIT_KEY}/sha2-256`), 403);
    const read = await vaultFetch(stack, `${names.TRANSIT_PATH}/keys/${names.TRANSIT_KEY}`, { token });
    assert.equal(read.status, 200);
    assert.equal((await vaultFetch(stack, `auth/${names.JWT_PATH}/role/${names.ROLE}`, { token })).status, 403);
    revoke(token);
  });

  test("the role is bound to the guide's SPIFFE ID: the workload's other ID is refused", () => {
    const r = cli(
      [
        'auth',
        '--role',
        names.ROLE,
        '--auth-path',
        names.JWT_PATH,
        '--spiffe-id',
        stack.STACK_SPIFFE_ID,
        '--timeout=5s',
      ],
      { env: runnerCliEnv() },
    );
    assert.equal(r.status, 1, describeRun('spiffe-vault auth with another SPIFFE ID', r));
    assert.match(r.stderr, /\[VAULT_LOGIN_DENIED\]/);
    assert.equal(r.stdout, '');
  });

  test("a cert login through the guide's cert role", async () => {
    const r = cli(
      [
        'auth',
        '--method',
        'cert',
        '--role',
        names.ROLE,
        '--auth-path',
        names.CERT_PATH,
        '--spiffe-id',
        spiffeId,
        '--json',
      ],
      { env: runnerCliEnv() },
    );
    assert.equal(r.status, 0, describeRun('spiffe-vault auth --method cert', r));
    const login = JSON.parse(r.stdout) as { token: string; spiffeId: string; ttlSeconds: number };
    assert.equal(login.spiffeId, spiffeId);
    assert.ok(login.ttlSeconds > 0 && login.ttlSeconds <= 60, `ttl ${login.ttlSeconds}`);
    assert.deepEqual(await policiesOf(login.token), ['default', names.POLICY].sort());
    revoke(login.token);
  });

  test("the runner's signature verifies with the public key of the guide's transit key", async () => {
    const key = await vaultFetch(stack, `${names.TRANSIT_PATH}/keys/${names.TRANSIT_KEY}`);
    const data = key.body.data as { type: string; keys: Record<string, { public_key: string }> };
    assert.equal(data.type, 'ecdsa-p256');
    const publicKey = createPublicKey(data.keys['1']?.public_key ?? '');
    const written = createPublicKey(readFileSync(join(dirs.runner, `${names.TRANSIT_KEY}.pub`), 'utf8'));
    assert.ok(publicKey.equals(written), 'the .pub the runner wrote is the transit key');
    const file = readFileSync(join(dirs.runner, 'probe.txt'));
    const signature = Buffer.from(readFileSync(join(dirs.runner, 'probe.txt.sig'), 'utf8').trim(), 'base64');
    assert.ok(verify('sha256', file, publicKey, signature), 'probe.txt.sig verifies');
  });

  for (const block of otherJwtConfigs) {
    test(`${title(block)}: then a JWT login`, async () => {
      await runBlock(block);
      const config = await vaultFetch(stack, `auth/${names.JWT_PATH}/config`);
      const { jwks_url: url, jwt_validation_pubkeys: pems } = config.body.data as {
        jwks_url?: string;
        jwt_validation_pubkeys?: string[];
      };
      assert.ok(!url, 'the alternative replaced jwks_url');
      assert.ok(pems && pems.length > 0, 'Vault holds the keys as PEM');
      const login = jwtLogin();
      assert.equal(login.spiffeId, spiffeId);
      revoke(login.token);
    });
  }

  test('a broken command fails its block', () => {
    const missing = runShell('vault read "auth/$JWT_PATH-missing/config"', 'server');
    assert.notEqual(missing.status, 0, 'a read of a mount that does not exist');
    const unset = runShell('echo "$NOT_A_GUIDE_VARIABLE"', 'runner');
    assert.notEqual(unset.status, 0, 'an unset variable');
    const noToken = runShell('spire-server entry show -socketPath "$SPIRE_SERVER_SOCKET"', 'runner');
    assert.notEqual(noToken.status, 0, 'a runner block cannot reach the SPIRE server');
  });
});
