// The provenance predicate, field by field, as docs/provenance.md documents it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILD_TYPES, buildProvenance } from '../../../src/core/attest/provenance.ts';
import { statementPayload } from '../../../src/core/attest/statement.ts';
import { SLSA_PROVENANCE_V1 } from '../../../src/core/attest/predicate-type.ts';

const builderId = 'spiffe://example.org/ci/runner';
const DOC = 'https://github.com/org/spiffe-vault-action/blob/main/docs/provenance.md';

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'org/app',
  GITHUB_WORKFLOW_REF: 'org/app/.github/workflows/release.yml@refs/tags/v1.2.3',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: '4f1c0d5e6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REPOSITORY_ID: '123456789',
  GITHUB_REPOSITORY_OWNER_ID: '987654',
  GITHUB_RUN_ID: '1234',
  GITHUB_RUN_ATTEMPT: '2',
  RUNNER_ENVIRONMENT: 'self-hosted',
};

const GITLAB = {
  GITLAB_CI: 'true',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_PROJECT_URL: 'https://gitlab.example.com/group/app',
  CI_PROJECT_ID: '42',
  CI_COMMIT_BRANCH: 'main',
  CI_COMMIT_REF_NAME: 'main',
  CI_COMMIT_SHA: '0123456789abcdef0123456789abcdef01234567',
  CI_CONFIG_PATH: '.gitlab-ci.yml',
  CI_PIPELINE_SOURCE: 'push',
  CI_PIPELINE_ID: '1001',
  CI_JOB_ID: '2002',
  CI_JOB_NAME: 'release',
  CI_JOB_URL: 'https://gitlab.example.com/group/app/-/jobs/2002',
  CI_RUNNER_ID: '7',
};

describe('buildType URIs', () => {
  test('are the anchors of docs/provenance.md', () => {
    assert.deepEqual(BUILD_TYPES, {
      github: `${DOC}#github-actions-v1`,
      gitlab: `${DOC}#gitlab-ci-v1`,
      other: `${DOC}#command-line-v1`,
    });
  });
});

describe('github-actions-v1', () => {
  test('records the GITHUB_* fields as GitHub names them', () => {
    assert.deepEqual(buildProvenance({ builderId, env: GITHUB }), {
      buildDefinition: {
        buildType: `${DOC}#github-actions-v1`,
        externalParameters: {
          workflow: {
            ref: 'refs/tags/v1.2.3',
            repository: 'https://github.com/org/app',
            path: '.github/workflows/release.yml',
          },
        },
        internalParameters: {
          github: {
            event_name: 'push',
            repository_id: '123456789',
            repository_owner_id: '987654',
            runner_environment: 'self-hosted',
          },
        },
        resolvedDependencies: [
          {
            uri: 'git+https://github.com/org/app@refs/tags/v1.2.3',
            digest: { gitCommit: '4f1c0d5e6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d' },
          },
        ],
      },
      runDetails: {
        builder: { id: builderId },
        metadata: { invocationId: 'https://github.com/org/app/actions/runs/1234/attempts/2' },
      },
    });
  });

  test('GHES server URL; GITHUB_REF when GITHUB_WORKFLOW_REF is unset; attempt 1 by default', () => {
    const env = { ...GITHUB, GITHUB_SERVER_URL: 'https://ghe.example.com', GITHUB_WORKFLOW_REF: undefined };
    delete (env as Record<string, unknown>).GITHUB_RUN_ATTEMPT;
    const p = buildProvenance({ builderId, env });
    assert.deepEqual(p.buildDefinition.externalParameters, {
      workflow: { ref: 'refs/tags/v1.2.3', repository: 'https://ghe.example.com/org/app', path: '' },
    });
    assert.equal(p.runDetails.metadata?.invocationId, 'https://ghe.example.com/org/app/actions/runs/1234/attempts/1');
  });

  test('without commit and run id: no resolvedDependencies, no metadata; empty variables left out', () => {
    const p = buildProvenance({
      builderId,
      env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'org/app', GITHUB_EVENT_NAME: '' },
    });
    assert.deepEqual(p.buildDefinition.internalParameters, { github: {} });
    assert.equal('resolvedDependencies' in p.buildDefinition, false);
    assert.deepEqual(p.runDetails, { builder: { id: builderId } });
  });

  test('startedOn, when given, in RFC 3339 UTC', () => {
    const p = buildProvenance({ builderId, env: GITHUB, startedOn: new Date('2026-01-02T03:04:05.678Z') });
    assert.equal(p.runDetails.metadata?.startedOn, '2026-01-02T03:04:05.678Z');
  });

  test('a tag with an @ (pkg@1.2.3) stays whole, as GitHub splits GITHUB_WORKFLOW_REF at the first @ after the path', () => {
    const p = buildProvenance({
      builderId,
      env: { ...GITHUB, GITHUB_WORKFLOW_REF: 'org/app/.github/workflows/release.yml@refs/tags/pkg@1.2.3' },
    });
    assert.deepEqual(p.buildDefinition.externalParameters, {
      workflow: {
        ref: 'refs/tags/pkg@1.2.3',
        repository: 'https://github.com/org/app',
        path: '.github/workflows/release.yml',
      },
    });
  });
});

