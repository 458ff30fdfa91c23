/** `spiffe-vault policy`: prints the least-privilege Vault policy (HCL) for a transit key. */
import { InputError } from '../../core/errors.ts';
import { readOption } from '../../core/options/spec.ts';
import { OPTIONS } from '../../core/options/table.ts';
import { plainName } from '../../core/options/values.ts';
import { policyDocument } from '../../core/policy/policy-document.ts';
import { parseCommandFlags, type Command } from '../command.ts';
import { cliOptionSource, flagString } from '../config.ts';
import { group, QUIET_HELP_FLAGS, type FlagGroup } from '../flags.ts';

export const POLICY_SCOPE_FLAGS: FlagGroup = {
  title: 'Policy scope',
  flags: {
    ...group('Transit', ['transit-path', 'transit-key']).flags,
    verify: {
      type: 'boolean',
      description: 'also what `cosign verify` and `verify-blob --key hashivault://KEY` need (verification in Vault)',
    },
    images: { type: 'boolean', description: 'for signing images: adds nothing, images need what files need' },
    blobs: { type: 'boolean', description: 'for signing files: adds nothing (the default covers files and images)' },
  },
};

const POLICY_FLAGS: FlagGroup = {
  title: 'Policy',
  flags: {
    name: {
      type: 'string',
      value: 'NAME',
      description: "the policy's name, for the `policy write` line of its header",
    },
  },
};

export const policyCommand: Command = {
  name: 'policy',
  summary: 'print the least-privilege Vault policy (HCL) for signing with a transit key',
  usage: ['spiffe-vault policy [--transit-path PATH] [--transit-key KEY] [--verify] [--name NAME]'],
  description: [
    'Prints the Vault/OpenBao policy a signing role needs and nothing more, with a comment on each',
    'path: read the transit key (its public key and versions) and sign SHA-256 digests with it, as',
    'spiffe-vault and cosign --key hashivault://KEY do. --verify adds transit verify for cosign',
    'verify --key hashivault://KEY. Tokens keep the `default` policy (look up and revoke themselves).',
    'It talks to no server: write the output with `vault policy write NAME -`.',
  ].join('\n'),
  groups: [POLICY_SCOPE_FLAGS, POLICY_FLAGS, QUIET_HELP_FLAGS],
  examples: [
    'spiffe-vault policy | vault policy write ci-sign -',
    'spiffe-vault policy --transit-key release --verify --name release-sign > release-sign.hcl',
  ],
  exitCodes: ['0 printed', '2 bad usage'],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    if (flags.positionals.length > 0) {
      throw new InputError(`policy takes no arguments (got '${flags.positionals.join(' ')}') — see --help`);
    }
    const source = cliOptionSource(flags.values, ctx.env);
    ctx.out(
      policyDocument({
        transitPath: readOption(source, OPTIONS['transit-path']),
        key: readOption(source, OPTIONS['transit-key']),
        verify: flags.values.verify === true,
        name: policyName(flagString(flags.values, 'name')),
      }),
    );
    return 0;
  },
};

/** A policy name given with `flag` ('' when not given). */
export function policyName(value: string, flag = '--name'): string {
  return value === '' ? '' : plainName({ value, source: flag, fromEnv: false }, 'a policy name');
}
