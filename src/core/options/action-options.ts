/** Option rows only the GitHub action has: doctor mode, and what happens to the token after the login step. */
import { InputError } from '../errors.ts';
import { defineOption } from './spec.ts';
import { booleanValue } from './values.ts';

export const ACTION_OPTIONS = {
  doctor: defineOption({
    name: 'doctor',
    kind: 'boolean',
    help: 'check the set-up link by link instead of logging in; what to change goes to the job summary (the transit key too with sign-* or transit-key)',
    default: 'false',
    fronts: ['action', 'gitlab'],
    parse: booleanValue,
  }),
  'export-token': defineOption({
    name: 'export-token',
    kind: 'boolean',
    help: 'export VAULT_TOKEN to the following steps of the job',
    defaultHelp: 'true, or false when run or proxy is given',
    fronts: ['action'],
    // '' stays '' here: the default depends on `run` (see the action's config).
    parse: (raw) => (raw.value === '' ? undefined : booleanValue(raw)),
  }),
  'output-token': defineOption({
    name: 'output-token',
    kind: 'boolean',
    help: 'also set the token output (GitHub blanks secret outputs between jobs; prefer export-token)',
    default: 'false',
    fronts: ['action'],
    parse: booleanValue,
  }),
  revoke: defineOption({
    name: 'revoke',
    kind: 'boolean',
    help: 'revoke every token this step minted when the job ends (the post step)',
    default: 'true',
    fronts: ['action'],
    parse: booleanValue,
  }),
  run: defineOption({
    name: 'run',
    kind: 'string',
    help: 'a command line to run with the token in its environment only (no shell; for several commands, run a script)',
    fronts: ['action'],
    parse: (raw) => {
      if (raw.value.includes('\n')) {
        throw new InputError(
          `${raw.source}: give one command line (for several commands, run a script, e.g. run: ./release.sh)`,
        );
      }
      return raw.value;
    },
  }),
} as const;
