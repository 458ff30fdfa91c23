/**
 * SLSA Provenance v1 predicates for what a CI job built: the builder is the SPIFFE ID the Vault
 * token was issued for (the runner's attested workload identity), the build definition is the CI
 * context. Only the variables named here are read: nothing else of the job's environment (no
 * token, no secret variable) can reach a statement. The buildType URIs and their fields are
 * documented in docs/provenance.md.
 */

type Env = Readonly<Record<string, string | undefined>>;

const BUILD_TYPE_BASE = 'https://github.com/org/spiffe-vault-action/blob/main/docs/provenance.md';
export const BUILD_TYPES = Object.freeze({
  github: `${BUILD_TYPE_BASE}#github-actions-v1`,
  gitlab: `${BUILD_TYPE_BASE}#gitlab-ci-v1`,
  other: `${BUILD_TYPE_BASE}#command-line-v1`,
});

export interface ProvenanceOptions {
  /** runDetails.builder.id: the SPIFFE ID of the token that signs. */
  readonly builderId: string;
  readonly env: Env;
  /** When the build started, if known (runDetails.metadata.startedOn). */
  readonly startedOn?: Date;
}

export interface SlsaProvenanceV1 {
  readonly buildDefinition: {
    readonly buildType: string;
    readonly externalParameters: Record<string, unknown>;
    readonly internalParameters?: Record<string, unknown>;
    readonly resolvedDependencies?: readonly { uri: string; digest: Record<string, string> }[];
  };
  readonly runDetails: {
    readonly builder: { readonly id: string };
    readonly metadata?: { invocationId?: string; startedOn?: string };
  };
}

/** The CI the job runs on, by its own variables: GitHub Actions, GitLab CI, or neither. */
export function ciOf(env: Env): 'github' | 'gitlab' | 'other' {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY) return 'github';
  if (env.GITLAB_CI === 'true' && env.CI_PROJECT_URL) return 'gitlab';
  return 'other';
}

export function buildProvenance(options: ProvenanceOptions): SlsaProvenanceV1 {
  const ci = ciOf(options.env);
  const definition = ci === 'github' ? github(options.env) : ci === 'gitlab' ? gitlab(options.env) : other();
  const metadata = {
    ...(definition.invocationId ? { invocationId: definition.invocationId } : {}),
    ...(options.startedOn ? { startedOn: options.startedOn.toISOString() } : {}),
  };
  return {
    buildDefinition: {
      buildType: BUILD_TYPES[ci],
      externalParameters: definition.external,
      ...(definition.internal ? { internalParameters: definition.internal } : {}),
      ...(definition.dependencies.length > 0 ? { resolvedDependencies: definition.dependencies } : {}),
    },
    runDetails: {
      builder: { id: options.builderId },
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    },
  };
}

interface Definition {
  readonly external: Record<string, unknown>;
  readonly internal?: Record<string, unknown>;
  readonly dependencies: { uri: string; digest: Record<string, string> }[];
  readonly invocationId?: string;
}

/** The fields GitHub's own build provenance records, from the same GITHUB_* variables. */
function github(env: Env): Definition {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  const repository = env.GITHUB_REPOSITORY as string;
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/release.yml@refs/heads/main
  const workflowRef = env.GITHUB_WORKFLOW_REF ?? '';
  // The first @ after the path: a ref may hold one too (a tag such as pkg@1.2.3).
  const at = workflowRef.indexOf('@', repository.length + 1);
  const path = at > 0 ? workflowRef.slice(repository.length + 1, at) : '';
  const ref = at > 0 ? workflowRef.slice(at + 1) : (env.GITHUB_REF ?? '');
  return {
    external: { workflow: { ref, repository: `${server}/${repository}`, path } },
    internal: {
      github: compact({
        event_name: env.GITHUB_EVENT_NAME,
        repository_id: env.GITHUB_REPOSITORY_ID,
        repository_owner_id: env.GITHUB_REPOSITORY_OWNER_ID,
        runner_environment: env.RUNNER_ENVIRONMENT,
      }),
    },
    dependencies: env.GITHUB_SHA
      ? [{ uri: `git+${server}/${repository}@${env.GITHUB_REF ?? ''}`, digest: { gitCommit: env.GITHUB_SHA } }]
      : [],
    ...(env.GITHUB_RUN_ID
      ? {
          invocationId: `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`,
        }
      : {}),
  };
}

/** GitLab's CI_* equivalents: project, pipeline, job, commit, ref. */
function gitlab(env: Env): Definition {
  const project = env.CI_PROJECT_URL as string;
  const ref = env.CI_COMMIT_TAG
    ? `refs/tags/${env.CI_COMMIT_TAG}`
    : env.CI_COMMIT_BRANCH
      ? `refs/heads/${env.CI_COMMIT_BRANCH}`
      : (env.CI_COMMIT_REF_NAME ?? '');
  return {
    external: compact({ project, ref, config: env.CI_CONFIG_PATH, pipeline_source: env.CI_PIPELINE_SOURCE }),
    internal: {
      gitlab: compact({
        server_url: env.CI_SERVER_URL,
        project_id: env.CI_PROJECT_ID,
        pipeline_id: env.CI_PIPELINE_ID,
        job_id: env.CI_JOB_ID,
        job_name: env.CI_JOB_NAME,
        runner_id: env.CI_RUNNER_ID,
      }),
    },
    dependencies: env.CI_COMMIT_SHA ? [{ uri: `git+${project}@${ref}`, digest: { gitCommit: env.CI_COMMIT_SHA } }] : [],
    ...(env.CI_JOB_URL ? { invocationId: env.CI_JOB_URL } : {}),
  };
}

/** Outside a CI we know: the builder identity alone. */
function other(): Definition {
  return { external: {}, dependencies: [] };
}

function compact(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => !!entry[1]));
}
