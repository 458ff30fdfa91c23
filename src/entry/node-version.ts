/**
 * The first thing every entry point does: check that it runs on the Node it was built for, and
 * otherwise fail with one line that says what was found, what is needed and how to get it.
 */
export const REQUIRED_NODE_MAJOR = 24;

/** The code the entry points print with the problem (`[NODE_VERSION_UNSUPPORTED]`). */
export const NODE_VERSION_ERROR_CODES = ['NODE_VERSION_UNSUPPORTED'] as const;

/** The problem, or undefined when `version` (e.g. v24.1.0) is new enough. */
export function nodeVersionProblem(version: string, fix: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `this needs Node ${REQUIRED_NODE_MAJOR} or newer, but runs on Node ${version} — ${fix}`;
}

export const ACTION_NODE_FIX =
  'use an Actions runner release that supports `using: node24`, or with act put Node 24 first on its PATH';
export const CLI_NODE_FIX = 'install Node 24 (https://nodejs.org) and run spiffe-vault with it';
