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
  // Our own error's code, not a library's underneath it (jose's ERR_JWS_…).
  const code = isCodedError(error) ? error.code : undefined;
  return fail(id, title, describeError(error), { ...(code ? { code } : {}), ...extra });
}
