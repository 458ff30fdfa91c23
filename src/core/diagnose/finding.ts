/**
 * A diagnosis as data: what failed, the server's answer, why, and the fix (with the policy lines
 * or commands it needs). Classifiers in this folder turn failures into findings once; error
 * messages, a failure summary and a preflight all render or inspect the same finding.
 */

/** Which part of the system the finding is about. */
export type FindingArea = 'vault' | 'transit' | 'workload-api' | 'registry';

export interface Finding<Code extends string = string> {
  /** The error code the failure is thrown with (tests and adapters match on it). */
  readonly code: Code;
  readonly area: FindingArea;
  /**
   * A finer classification within the code, stable for programs to branch on: e.g.
   * VAULT_LOGIN_DENIED is `role-not-found`, `audience-mismatch`, `auth-mount-missing`…
   */
  readonly reason: string;
  /** What failed, for what: "failed to log in to Vault at https://vault:8200 with role 'ci' …". */
  readonly what: string;
  /** The server's answer in its own words, one line, safe to show ("400 role \"x\" could not be found"). */
  readonly answer?: string;
  /** What we worked out beyond the server's words ("the token's policies lack …"). */
  readonly why?: string;
  /** What to do about it. */
  readonly fix?: string;
  /** Policy lines (HCL) the fix asks to grant; rendered after the fix. */
  readonly policy?: readonly string[];
  /** Commands the fix names (also quoted in `fix`), for a summary or a preflight to list. */
  readonly commands?: readonly string[];
  /** HTTP status when a server answered. */
  readonly status?: number;
}

/**
 * The message of an error made from `finding`:
 * `what: answer — fix`, or `what (answer): why — fix` when there is an explanation too,
 * followed by the policy lines, one per line.
 */
export function renderFinding(finding: Finding): string {
  const { what, answer, why, fix, policy } = finding;
  let text = what;
  if (why !== undefined && answer !== undefined) text += ` (${answer}): ${why}`;
  else if (why !== undefined || answer !== undefined) text += `: ${why ?? answer}`;
  if (fix) text += ` — ${fix}`;
  if (policy?.length) text += `:\n${policy.join('\n')}`;
  return text;
}

/** Something that carries a finding (our coded errors do). */
export interface WithFinding {
  readonly finding?: Finding | undefined;
}

/**
 * The finding that says what to fix: the innermost one along the `cause` chain (a signing
 * failure caused by a denied login is about the login), as `errorCode` picks the innermost code.
 */
export function findingOf(error: unknown): Finding | undefined {
  let finding: Finding | undefined;
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const own = (e as WithFinding).finding;
    if (own) finding = own;
  }
  return finding;
}