describe('gitlab-ci-v1', () => {
  test('records the CI_* fields', () => {
    assert.deepEqual(buildProvenance({ builderId, env: GITLAB }), {
      buildDefinition: {
        buildType: `${DOC}#gitlab-ci-v1`,
        externalParameters: {
          project: 'https://gitlab.example.com/group/app',
          ref: 'refs/heads/main',
          config: '.gitlab-ci.yml',
          pipeline_source: 'push',
        },
        internalParameters: {
          gitlab: {
            server_url: 'https://gitlab.example.com',
            project_id: '42',
            pipeline_id: '1001',
            job_id: '2002',
            job_name: 'release',
            runner_id: '7',
          },
        },
        resolvedDependencies: [
          {
            uri: 'git+https://gitlab.example.com/group/app@refs/heads/main',
            digest: { gitCommit: '0123456789abcdef0123456789abcdef01234567' },
          },
        ],
      },
      runDetails: {
        builder: { id: builderId },
        metadata: { invocationId: 'https://gitlab.example.com/group/app/-/jobs/2002' },
      },
    });
  });

  test('ref: refs/tags/ for a tag pipeline, CI_COMMIT_REF_NAME as it is otherwise', () => {
    const ref = (env: Record<string, string | undefined>) =>
      buildProvenance({ builderId, env: { ...GITLAB, ...env } }).buildDefinition.externalParameters.ref;
    assert.equal(
      ref({ CI_COMMIT_BRANCH: undefined, CI_COMMIT_TAG: 'v1.2.3', CI_COMMIT_REF_NAME: 'v1.2.3' }),
      'refs/tags/v1.2.3',
    );
    assert.equal(ref({ CI_COMMIT_BRANCH: undefined, CI_COMMIT_REF_NAME: 'feature' }), 'feature');
  });
});

describe('command-line-v1', () => {
  test('outside a CI it knows, only the builder (and startedOn)', () => {
    for (const env of [{}, { GITHUB_ACTIONS: 'true' }, { GITLAB_CI: 'true' }, { CI: 'true', JENKINS_URL: 'x' }]) {
      assert.deepEqual(buildProvenance({ builderId, env, startedOn: new Date(0) }), {
        buildDefinition: { buildType: `${DOC}#command-line-v1`, externalParameters: {} },
        runDetails: { builder: { id: builderId }, metadata: { startedOn: '1970-01-01T00:00:00.000Z' } },
      });
    }
  });
});

describe('nothing secret reaches a statement', () => {
  const secrets = {
    VAULT_TOKEN: 'hvs.secret-vault-token',
    GITHUB_TOKEN: 'ghs_secret-github-token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-oidc-request-token',
    ACTIONS_RUNTIME_TOKEN: 'secret-runtime-token',
    INPUT_TOKEN: 'secret-input',
    CI_JOB_TOKEN: 'secret-job-token',
    CI_JOB_JWT_V2: 'eyJhbGciOiJFUzI1NiJ9.secret-jwt',
    CI_REGISTRY_PASSWORD: 'secret-registry-password',
    SPIFFE_ENDPOINT_SOCKET: 'unix:///secret/agent.sock',
    AWS_SECRET_ACCESS_KEY: 'secret-aws-key',
  };
  for (const [name, env] of [
    ['github', { ...GITHUB, ...secrets }],
    ['gitlab', { ...GITLAB, ...secrets }],
    ['command line', secrets],
  ] as const) {
    test(`${name}: no value of an unnamed variable is in the signed bytes`, () => {
      const payload = statementPayload({
        subjects: [{ name: 'app.tar', sha256: 'a'.repeat(64) }],
        predicateType: SLSA_PROVENANCE_V1,
        predicate: buildProvenance({ builderId, env }),
      }).toString('utf8');
      for (const value of Object.values(secrets)) assert.equal(payload.includes(value), false, value);
      assert.equal(payload.includes('secret'), false);
    });
  }
});
