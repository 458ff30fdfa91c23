// The leak matrix: each scenario runs a front on the real stack — the action's bundles as the
// Actions runner runs them, or the CLI as users do — then every byte it produced is searched for
// the Vault tokens and JWT-SVIDs it used (and the admin token), raw, base64, URL-encoded and
// JSON-escaped, and for anything shaped like a JWT or a token: stdout, stderr, error messages,
// GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE, the step summary, every file in the scenario's
// workspace, HOME, TMPDIR and RUNNER_TEMP, and the arguments of child and background processes.
// The only places a secret may be, and why, are in ../helpers/leak-fronts.ts; the CLI's `auth`
// prints the token on stdout for eval (its export line is the only place allowed there).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLI, copyRole, deleteRole } from '../helpers/cli-run.ts';
import { filesUnder, processArguments, RawAudit } from '../helpers/leak-capture.ts';
import {
  imageBehindPassword,
  plantedLeak,
  probe,
  probeLine,
  registryPassword,
  relayedVault,
  stopBackgroundProxy,
  throughProxy,
} from '../helpers/leak-fixtures.ts';
import { checkScenario, mainStep, postStep, type Scenario } from '../helpers/leak-scenario.ts';
import { pushImage } from '../helpers/oci-images.ts';
import { loadStackEnv, type StackEnv } from '../helpers/stack-env.ts';
import { freePort, startSealedServer, startThrowawayServer } from '../helpers/throwaway.ts';

const ok = { status: 0 } as const;
const failed = (code: string) => ({ status: 1, code }) as const;

