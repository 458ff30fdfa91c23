// Attestations about files on the real stack: SLSA provenance and an SPDX SBOM signed with the
// transit key by the action (sign-blobs), the CLI (sign-blob, attest-blob, under exec) and the
// GitLab sign component; real cosign v3 verify-blob-attestation and @sigstore/verify accept them,
// a modified file is refused, the statements say what they should and nothing secret; bad
// predicates and attestations without files fail with a code before anything is written.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actionInputs } from '../helpers/action-inputs.ts';
import { ActionsRunner, type StepResult } from '../helpers/actions-runner.ts';
import { cli, cliEnv, copyRole, deleteRole, leaks, liveTokensOfRole } from '../helpers/cli-run.ts';
import { componentInclude, LOCAL_CLI, runPipeline } from '../helpers/gitlab-pipeline.ts';
import { verifyBundleWithKey } from '../helpers/sigstore-verify.ts';
import { describeRun, loadStackEnv, repoRoot, run, type StackEnv } from '../helpers/stack-env.ts';
import { transitPublicKeyPem } from '../helpers/vault-admin.ts';

const MAIN = join(repoRoot, 'dist', 'main.js');
const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';

interface Statement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    buildDefinition?: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters?: Record<string, Record<string, string>>;
      resolvedDependencies?: { uri: string; digest: { gitCommit: string } }[];
    };
    runDetails?: { builder: { id: string }; metadata?: { invocationId?: string } };
    [key: string]: unknown;
  };
}

interface AttestationOutput {
  path: string;
  predicateType: string;
  subjects: number;
  keyVersion: number;
}

let stack: StackEnv;
let role: string;
before(async () => {
  stack = loadStackEnv();
  role = await copyRole(stack, stack.STACK_ROLE);
});
after(async () => {
  await deleteRole(stack, role);
});

function cosign(args: readonly string[]) {
  return run(`${stack.STACK_BIN}/cosign`, args, { env: { PATH: '/usr/bin:/bin', HOME: tmpdir() } });
}

function verifyWithCosign(pub: string, type: string, bundle: string, file: string) {
  return cosign([
    'verify-blob-attestation',
    '--key',
    pub,
    '--type',
    type,
    '--insecure-ignore-tlog=true',
    '--bundle',
    bundle,
    file,
  ]);
}

/** The signed statement inside a `.intoto.sigstore.json` (the DSSE payload, decoded). */
function statementOf(bundlePath: string): Statement {
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as { dsseEnvelope: { payload: string } };
  return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement;
}

function sha256(path: string): string {
  return run('sha256sum', [path]).stdout.split(' ')[0] as string;
}

function modified(dir: string, path: string): string {
  const copy = join(dir, `modified-${Math.random().toString(36).slice(2)}.bin`);
  writeFileSync(copy, `${readFileSync(path, 'utf8')}x`);
  return copy;
}

/** A workspace with files to sign and an SPDX JSON SBOM about them. */
function workspace(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'attest-'));
  mkdirSync(join(dir, 'out'));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, 'out', `app-${i}.bin`), `app ${i} ${Math.random()}\n`);
  const sbom = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'app',
    documentNamespace: 'https://example.com/spdx/app-1.0',
    creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: test'] },
    packages: [{ name: 'app', SPDXID: 'SPDXRef-app', versionInfo: '1.0', downloadLocation: 'NOASSERTION' }],
  };
  writeFileSync(join(dir, 'sbom.spdx.json'), JSON.stringify(sbom));
  return dir;
}

const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_ID: '4242',
  GITHUB_REPOSITORY_OWNER_ID: '77',
  GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/release.yml@refs/tags/v1.0.0',
  GITHUB_REF: 'refs/tags/v1.0.0',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '9001',
  GITHUB_RUN_ATTEMPT: '3',
  RUNNER_ENVIRONMENT: 'self-hosted',
};

