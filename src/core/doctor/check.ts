/**
 * A doctor check's result as data: which link of the chain, ok / warn / fail / skip, what was
 * seen, and the fix (with the commands and policy lines it needs). The CLI's table and JSON and
 * the action's summary render these; nothing here holds a secret.
 */
import type { Finding } from '../diagnose/finding.ts';

/** The links of the chain, in the order they are checked. */
export type DoctorArea = 'workload-api' | 'vault' | 'login' | 'token' | 'transit' | 'registry';

export const DOCTOR_AREAS: readonly DoctorArea[] = ['workload-api', 'vault', 'login', 'token', 'transit', 'registry'];

/** ok: works; warn: works, but worth changing; fail: what was asked cannot work; skip: not checked. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id, `area.name` (e.g. `login.audience`): programs and the troubleshooting guide use it. */
  readonly id: string;
  readonly area: DoctorArea;
  readonly status: CheckStatus;
  /** What was checked, short: "JWT-SVID audience". */
  readonly title: string;
  /** What was seen, one line: "aud ['vault'], the role binds ['sts']". */
  readonly detail: string;
  /** The error code a run would fail with (for fail), and the finer reason. */
  readonly code?: string;
  readonly reason?: string;
  /** What to change. */
  readonly fix?: string;
  /** Commands the fix names, ready to run (`vault write auth/jwt/role/ci bound_audiences=vault`). */
  readonly commands?: readonly string[];
  /** Policy lines (HCL) to add. */
  readonly policy?: readonly string[];
}

export interface DoctorReport {
  /** true when no check failed (warnings allowed). */
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

type Extra = Partial<Pick<CheckResult, 'code' | 'reason' | 'fix' | 'commands' | 'policy'>>;

function result(status: CheckStatus, id: string, title: string, detail: string, extra: Extra = {}): CheckResult {
  const area = id.slice(0, id.indexOf('.')) as DoctorArea;
  return { id, area, status, title, detail, ...extra };
}

export const ok = (id: string, title: string, detail: string): CheckResult => result('ok', id, title, detail);
export const warn = (id: string, title: string, detail: string, extra?: Extra): CheckResult =>
  result('warn', id, title, detail, extra);
export const fail = (id: string, title: string, detail: string, extra?: Extra): CheckResult =>
  result('fail', id, title, detail, extra);
export const skip = (id: string, title: string, detail: string): CheckResult => result('skip', id, title, detail);

/** A failed check from a diagnosis: the finding's words, code, fix, commands and policy lines. */
export function failFromFinding(id: string, title: string, finding: Finding): CheckResult {
  const seen = [finding.answer, finding.why].filter((part) => part !== undefined).join(': ');
  return fail(id, title, seen || finding.what, {
    code: finding.code,
    reason: finding.reason,
    ...(finding.fix !== undefined ? { fix: finding.fix } : {}),
    ...(finding.commands?.length ? { commands: finding.commands } : {}),
    ...(finding.policy?.length ? { policy: finding.policy } : {}),
  });
}

export function reportOf(checks: readonly CheckResult[]): DoctorReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}