const actionScenarios: Scenario[] = [
  {
    front: 'action',
    name: 'login and export, post step revokes',
    expect: ok,
    steps: (c) => [mainStep(c), postStep(c)],
  },
  {
    front: 'action',
    name: 'export-token: false',
    expect: ok,
    steps: (c) => [mainStep(c, { 'export-token': 'false' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'output-token: true',
    expect: ok,
    steps: (c) => [mainStep(c, { 'output-token': 'true' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'revoke: false (tokens left in the state)',
    expect: ok,
    steps: (c) => [mainStep(c, { revoke: 'false' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'step debug on (RUNNER_DEBUG=1)',
    expect: ok,
    steps: (c) => [mainStep(c, {}, { RUNNER_DEBUG: '1' }), postStep(c, { RUNNER_DEBUG: '1' })],
  },
  {
    front: 'action',
    name: 'run: the command prints its environment and arguments',
    expect: ok,
    steps: (c) => [mainStep(c, { run: probeLine(c) })],
  },
  {
    front: 'action',
    name: 'run with step debug and export-token: true',
    expect: ok,
    steps: (c) => [mainStep(c, { run: probeLine(c), 'export-token': 'true' }, { RUNNER_DEBUG: '1' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'run: the command fails',
    expect: failed('RUN_COMMAND_FAILED'),
    steps: (c) => [mainStep(c, { run: probeLine(c, 3) })],
  },
  {
    front: 'action',
    name: 'sign-blobs',
    expect: ok,
    steps: (c) => [mainStep(c, { 'sign-blobs': 'artifact.txt' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'sign-blobs with step debug (ACTIONS_STEP_DEBUG)',
    expect: ok,
    steps: (c) => [
      mainStep(c, { 'sign-blobs': 'artifact.txt' }, { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }),
      postStep(c),
    ],
  },
  {
    front: 'action',
    name: 'attestations of files: provenance and an SPDX predicate',
    expect: ok,
    steps: (c) => [
      mainStep(c, {
        'sign-blobs': 'artifact.txt',
        provenance: 'true',
        'attest-predicate': 'sbom.spdx.json',
        'attest-type': 'spdxjson',
      }),
      postStep(c),
    ],
  },
  {
    front: 'action',
    name: 'sign-images, with provenance',
    expect: ok,
    steps: (c) => {
      const ref = `${c.stack.STACK_REGISTRY}/leak-matrix/app:${Date.now()}`;
      pushImage(c.stack, ref, `leak ${ref}`);
      return [mainStep(c, { 'sign-images': ref, provenance: 'true', 'image-signature-format': 'both' }), postStep(c)];
    },
  },
  {
    front: 'action',
    name: 'proxy: true, a later step through it, post step stops it',
    expect: ok,
    steps: (c) => [mainStep(c, { proxy: 'true' }), postStep(c)],
    afterMain: async (_c, main) => {
      const proxy = JSON.parse(main.state['spiffe-vault'] ?? '{}').proxy as { pid: number; dir: string };
      return [
        processArguments(proxy.pid, 'the proxy'),
        throughProxy(main.env.VAULT_ADDR ?? ''),
        ...filesUnder({ 'proxy folder': proxy.dir }),
      ];
    },
  },
  {
    front: 'action',
    name: 'proxy: true with run (the command gets no token)',
    expect: ok,
    steps: (c) => [mainStep(c, { proxy: 'true', run: probeLine(c) }), postStep(c)],
  },
  {
    front: 'action',
    name: 'doctor: true with step debug',
    expect: ok,
    steps: (c) => [mainStep(c, { doctor: 'true', 'sign-blobs': 'artifact.txt' }, { RUNNER_DEBUG: '1' })],
  },
  {
    front: 'action',
    name: 'failure summary: unknown role',
    logsIn: true,
    expect: failed('VAULT_LOGIN_DENIED'),
    steps: (c) => [mainStep(c, { role: 'no-such-role' })],
  },
  {
    front: 'action',
    name: 'failure summary: audience the role refuses',
    audience: 'not-vault',
    expect: failed('VAULT_LOGIN_DENIED'),
    steps: (c) => [mainStep(c, { audience: 'not-vault' })],
  },
  {
    front: 'action',
    name: 'failure summary: Vault unreachable',
    logsIn: false,
    expect: failed('VAULT_UNREACHABLE'),
    steps: async (c) => [mainStep(c, { 'vault-addr': `http://127.0.0.1:${await freePort()}`, timeout: '2s' })],
  },
  {
    front: 'action',
    name: 'failure summary: Vault sealed',
    logsIn: false,
    expect: failed('VAULT_SEALED'),
    steps: async (c) => {
      const sealed = await startSealedServer(c.stack);
      c.cleanup(() => sealed.stop());
      return [mainStep(c, { 'vault-addr': sealed.address })];
    },
  },
  {
    front: 'action',
    name: 'failure summary: TLS failure (unknown CA)',
    logsIn: false,
    expect: failed('VAULT_TLS_FAILED'),
    steps: async (c) => {
      const tls = await startThrowawayServer(c.stack, { tls: true });
      c.cleanup(() => tls.stop());
      return [mainStep(c, { 'vault-addr': tls.address })];
    },
  },
  {
    front: 'action',
    name: 'failure summary: transit key missing',
    expect: failed('TRANSIT_PERMISSION_DENIED'),
    steps: (c) => [mainStep(c, { 'sign-blobs': 'artifact.txt', 'transit-key': 'no-such-key' }), postStep(c)],
  },
  {
    front: 'action',
    name: 'failure summary: permission denied to sign',
    expect: failed('TRANSIT_PERMISSION_DENIED'),
    steps: (c) => [mainStep(c, { 'sign-blobs': 'artifact.txt', role: c.stack.STACK_ROLE_NOSIGN }), postStep(c)],
  },
  {
    front: 'action',
    name: 'token lives longer than max-token-ttl (revoked at once)',
    expect: failed('VAULT_TOKEN_TTL_EXCEEDED'),
    steps: (c) => [mainStep(c, { 'max-token-ttl': '10s' })],
  },
  {
    front: 'action',
    // A copy of the stack's 5 s role whose tokens live 3 s: on a slow link to Vault the session
    // logs in again before signing or before the run command starts, in a few seconds.
    name: 're-login during a long run (3 s tokens, slow link): signing, then run gets a fresh token',
    expect: ok,
    minTokens: 2,
    steps: async (c) => {
      const role = await copyRole(c.stack, c.stack.STACK_ROLE_SHORT, { token_ttl: 3, token_max_ttl: 3 });
      c.cleanup(() => deleteRole(c.stack, role));
      const vault = await relayedVault(c, 700);
      const inputs = { 'vault-addr': vault.address, role, 'sign-blobs': 'artifact.txt', run: probeLine(c) };
      return [mainStep(c, { ...inputs, 'export-token': 'true' }, { RUNNER_DEBUG: '1' }), postStep(c)];
    },
  },
  {
    front: 'action',
    name: 'proxy: true with step debug, a later step through it',
    expect: ok,
    steps: (c) => [mainStep(c, { proxy: 'true' }, { RUNNER_DEBUG: '1' }), postStep(c, { RUNNER_DEBUG: '1' })],
    afterMain: async (_c, main) => [throughProxy(main.env.VAULT_ADDR ?? '')],
  },
  {
    front: 'action',
    name: 'method: cert (X.509-SVID login), sign-blobs',
    method: 'cert',
    expect: ok,
    steps: (c) => [
      mainStep(
        c,
        {
          method: 'cert',
          'vault-addr': c.stack.STACK_VAULT_TLS_ADDR ?? '',
          'ca-cert': c.stack.STACK_TLS_CA_FILE ?? '',
          role: c.stack.STACK_CERT_ROLE ?? '',
          'sign-blobs': 'artifact.txt',
        },
        { RUNNER_DEBUG: '1' },
      ),
      postStep(c),
    ],
  },
  {
    front: 'action',
    name: 'sign-images on a registry that wants a password, with step debug',
    otherSecrets: registryPassword,
    expect: ok,
    steps: (c) => {
      const { ref, dockerConfig } = imageBehindPassword(c);
      return [mainStep(c, { 'sign-images': ref }, { DOCKER_CONFIG: dockerConfig, RUNNER_DEBUG: '1' }), postStep(c)];
    },
  },
  {
    front: 'action',
    name: 'doctor: true with an admin VAULT_TOKEN in the job environment',
    expect: ok,
    steps: (c) => [mainStep(c, { doctor: 'true' }, { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN, RUNNER_DEBUG: '1' })],
  },
  {
    front: 'action',
    name: 'failure summary with an admin VAULT_TOKEN in the job environment: audience refused',
    audience: 'not-vault',
    expect: failed('VAULT_LOGIN_DENIED'),
    steps: (c) => [mainStep(c, { audience: 'not-vault' }, { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN })],
  },
  {
    front: 'action',
    name: 'failure summary: method cert with a role that trusts another CA',
    method: 'cert',
    expect: failed('VAULT_LOGIN_DENIED'),
    steps: (c) => [
      mainStep(
        c,
        {
          method: 'cert',
          'vault-addr': c.stack.STACK_VAULT_TLS_ADDR ?? '',
          'ca-cert': c.stack.STACK_TLS_CA_FILE ?? '',
          role: c.stack.STACK_CERT_ROLE_UNTRUSTED ?? '',
        },
        { RUNNER_DEBUG: '1' },
      ),
    ],
  },
  (() => {
    let vault: Awaited<ReturnType<typeof relayedVault>>;
    return {
      front: 'action',
      name: 'post step: Vault sealed at revoke',
      expect: { status: 0, problem: /::warning::could not revoke the Vault token: .*Vault is sealed/ },
      steps: async (c) => {
        vault = await relayedVault(c);
        return [mainStep(c, { 'vault-addr': vault.address }), postStep(c)];
      },
      afterMain: async () => {
        await vault.sealed();
        return [];
      },
    } satisfies Scenario;
  })(),
];

const cliScenarios: Scenario[] = [
  {
    front: 'cli',
    name: 'auth (stdout holds the token for eval: only its export line may)',
    expect: ok,
    commands: (c) => [{ args: ['auth', '--role', c.stack.STACK_ROLE], stdout: 'auth exports' }],
  },
  {
    front: 'cli',
    name: 'auth --json',
    expect: ok,
    commands: (c) => [{ args: ['auth', '--role', c.stack.STACK_ROLE, '--json'], stdout: 'auth json' }],
  },
  {
    front: 'cli',
    name: 'auth with debug output (SPIFFE_VAULT_DEBUG=1)',
    expect: ok,
    commands: (c) => [
      { args: ['auth', '--role', c.stack.STACK_ROLE], env: { SPIFFE_VAULT_DEBUG: '1' }, stdout: 'auth exports' },
    ],
  },
  {
    front: 'cli',
    name: 'auth with the Go CLI flags the GitLab jobs use',
    expect: ok,
    commands: (c) => [
      {
        args: [
          'auth',
          '-role',
          c.stack.STACK_ROLE,
          '-authPath',
          'jwt',
          '-socketPath',
          c.stack.SPIFFE_ENDPOINT_SOCKET,
          '-audience',
          c.stack.STACK_AUDIENCE,
        ],
        stdout: 'auth exports',
      },
    ],
  },
  {
    front: 'cli',
    name: 'auth with an unknown role',
    expect: failed('VAULT_LOGIN_DENIED'),
    commands: () => [{ args: ['auth', '--role', 'no-such-role'], env: { SPIFFE_VAULT_DEBUG: '1' } }],
  },
  {
    front: 'cli',
    name: 'auth, then revoke with VAULT_TOKEN',
    expect: ok,
    commands: (c) => [
      { args: ['auth', '--role', c.stack.STACK_ROLE], stdout: 'auth exports' },
      { args: ['revoke'], env: (token) => ({ VAULT_TOKEN: token, SPIFFE_VAULT_DEBUG: '1' }) },
    ],
  },
  {
    front: 'cli',
    name: 'exec: the command prints its environment and arguments',
    expect: ok,
    commands: (c) => [{ args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'sh', ...probe(c)], stdout: 'exec child' }],
  },
  {
    front: 'cli',
    name: 'exec with debug output',
    expect: ok,
    commands: (c) => [
      {
        args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'sh', ...probe(c)],
        env: { SPIFFE_VAULT_DEBUG: '1' },
        stdout: 'exec child',
      },
    ],
  },
  {
    front: 'cli',
    name: 'exec with the Go CLI flags',
    expect: ok,
    commands: (c) => [
      { args: ['exec', '-role', c.stack.STACK_ROLE, '-authPath', 'jwt', 'sh', ...probe(c)], stdout: 'exec child' },
    ],
  },
  {
    front: 'cli',
    name: 'exec: the command fails',
    expect: { status: 3 },
    commands: (c) => [
      { args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'sh', ...probe(c, 3)], stdout: 'exec child' },
    ],
  },
  {
    front: 'cli',
    name: 'exec: the command does not exist',
    expect: { status: 127 },
    commands: (c) => [{ args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'no-such-command-leak-matrix'] }],
  },
  {
    front: 'cli',
    name: 'exec: Vault sealed',
    logsIn: false,
    expect: failed('VAULT_SEALED'),
    commands: async (c) => {
      const sealed = await startSealedServer(c.stack);
      c.cleanup(() => sealed.stop());
      return [
        { args: ['exec', '--role', c.stack.STACK_ROLE, '--vault-addr', sealed.address, '--', 'sh', ...probe(c)] },
      ];
    },
  },
  {
    front: 'cli',
    name: 'exec running sign-blob with the token it was given',
    expect: ok,
    commands: (c) => [
      { args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'node', CLI, 'sign-blob', '--provenance', 'artifact.txt'] },
    ],
  },
  {
    front: 'cli',
    name: 'sign-blob with an attestation',
    expect: ok,
    commands: (c) => [
      {
        args: [
          'sign-blob',
          '--role',
          c.stack.STACK_ROLE,
          '--predicate',
          'sbom.spdx.json',
          '--type',
          'spdxjson',
          '--json',
          'artifact.txt',
        ],
      },
    ],
  },
  {
    front: 'cli',
    name: 'sign-blob: permission denied',
    expect: failed('TRANSIT_PERMISSION_DENIED'),
    commands: (c) => [
      { args: ['sign-blob', '--role', c.stack.STACK_ROLE_NOSIGN, 'artifact.txt'], env: { SPIFFE_VAULT_DEBUG: '1' } },
    ],
  },
  {
    front: 'cli',
    name: 'sign-image',
    expect: ok,
    commands: (c) => {
      const ref = `${c.stack.STACK_REGISTRY}/leak-matrix/cli:${Date.now()}`;
      pushImage(c.stack, ref, `leak ${ref}`);
      return [{ args: ['sign-image', '--role', c.stack.STACK_ROLE, '--format', 'both', '--json', ref] }];
    },
  },
  {
    front: 'cli',
    name: 'auth --method cert (X.509-SVID login) with debug output',
    method: 'cert',
    expect: ok,
    commands: (c) => [
      {
        args: [
          'auth',
          '--method',
          'cert',
          '--role',
          c.stack.STACK_CERT_ROLE ?? '',
          '--vault-addr',
          c.stack.STACK_VAULT_TLS_ADDR ?? '',
        ],
        env: { VAULT_CACERT: c.stack.STACK_TLS_CA_FILE, SPIFFE_VAULT_DEBUG: '1' },
        stdout: 'auth exports',
      },
    ],
  },
  {
    front: 'cli',
    name: 'exec: token lives longer than --max-token-ttl',
    expect: failed('VAULT_TOKEN_TTL_EXCEEDED'),
    commands: (c) => [
      { args: ['exec', '--role', c.stack.STACK_ROLE, '--max-token-ttl', '10s', '--', 'sh', ...probe(c)] },
    ],
  },
  {
    front: 'cli',
    name: 'auth, sign-blob with VAULT_TOKEN and debug output, revoke',
    expect: ok,
    commands: (c) => [
      { args: ['auth', '--role', c.stack.STACK_ROLE], stdout: 'auth exports' },
      {
        args: ['sign-blob', '--json', 'artifact.txt'],
        env: (token) => ({ VAULT_TOKEN: token, SPIFFE_VAULT_DEBUG: '1' }),
      },
      { args: ['revoke'], env: (token) => ({ VAULT_TOKEN: token }) },
    ],
  },
  {
    front: 'cli',
    name: 'proxy --background with debug output, a request through it, stopped with kill',
    expect: ok,
    commands: (c) => [
      {
        args: ['proxy', '--role', c.stack.STACK_ROLE, '--background'],
        env: { SPIFFE_VAULT_DEBUG: '1' },
        afterRun: (c, r) => stopBackgroundProxy(c, r),
      },
    ],
  },
  {
    front: 'cli',
    name: 'proxy -- COMMAND: re-login after a 5 s token expired',
    expect: ok,
    minTokens: 2,
    commands: (c) => [
      {
        args: [
          'proxy',
          '--role',
          c.stack.STACK_ROLE_SHORT,
          '--',
          'sh',
          '-c',
          'sleep 4; curl -s --unix-socket "${VAULT_ADDR#unix://}" -H "X-Vault-Token: $VAULT_TOKEN" http://proxy/v1/auth/token/lookup-self',
        ],
        env: { SPIFFE_VAULT_DEBUG: '1' },
      },
    ],
  },
  {
    front: 'cli',
    name: 'sign-image on a registry that wants a password, with debug output',
    otherSecrets: registryPassword,
    expect: ok,
    commands: (c) => {
      const { ref, dockerConfig } = imageBehindPassword(c);
      return [
        {
          args: ['sign-image', '--role', c.stack.STACK_ROLE, ref],
          env: { DOCKER_CONFIG: dockerConfig, SPIFFE_VAULT_DEBUG: '1' },
        },
      ];
    },
  },
  {
    front: 'cli',
    name: 'doctor with an admin VAULT_TOKEN: audience the role refuses',
    audience: 'not-vault',
    expect: { status: 1 },
    commands: (c) => [
      {
        args: ['doctor', '--role', c.stack.STACK_ROLE, '--audience', 'not-vault'],
        env: { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN, SPIFFE_VAULT_DEBUG: '1' },
      },
    ],
  },
  {
    front: 'cli',
    name: 'doctor with an admin VAULT_TOKEN',
    expect: ok,
    commands: (c) => [
      { args: ['doctor', '--role', c.stack.STACK_ROLE], env: { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN } },
    ],
  },
  {
    front: 'cli',
    name: 'doctor --json with an admin VAULT_TOKEN',
    expect: ok,
    commands: (c) => [
      { args: ['doctor', '--role', c.stack.STACK_ROLE, '--json'], env: { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN } },
    ],
  },
  {
    front: 'cli',
    name: 'doctor --json with an admin VAULT_TOKEN: audience the role refuses',
    audience: 'not-vault',
    expect: { status: 1 },
    commands: (c) => [
      {
        args: ['doctor', '--role', c.stack.STACK_ROLE, '--audience', 'not-vault', '--json'],
        env: { VAULT_TOKEN: c.stack.STACK_ADMIN_TOKEN },
      },
    ],
  },
];

let stack: StackEnv;
let audit: RawAudit;
before(async () => {
  stack = loadStackEnv();
  audit = await RawAudit.enable(stack);
});
after(async () => {
  await audit?.disable();
});

describe('the matrix sees a planted leak', () => {
  test('action: run prints base64 of token:TOKEN', async () => {
    const scenario: Scenario = {
      front: 'action',
      name: 'planted',
      expect: ok,
      steps: (c) => [mainStep(c, { run: `sh ${plantedLeak(c)}` })],
    };
    await assert.rejects(
      checkScenario(stack, audit, scenario),
      /Vault token \(base64 \(offset 0\)\) in step 1 \(main\) stdout/,
    );
  });

  test('cli: exec writes base64 of token:TOKEN', async () => {
    const scenario: Scenario = {
      front: 'cli',
      name: 'planted',
      expect: ok,
      commands: (c) => [
        { args: ['exec', '--role', c.stack.STACK_ROLE, '--', 'sh', plantedLeak(c)], stdout: 'exec child' },
      ],
    };
    await assert.rejects(checkScenario(stack, audit, scenario), /Vault token \(base64 \(offset 0\)\) in exec stdout/);
  });
});

describe('leak matrix', () => {
  const scenarios = [...actionScenarios, ...cliScenarios];
  test('has at least 30 scenarios, each named once', () => {
    assert.ok(scenarios.length >= 30, `${scenarios.length} scenarios`);
    assert.equal(new Set(scenarios.map((s) => s.name)).size, scenarios.length);
  });
  for (const scenario of scenarios) {
    test(`${scenario.front}: ${scenario.name}`, async (t) => {
      const figures = await checkScenario(stack, audit, scenario);
      t.diagnostic(
        `${figures.tokens} token(s) minted; scanned ${figures.places} places (${figures.allowed} allowed to hold one), ${figures.bytes} bytes, for ${figures.secrets} secrets`,
      );
    });
  }
});