const GITLAB_ENV = {
  GITLAB_CI: 'true',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_PROJECT_URL: 'https://gitlab.example.com/acme/app',
  CI_PROJECT_ID: '99',
  CI_PIPELINE_ID: '555',
  CI_PIPELINE_SOURCE: 'push',
  CI_JOB_ID: '777',
  CI_JOB_NAME: 'release',
  CI_JOB_URL: 'https://gitlab.example.com/acme/app/-/jobs/777',
  CI_COMMIT_SHA: 'fedcba9876543210fedcba9876543210fedcba98',
  CI_COMMIT_BRANCH: 'main',
  CI_CONFIG_PATH: '.gitlab-ci.yml',
};

/** Secret-looking variables and inputs a CI job has: none may reach a statement. */
const SECRETS = {
  GITHUB_TOKEN: 'ghs_attestSecretToken0123456789',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'attest-id-token-request-secret',
  ACTIONS_RUNTIME_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJydW50aW1lIn0.c2lnbmF0dXJlLXNlY3JldA',
  CI_JOB_TOKEN: 'glcbt-attest-job-token-secret',
  CI_JOB_JWT_V2: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2Itand0In0.c2VjcmV0LWp3dC1zaWc',
  DEPLOY_PASSWORD: 'attest-deploy-password-secret',
};
const SECRET_INPUTS = { password: 'attest-input-password-secret', 'secret-id': 'attest-input-secret-id' };

function assertNothingSecret(bundlePath: string, extra: readonly string[]): void {
  const raw = readFileSync(bundlePath, 'utf8');
  const decoded = JSON.stringify(statementOf(bundlePath));
  for (const text of [raw, decoded]) {
    assert.deepEqual(
      leaks(text, [...Object.values(SECRETS), ...Object.values(SECRET_INPUTS), ...extra]),
      [],
      `${bundlePath} holds a secret`,
    );
  }
}

