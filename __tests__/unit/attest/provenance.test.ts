// SLSA provenance v1 from the CI context: GitHub's and GitLab's variables become the build
// definition; anywhere else only the builder is recorded; nothing else of the environment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILD_TYPES, buildProvenance, ciOf } from '../../../src/core/attest/provenance.ts';

const BUILDER = 'spiffe://example.org/ci/runner';

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.example.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REPOSITORY_ID: '42',
  GITHUB_REPOSITORY_OWNER_ID: '7',
  GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/release.yml@refs/tags/v1.2.3',
  GITHUB_REF: 'refs/tags/v1.2.3',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_EVENT_NAME: 'push',
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '2',
  RUNNER_ENVIRONMENT: 'self-hosted',
};

const GITLAB = {
  GITLAB_CI: 'true',
  CI_SERVER_URL: 'https://gitlab.example.com',
  CI_PROJECT_URL: 'https://gitlab.example.com/acme/app',
  CI_PROJECT_ID: '99',
  CI_PIPELINE_ID: '555',
  CI_PIPELINE_SOURCE: 'push',
  CI_JOB_ID: '777',
  CI_JOB_NAME: 'release',
  CI_JOB_URL: 'https://gitlab.example.com/acme/app/-/jobs/777',
  CI_RUNNER_ID: '12',
  CI_COMMIT_SHA: 'b'.repeat(40),
  CI_COMMIT_BRANCH: 'main',
  CI_COMMIT_REF_NAME: 'main',
  CI_CONFIG_PATH: '.gitlab-ci.yml',
};

const SECRETS = {
  VAULT_TOKEN: 'hvs.secret-token-value',
  GITHUB_TOKEN: 'ghs_secret',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret-request-token',
  CI_JOB_TOKEN: 'glcbt-secret',
  CI_JOB_JWT: 'eyJhbGciOi.secret.jwt',
  INPUT_CLIENT_KEY: '-----BEGIN PRIVATE KEY-----',
};

describe('buildProvenance', () => {
  test('GitHub Actions: the workflow, repository, event, commit, run and attempt, runner environment', () => {
    assert.equal(ciOf(GITHUB), 'github');
    const p = buildProvenance({ builderId: BUILDER, env: GITHUB });
    assert.equal(p.runDetails.builder.id, BUILDER);
    assert.equal(p.buildDefinition.buildType, BUILD_TYPES.github);
    assert.deepEqual(p.buildDefinition.externalParameters, {
      workflow: {
        ref: 'refs/tags/v1.2.3',
        repository: 'https://github.example.com/acme/app',
        path: '.github/workflows/release.yml',
      },
    });
    assert.deepEqual(p.buildDefinition.internalParameters, {
      github: {
        event_name: 'push',
        repository_id: '42',
        repository_owner_id: '7',
        runner_environment: 'self-hosted',
      },
    });
    assert.deepEqual(p.buildDefinition.resolvedDependencies, [
      { uri: 'git+https://github.example.com/acme/app@refs/tags/v1.2.3', digest: { gitCommit: 'a'.repeat(40) } },
    ]);
    assert.equal(
      p.runDetails.metadata?.invocationId,
      'https://github.example.com/acme/app/actions/runs/1001/attempts/2',
    );
  });

  test('GitLab CI: project, pipeline, job, commit, ref', () => {
    assert.equal(ciOf(GITLAB), 'gitlab');
    const p = buildProvenance({ builderId: BUILDER, env: GITLAB, startedOn: new Date('2026-01-02T03:04:05Z') });
    assert.equal(p.runDetails.builder.id, BUILDER);
    assert.equal(p.buildDefinition.buildType, BUILD_TYPES.gitlab);
    assert.deepEqual(p.buildDefinition.externalParameters, {
      project: 'https://gitlab.example.com/acme/app',
      ref: 'refs/heads/main',
      config: '.gitlab-ci.yml',
      pipeline_source: 'push',
    });
    assert.deepEqual(p.buildDefinition.internalParameters, {
      gitlab: {
        server_url: 'https://gitlab.example.com',
        project_id: '99',
        pipeline_id: '555',
        job_id: '777',
        job_name: 'release',
        runner_id: '12',
      },
    });
    assert.deepEqual(p.buildDefinition.resolvedDependencies, [
      { uri: 'git+https://gitlab.example.com/acme/app@refs/heads/main', digest: { gitCommit: 'b'.repeat(40) } },
    ]);
    assert.deepEqual(p.runDetails.metadata, {
      invocationId: 'https://gitlab.example.com/acme/app/-/jobs/777',
      startedOn: '2026-01-02T03:04:05.000Z',
    });
  });

  test('a GitLab tag pipeline records the tag ref', () => {
    const env = { ...GITLAB, CI_COMMIT_BRANCH: '', CI_COMMIT_TAG: 'v2.0.0' };
    const p = buildProvenance({ builderId: BUILDER, env });
    assert.equal((p.buildDefinition.externalParameters as { ref: string }).ref, 'refs/tags/v2.0.0');
  });

  test('elsewhere: only the builder, a command-line build type, no parameters', () => {
    for (const env of [{}, { GITHUB_ACTIONS: 'true' }, { GITLAB_CI: 'true' }, { CI: 'true', HOME: '/root' }]) {
      assert.equal(ciOf(env), 'other');
      assert.deepEqual(buildProvenance({ builderId: BUILDER, env }), {
        buildDefinition: { buildType: BUILD_TYPES.other, externalParameters: {} },
        runDetails: { builder: { id: BUILDER } },
      });
    }
  });

  test('no token, JWT or secret variable reaches the predicate', () => {
    for (const env of [{ ...GITHUB, ...SECRETS }, { ...GITLAB, ...SECRETS }, { ...SECRETS }]) {
      const text = JSON.stringify(buildProvenance({ builderId: BUILDER, env }));
      for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `${secret} leaked`);
    }
  });
});
