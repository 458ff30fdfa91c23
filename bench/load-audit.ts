// What the cluster saw during one round of the load benchmark, asked with its root token: every
// request (a file audit device, on for the round only), the tokens minted for the role and those
// revoked, and the tokens created during the round still alive at its end.
import type { StackEnv } from '../__tests__/helpers/stack-env.ts';
import { enableFileAudit, liveAccessors, type AuditEntry } from '../__tests__/helpers/vault-admin.ts';

const LOGIN = 'auth/jwt/login';
const REVOKE = 'auth/token/revoke-self';

export interface VaultTally {
  /** Requests that reached the cluster (audit request entries), the bench's own audit calls apart. */
  readonly requests: number;
  /**
   * Of those, a standby's own try before it forwards the request to the active node (OpenBao 2.x
   * standbys try a request locally; a write fails on their read-only storage, and is forwarded).
   */
  readonly standbyTries: number;
  readonly requestsByPath: Readonly<Record<string, number>>;
  /** Answers that were errors (a denied or failed request, a 5xx, a 429, a standby's own try). */
  readonly errorAnswers: number;
  /** The error answers that were not a standby's own try, by path and error text. */
  readonly clientErrors: Readonly<Record<string, number>>;
  /** Successful logins with the role: tokens minted. */
  readonly minted: number;
  /** Successful revoke-self answers: tokens revoked. */
  readonly revoked: number;
  /** Token accessors listed after the round and not before it: tokens of the round still alive. */
  readonly alive: number;
}

type Entry = AuditEntry & {
  readonly time?: string;
  readonly error?: string;
  readonly request?: { readonly remote_address?: string; readonly remote_port?: number };
};
/** A forwarded request follows the standby's failed try at once (within a second on a loaded machine). */
const FORWARD_GAP_MS = 1_000;
/** What a standby answers itself when it tries a write on its read-only copy. */
const STANDBY_ERROR = /readonly storage|forward to the active node|^invalid request$/;

/** Runs `work` with the audit device on and the accessors listed before and after. */
export async function tallyVault<T>(
  admin: StackEnv,
  role: string,
  work: () => Promise<T>,
): Promise<{ result: T; tally: VaultTally }> {
  const before = await liveAccessors(admin);
  const audit = await enableFileAudit(admin);
  let entries: Entry[];
  let result: T;
  try {
    result = await work();
    entries = audit.entries().filter((e) => !e.request?.path?.startsWith('sys/audit'));
  } finally {
    await audit.disable();
  }
  const after = await liveAccessors(admin);
  const requests = entries.filter((e) => e.type === 'request');
  const answers = entries.filter((e) => e.type === 'response');
  const requestsByPath = countBy(requests.map((e) => e.request?.path ?? '?'));
  const tries = standbyTries(entries);
  const ok = (e: Entry, path: string) => e.request?.path === path && !e.error;
  return {
    result,
    tally: {
      requests: requests.length,
      standbyTries: tries.size,
      requestsByPath,
      clientErrors: countBy(
        answers.filter((e) => e.error && !tries.has(e)).map((e) => `${e.request?.path}: ${firstLine(e.error)}`),
      ),
      errorAnswers: answers.filter((e) => e.error).length,
      minted: answers.filter((e) => ok(e, LOGIN) && e.auth?.metadata?.role === role).length,
      revoked: answers.filter((e) => ok(e, REVOKE)).length,
      alive: [...after].filter((accessor) => !before.has(accessor)).length,
    },
  };
}

/**
 * Requests answered with an error and asked again by the same connection, for the same path,
 * within FORWARD_GAP_MS: the standby's try, then the active node's answer to the forwarded request.
 */
function standbyTries(entries: readonly Entry[]): Set<Entry> {
  const key = (e: Entry) =>
    `${e.request?.remote_address}:${e.request?.remote_port} ${e.request?.operation} ${e.request?.path}`;
  const pending = new Map<string, Entry>();
  const tries = new Set<Entry>();
  for (const e of entries) {
    if (e.type === 'response' && e.error && STANDBY_ERROR.test(firstLine(e.error))) pending.set(key(e), e);
    if (e.type !== 'request') continue;
    const failed = pending.get(key(e));
    if (failed && Date.parse(e.time ?? '') - Date.parse(failed.time ?? '') <= FORWARD_GAP_MS) tries.add(failed);
    pending.delete(key(e));
  }
  return tries;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function firstLine(text = ''): string {
  return (
    text
      .replace(/^\d+ errors? occurred:\s*\*?\s*/, '')
      .split('\n')[0]
      ?.trim()
      .slice(0, 200) ?? ''
  );
}