describe('the action: sign-blobs with provenance and an SPDX SBOM', () => {
  const runner = new ActionsRunner();
  let dir: string;
  let main: StepResult;
  let attestations: AttestationOutput[];
  let signed: { path: string; sha256: string }[];
  let pub: string;

  before(async () => {
    dir = workspace(3);
    main = await runner.runStep(
      MAIN,
      actionInputs(stack, {
        timeout: '30s',
        'sign-blobs': 'out/*.bin',
        'signature-dir': 'sigs',
        provenance: 'true',
        'attest-predicate': 'sbom.spdx.json',
        'attest-type': 'spdxjson',
        ...SECRET_INPUTS,
      }),
      { GITHUB_WORKSPACE: dir, ...GITHUB_ENV, ...SECRETS },
    );
    attestations = JSON.parse(main.outputs.attestations ?? '[]') as AttestationOutput[];
    signed = JSON.parse(main.outputs['signed-blobs'] ?? '[]') as { path: string; sha256: string }[];
    pub = main.outputs['public-key-path'] ?? '';
  });

  test('writes provenance.intoto.sigstore.json and sbom.spdx.intoto.sigstore.json, says so in outputs and the summary', () => {
    assert.equal(main.status, 0, main.stdout);
    assert.deepEqual(attestations, [
      {
        path: join(dir, 'sigs', 'provenance.intoto.sigstore.json'),
        predicateType: SLSA_V1,
        subjects: 3,
        keyVersion: 1,
      },
      { path: join(dir, 'sigs', 'sbom.spdx.intoto.sigstore.json'), predicateType: SPDX, subjects: 3, keyVersion: 1 },
    ]);
    assert.equal(signed.length, 3);
    assert.match(main.summary, /Signed 2 attestation\(s\) with transit\/keys\/.+ v1/);
    assert.match(main.summary, /sigs\/provenance\.intoto\.sigstore\.json/);
    assert.match(main.summary, /verify-blob-attestation/);
  });

  test('cosign v3 verify-blob-attestation accepts both for every file, and refuses a modified file', () => {
    for (const file of signed) {
      const provenance = verifyWithCosign(pub, 'slsaprovenance1', attestations[0]?.path ?? '', file.path);
      assert.equal(provenance.status, 0, provenance.stderr);
      const sbom = verifyWithCosign(pub, 'spdxjson', attestations[1]?.path ?? '', file.path);
      assert.equal(sbom.status, 0, sbom.stderr);
    }
    const victim = modified(dir, signed[0]?.path ?? '');
    assert.notEqual(verifyWithCosign(pub, 'slsaprovenance1', attestations[0]?.path ?? '', victim).status, 0);
    // The wrong type is refused too.
    assert.notEqual(verifyWithCosign(pub, 'spdxjson', attestations[0]?.path ?? '', signed[0]?.path ?? '').status, 0);
  });

  test('@sigstore/verify accepts both bundles with the public key', async () => {
    const pem = main.outputs['public-key'] ?? '';
    for (const attestation of attestations) {
      await verifyBundleWithKey(readFileSync(attestation.path, 'utf8'), Buffer.alloc(0), pem);
    }
  });

  test('the provenance: every file by name and digest, builder = the SPIFFE ID, the GitHub context', () => {
    const statement = statementOf(attestations[0]?.path ?? '');
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, SLSA_V1);
    assert.deepEqual(
      statement.subject,
      signed.map((file, i) => ({ name: `out/app-${i}.bin`, digest: { sha256: file.sha256 } })),
    );
    for (const [i, subject] of statement.subject.entries()) {
      assert.equal(subject.digest.sha256, sha256(join(dir, 'out', `app-${i}.bin`)));
    }
    const { buildDefinition, runDetails } = statement.predicate;
    assert.equal(runDetails?.builder.id, stack.STACK_SPIFFE_ID);
    assert.equal(main.outputs['spiffe-id'], stack.STACK_SPIFFE_ID);
    assert.match(buildDefinition?.buildType ?? '', /#github-actions-v1$/);
    assert.deepEqual(buildDefinition?.externalParameters, {
      workflow: {
        ref: 'refs/tags/v1.0.0',
        repository: 'https://github.example.com/acme/app',
        path: '.github/workflows/release.yml',
      },
    });
    assert.deepEqual(buildDefinition?.internalParameters, {
      github: {
        event_name: 'push',
        repository_id: '4242',
        repository_owner_id: '77',
        runner_environment: 'self-hosted',
      },
    });
    assert.deepEqual(buildDefinition?.resolvedDependencies, [
      {
        uri: 'git+https://github.example.com/acme/app@refs/tags/v1.0.0',
        digest: { gitCommit: GITHUB_ENV.GITHUB_SHA },
      },
    ]);
    assert.equal(
      runDetails?.metadata?.invocationId,
      'https://github.example.com/acme/app/actions/runs/9001/attempts/3',
    );
  });

  test('the SBOM: the same subjects, the SPDX document as the predicate', () => {
    const statement = statementOf(attestations[1]?.path ?? '');
    assert.equal(statement.predicateType, SPDX);
    assert.deepEqual(statement.subject, statementOf(attestations[0]?.path ?? '').subject);
    assert.deepEqual(statement.predicate, JSON.parse(readFileSync(join(dir, 'sbom.spdx.json'), 'utf8')));
  });

  test('no token, JWT or secret input in any statement', () => {
    const token = main.env.VAULT_TOKEN ?? '';
    assert.ok(token.length > 10, 'the step exported a token to compare with');
    for (const attestation of attestations) assertNothingSecret(attestation.path, [token]);
  });

  test('spiffe-vault verify-attestation: the type, the builder glob, every file; a modified file fails', () => {
    const files = signed.map((f) => f.path);
    const bundle = attestations[0]?.path ?? '';
    const ok = cli([
      'verify-attestation',
      '--json',
      '--key',
      pub,
      '--type',
      'slsaprovenance1',
      '--builder-id',
      `spiffe://${stack.STACK_TRUST_DOMAIN}/*`,
      '--bundle',
      bundle,
      ...files,
    ]);
    assert.equal(ok.status, 0, describeRun('verify-attestation', ok));
    const report = JSON.parse(ok.stdout) as { verified: boolean; builderId: string; artifacts: { subject: string }[] };
    assert.equal(report.verified, true);
    assert.equal(report.builderId, stack.STACK_SPIFFE_ID);
    assert.deepEqual(
      report.artifacts.map((a) => a.subject),
      ['out/app-0.bin', 'out/app-1.bin', 'out/app-2.bin'],
    );

    const fail = (args: string[], code: RegExp) => {
      const r = cli(['verify-attestation', '--key', pub, ...args]);
      assert.equal(r.status, 1, describeRun('verify-attestation', r));
      assert.match(r.stderr, code);
    };
    fail(['--bundle', bundle, files[0] as string, modified(dir, files[0] as string)], /\[SUBJECT_MISMATCH\]/);
    fail(['--type', 'spdxjson', '--bundle', bundle, files[0] as string], /\[PREDICATE_TYPE_MISMATCH\]/);
    fail(
      ['--builder-id', 'spiffe://other.example/*', '--bundle', bundle, files[0] as string],
      /\[BUILDER_ID_MISMATCH\]/,
    );
    fail(['--bundle', join(dir, 'sigs', 'app-0.bin.sigstore.json'), files[0] as string], /\[BUNDLE_INVALID\]/);
    // Signed with another key: the signature does not verify.
    const otherKey = join(dir, 'other.pub');
    run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'other.key')]);
    run('openssl', ['ec', '-in', join(dir, 'other.key'), '-pubout', '-out', otherKey]);
    const other = cli(['verify-attestation', '--key', otherKey, '--bundle', bundle, files[0] as string]);
    assert.equal(other.status, 1);
    assert.match(other.stderr, /\[SIGNATURE_INVALID\]/);
  });
});

