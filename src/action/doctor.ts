/**
 * The action's doctor: the checks its inputs call for, from the parsed config, rendered into the
 * job summary (Markdown) and the log (text). `doctor: true` runs them instead of logging in; a
 * failed run runs them afterwards, so its first failure already says what to change. The token a
 * check mints is revoked by the checks themselves: nothing is left for the post step.
 */
import {
  checkDeadlineMs,
  renderDoctorMarkdown,
  renderDoctorTable,
  runDoctor,
  type DoctorDeps,
  type DoctorPlan,
  type DoctorReport,
} from '../core/doctor/index.ts';
import { describeError, errorCode, InputError, isCodedError } from '../core/errors.ts';
import { actionInput, type ActionConfig } from './config.ts';
import { registryClientOptions } from './registry.ts';
import { maskSecret, type ActionRunner } from './runner.ts';

export const DOCTOR_SUMMARY_HEADING = 'spiffe-vault doctor: the set-up, link by link';
export const FAILURE_SUMMARY_HEADING = 'What to change';

/** Runs the checks of a plan: the core's runDoctor, or a fake in unit tests. */
export type DoctorRunner = (plan: DoctorPlan, deps: DoctorDeps) => Promise<DoctorReport>;

interface DoctorStepOptions {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly check?: DoctorRunner | undefined;
}

/**
 * The checks the inputs call for: always the Workload API, Vault, the login and the token; the
 * transit key when the step signs (sign-blobs, sign-images) or the transit-key input names a
 * key; the registry of every sign-images reference.
 */
export function doctorPlan(runner: ActionRunner, config: ActionConfig): DoctorPlan {
  const signs = config.blobs.length > 0 || config.images.length > 0;
  return {
    connection: config.connection,
    login: config.login,
    transit: signs || actionInput(runner.env, 'transit-key') !== '' ? config.transit : undefined,
    verify: false,
    images: config.images,
    registry: registryClientOptions(runner, config, checkDeadlineMs(config.connection)),
  };
}

function checkSetUp({ runner, config, check = runDoctor }: DoctorStepOptions): Promise<DoctorReport> {
  return check(doctorPlan(runner, config), {
    logger: runner,
    onSecret: (secret) => maskSecret(runner, secret),
    proxyEnv: runner.env,
  });
}

function logTable(runner: ActionRunner, report: DoctorReport): void {
  runner.info(renderDoctorTable(report).trimEnd());
}

/** `doctor: true`: the checks instead of a login; the step fails when one of them fails. */
export async function doctorStep(options: DoctorStepOptions): Promise<void> {
  const { runner, config } = options;
  const { connection, login } = config;
  runner.info(
    `doctor: checking the set-up for role '${login.role}' (auth/${login.authPath}) at ${connection.vaultAddr}; nothing is exported`,
  );
  const report = await checkSetUp(options);
  logTable(runner, report);
  await runner.writeSummaryMarkdown(DOCTOR_SUMMARY_HEADING, renderDoctorMarkdown(report));
  const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.id);
  if (failed.length > 0) {
    runner.setFailed(
      `spiffe-vault-action: doctor: ${failed.length} check(s) failed (${failed.join(', ')}) — the job summary and the table above say what to change`,
    );
  }
}

/** A failure in the chain, not in what the inputs say (a bad input has nothing to check). */
export function failureWorthChecking(error: unknown): boolean {
  return !(error instanceof InputError || (isCodedError(error) && error.code === 'INVALID_INPUT'));
}

/**
 * After a failed run: the checks that apply to its inputs, into the summary under "What to
 * change". The step's failure stays the original error; a problem of the checks themselves is a
 * warning, never a second failure.
 */
export async function explainFailure(options: DoctorStepOptions & { readonly error: unknown }): Promise<void> {
  const { runner, error } = options;
  if (!failureWorthChecking(error)) return;
  try {
    runner.info('Checking the set-up to say what to change (doctor)…');
    const report = await checkSetUp(options);
    logTable(runner, report);
    const failed = `The step failed${errorCode(error).replace(/ \[(.+)\]/, ' with `$1`')}.`;
    const intro = report.ok
      ? `${failed} Every link of the set-up its inputs need works now: the cause is elsewhere, or it has passed since.`
      : `${failed} The set-up its inputs need, link by link:`;
    await runner.writeSummaryMarkdown(FAILURE_SUMMARY_HEADING, `${intro}\n\n${renderDoctorMarkdown(report)}`);
  } catch (problem: unknown) {
    runner.warning(`the set-up checks could not run: ${describeError(problem)}`);
  }
}
