/** A failed Workload API check from whatever was thrown: its finding when it has one, else its code and words. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError, isCodedError } from '../../errors.ts';
import { fail, failFromFinding, type CheckResult } from '../check.ts';

export function failFromError(
  id: string,
  title: string,
  error: unknown,
  extra: { readonly reason?: string; readonly fix?: string } = {},
): CheckResult {
  const finding = findingOf(error);
  if (finding) return failFromFinding(id, title, finding);
  let code: string | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (isCodedError(e)) code = e.code;
  return fail(id, title, describeError(error), { ...(code ? { code } : {}), ...extra });
}