describe('the CLI', () => {
  test('sign-blob --provenance under GitLab CI: cosign verifies, the statement has the GitLab context', () => {
    const dir = workspace(2);
    const r = cli(['sign-blob', '--role', role, '--provenance', '--json', 'out/*.bin'], {
      env: cliEnv(stack, { ...GITLAB_ENV, ...SECRETS }),
      cwd: dir,
    });
    assert.equal(r.status, 0, describeRun('sign-blob', r));
    const result = JSON.parse(r.stdout) as {
      publicKeyPath: string;
      files: { path: string; sha256: string; signature: string }[];
      attestations: AttestationOutput[];
    };
    const bundle = join(dir, 'provenance.intoto.sigstore.json');
    assert.deepEqual(result.attestations, [{ path: bundle, predicateType: SLSA_V1, subjects: 2, keyVersion: 1 }]);
    for (const file of result.files) {
      const v = verifyWithCosign(result.publicKeyPath, 'slsaprovenance1', bundle, file.path);
      assert.equal(v.status, 0, v.stderr);
      assert.ok(existsSync(file.signature));
    }
    const statement = statementOf(bundle);
    assert.deepEqual(
      statement.subject,
      result.files.map((f, i) => ({ name: `out/app-${i}.bin`, digest: { sha256: f.sha256 } })),
    );
    const { buildDefinition, runDetails } = statement.predicate;
    assert.equal(runDetails?.builder.id, stack.STACK_SPIFFE_ID);
    assert.match(buildDefinition?.buildType ?? '', /#gitlab-ci-v1$/);
    assert.deepEqual(buildDefinition?.externalParameters, {
      project: 'https://gitlab.example.com/acme/app',
      ref: 'refs/heads/main',
      config: '.gitlab-ci.yml',
      pipeline_source: 'push',
    });
    assert.deepEqual(buildDefinition?.internalParameters?.gitlab, {
      server_url: 'https://gitlab.example.com',
      project_id: '99',
      pipeline_id: '555',
      job_id: '777',
      job_name: 'release',
    });
    assert.equal(buildDefinition?.resolvedDependencies?.[0]?.digest.gitCommit, GITLAB_ENV.CI_COMMIT_SHA);
    assert.equal(runDetails?.metadata?.invocationId, GITLAB_ENV.CI_JOB_URL);
    assertNothingSecret(bundle, []);
    assert.deepEqual(leaks(r.stdout + r.stderr), []);
  });

  test('attest-blob --predicate (custom, with a name): attestations only, no .sig; cosign verifies it', () => {
    const dir = workspace(2);
    writeFileSync(join(dir, 'notes.txt'), 'built on a self-hosted runner\n');
    const r = cli(
      [
        'attest-blob',
        '--role',
        role,
        '--predicate',
        'notes.txt',
        '--attestation-name',
        'release-notes',
        '--json',
        'out/*',
      ],
      { env: cliEnv(stack), cwd: dir },
    );
    assert.equal(r.status, 0, describeRun('attest-blob', r));
    const result = JSON.parse(r.stdout) as {
      publicKeyPath: string;
      attestations: AttestationOutput[];
      files?: unknown;
    };
    const bundle = join(dir, 'release-notes.intoto.sigstore.json');
    assert.equal(result.files, undefined);
    assert.deepEqual(result.attestations, [
      { path: bundle, predicateType: 'https://cosign.sigstore.dev/attestation/v1', subjects: 2, keyVersion: 1 },
    ]);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['app-0.bin', 'app-1.bin'], 'no .sig or bundle per file');
    for (const name of ['app-0.bin', 'app-1.bin']) {
      const v = verifyWithCosign(result.publicKeyPath, 'custom', bundle, join(dir, 'out', name));
      assert.equal(v.status, 0, v.stderr);
    }
    const predicate = statementOf(bundle).predicate as { Data: string; Timestamp: string };
    assert.equal(predicate.Data, 'built on a self-hosted runner\n');
    assert.match(predicate.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('inside exec, sign-blob --provenance names the SPIFFE ID of the token exec minted', () => {
    const dir = workspace(1);
    const r = cli(
      [
        'exec',
        '--role',
        role,
        '--',
        process.execPath,
        join(repoRoot, 'dist', 'cli.js'),
        'sign-blob',
        '--provenance',
        'out/app-0.bin',
      ],
      { env: cliEnv(stack), cwd: dir },
    );
    assert.equal(r.status, 0, describeRun('exec sign-blob', r));
    const bundle = join(dir, 'provenance.intoto.sigstore.json');
    assert.equal(statementOf(bundle).predicate.runDetails?.builder.id, stack.STACK_SPIFFE_ID);
    const v = verifyWithCosign(
      join(dir, `${stack.STACK_TRANSIT_KEY}.pub`),
      'slsaprovenance1',
      bundle,
      join(dir, 'out', 'app-0.bin'),
    );
    assert.equal(v.status, 0, v.stderr);
  });

  test('with $VAULT_TOKEN alone, --provenance is refused (the builder would be unknown)', () => {
    const dir = workspace(1);
    const r = cli(['sign-blob', '--provenance', 'out/app-0.bin'], {
      env: cliEnv(stack, { VAULT_TOKEN: 'hvs.not-used-here' }),
      cwd: dir,
    });
    assert.equal(r.status, 2, describeRun('sign-blob', r));
    assert.match(r.stderr, /\[INVALID_INPUT\].*--provenance.*--role/);
    assert.deepEqual(readdirSync(join(dir, 'out')), ['app-0.bin']);
  });
});

describe('errors: a clear code, before any login, nothing written', () => {
  const cases: { name: string; setup: (dir: string) => Record<string, string>; message: RegExp }[] = [
    { name: 'the predicate file is missing', setup: () => ({ predicate: 'missing.json' }), message: /ENOENT/ },
    {
      name: 'the predicate is not JSON',
      setup: (dir) => {
        writeFileSync(join(dir, 'bad.json'), 'SPDXVersion: SPDX-2.3\n');
        return { predicate: 'bad.json', type: 'spdxjson' };
      },
      message: /is not JSON/,
    },
    {
      name: 'the predicate is over 16 MiB',
      setup: (dir) => {
        writeFileSync(join(dir, 'huge.json'), '');
        truncateSync(join(dir, 'huge.json'), 16 * 1024 * 1024 + 1);
        return { predicate: 'huge.json', type: 'spdxjson' };
      },
      message: /more than the 16 MiB/,
    },
    {
      name: 'the type is unknown',
      setup: () => ({ predicate: 'sbom.spdx.json', type: 'spdx-json' }),
      message: /'spdx-json' is not a predicate type/,
    },
  ];

  for (const c of cases) {
    test(`${c.name}: the action and the CLI`, async () => {
      for (const front of ['action', 'cli'] as const) {
        const dir = workspace(1);
        const { predicate, type } = c.setup(dir) as { predicate: string; type?: string };
        let status: number | null;
        let text: string;
        if (front === 'action') {
          const step = await new ActionsRunner().runStep(
            MAIN,
            actionInputs(stack, {
              'sign-blobs': 'out/*.bin',
              'attest-predicate': predicate,
              ...(type ? { 'attest-type': type } : {}),
            }),
            { GITHUB_WORKSPACE: dir },
          );
          status = step.status;
          text = step.stdout;
          assert.equal(step.outputs['spiffe-id'], undefined, 'no login');
        } else {
          const r = cli(
            ['sign-blob', '--role', role, '--predicate', predicate, ...(type ? ['--type', type] : []), 'out/*.bin'],
            { env: cliEnv(stack), cwd: dir },
          );
          status = r.status;
          text = r.stderr;
          assert.equal(status, 2, describeRun('sign-blob', r));
          assert.doesNotMatch(text, /Logged in/);
        }
        assert.notEqual(status, 0);
        assert.match(text, /\[INVALID_INPUT\]/, `${front}: ${text}`);
        assert.match(text, c.message, `${front}: ${text}`);
        assert.deepEqual(readdirSync(join(dir, 'out')), ['app-0.bin'], `${front}: nothing written`);
        assert.ok(!readdirSync(dir).some((name) => name.endsWith('.intoto.sigstore.json') || name.endsWith('.pub')));
      }
    });
  }

  test('provenance with nothing to sign: INVALID_INPUT before the login (action); attest-blob without a predicate', async () => {
    const dir = workspace(1);
    const step = await new ActionsRunner().runStep(MAIN, actionInputs(stack, { provenance: 'true' }), {
      GITHUB_WORKSPACE: dir,
    });
    assert.notEqual(step.status, 0);
    assert.match(step.stdout, /\[INVALID_INPUT\]: provenance: nothing to attest/);
    assert.equal(step.outputs['spiffe-id'], undefined, 'no login');

    const none = cli(['attest-blob', '--role', role, 'out/*.bin'], { env: cliEnv(stack), cwd: dir });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /\[INVALID_INPUT\]: --provenance or --predicate/);
    const noFiles = cli(['attest-blob', '--role', role, '--provenance'], { env: cliEnv(stack), cwd: dir });
    assert.equal(noFiles.status, 2);
    assert.match(noFiles.stderr, /\[INVALID_INPUT\]: no FILE given/);
    assert.deepEqual(await liveTokensOfRole(stack, role), []);
  });
});

describe('the GitLab sign component', () => {
  test('provenance: true signs provenance about the files; cosign verifies it; the CI_* context is in it', async () => {
    const result = runPipeline(
      componentInclude(stack, 'sign', {
        role,
        inputs: { cli: LOCAL_CLI, 'sign-blobs': "'app.tar'", provenance: 'true' },
      }),
      // gitlab-ci-local says GITLAB_CI=false (it is not GitLab); a GitLab runner says true.
      { 'app.tar': 'the release artifact\n', '.gitlab-ci-local-variables.yml': "GITLAB_CI: 'true'\n" },
    );
    assert.equal(result.status, 0, result.log);
    const signatures = join(result.dir, '.gitlab-ci-local', 'artifacts', 'spiffe-vault-sign', 'signatures');
    const bundle = join(signatures, 'provenance.intoto.sigstore.json');
    const pub = join(mkdtempSync(join(tmpdir(), 'pub-')), 'cosign.pub');
    writeFileSync(pub, await transitPublicKeyPem(stack));
    const v = verifyWithCosign(pub, 'slsaprovenance1', bundle, join(result.dir, 'app.tar'));
    assert.equal(v.status, 0, v.stderr);
    const statement = statementOf(bundle);
    assert.deepEqual(statement.subject, [{ name: 'app.tar', digest: { sha256: sha256(join(result.dir, 'app.tar')) } }]);
    assert.equal(statement.predicate.runDetails?.builder.id, stack.STACK_SPIFFE_ID);
    assert.match(statement.predicate.buildDefinition?.buildType ?? '', /#gitlab-ci-v1$/);
    const external = statement.predicate.buildDefinition?.externalParameters as { project: string; ref: string };
    assert.match(external.project, /spiffe-vault/);
    assert.equal(external.ref, 'refs/heads/main');
    assert.match(
      statement.predicate.buildDefinition?.resolvedDependencies?.[0]?.digest.gitCommit ?? '',
      /^[0-9a-f]{40}$/,
    );
    assert.deepEqual(await liveTokensOfRole(stack, role), [], 'the job left a token alive');
  });
});
