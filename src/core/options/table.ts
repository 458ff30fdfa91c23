/**
 * THE option table: every option of every front end, one row each. The action's inputs, the
 * CLI's flags and help, action.yml, the README tables and the GitLab components' inputs are
 * derived from it or checked against it.
 */
import { ACTION_OPTIONS } from './action-options.ts';
import { ATTEST_OPTIONS } from './attest-options.ts';
import { CONNECTION_OPTIONS } from './connection-options.ts';
import { LOGIN_OPTIONS } from './login-options.ts';
import { PROXY_OPTIONS } from './proxy-options.ts';
import { SIGNING_OPTIONS } from './signing-options.ts';
import type { Front, OptionRow } from './spec.ts';

export const OPTIONS = {
  ...CONNECTION_OPTIONS,
  ...LOGIN_OPTIONS,
  ...ACTION_OPTIONS,
  ...PROXY_OPTIONS,
  ...SIGNING_OPTIONS,
  ...ATTEST_OPTIONS,
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The rows a front end exposes, in table order. */
export function optionsOf(front: Front): readonly OptionRow<unknown>[] {
  return Object.values(OPTIONS).filter((row: OptionRow<unknown>) => row.fronts.includes(front));
}

/** Groups of rows, for the CLI's help and the README. */
export const OPTION_GROUPS = {
  connection: Object.keys(CONNECTION_OPTIONS) as OptionName[],
  login: Object.keys(LOGIN_OPTIONS) as OptionName[],
  action: Object.keys(ACTION_OPTIONS) as OptionName[],
  proxy: Object.keys(PROXY_OPTIONS) as OptionName[],
  signing: Object.keys(SIGNING_OPTIONS) as OptionName[],
  attest: Object.keys(ATTEST_OPTIONS) as OptionName[],
} as const;
