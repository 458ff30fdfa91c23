/**
 * `spiffe-vault setup --print`: prints the whole Vault/OpenBao set-up of a signing role, as
 * commands for an admin or as Terraform. It never changes a server itself.
 */
import { DEFAULT_AUTH_PATH, DEFAULT_SETUP_TOKEN_TTL_SECONDS } from '../../core/defaults.ts';
import { DEFAULT_AGENT_SOCKET } from '../../core/spiffe/address.ts';
import { InputError } from '../../core/errors.ts';
import { readOption, type OptionSource } from '../../core/options/spec.ts';
import { OPTIONS } from '../../core/options/table.ts';
import { oneOf } from '../../core/options/values.ts';
import { parseDuration, parseHttpUrl } from '../../core/parse.ts';
import type { JwtKeySource } from '../../core/policy/jwt-keys.ts';
import { setupShellScript, VAULT_CLIS } from '../../core/policy/setup-shell.ts';
import { parseSpiffeId } from '../../core/spiffe/spiffe-id.ts';
import type { FlagValues } from '../args.ts';
import { parseCommandFlags, type Command, type CommandContext } from '../command.ts';
import { cliOptionSource, flagString } from '../config.ts';
import { optionFlag, type FlagGroup } from '../flags.ts';
import { POLICY_SCOPE_FLAGS, policyName } from './policy.ts';

const FORMATS = ['shell', 'terraform'] as const;

const ROLE_FLAGS: FlagGroup = {
  title: 'Role',
  flags: Object.fromEntries([
    optionFlag(OPTIONS.role, 'the Vault role to create (required)'),
    optionFlag(OPTIONS['spiffe-id'], "the SPIFFE ID the role is bound to, the JWT-SVID's sub (required)"),
    optionFlag(OPTIONS.audience, 'the audience the JWT-SVIDs carry, bound_audiences (default vault)'),
    optionFlag(OPTIONS['auth-path'], `mount path of the JWT auth method (default ${DEFAULT_AUTH_PATH})`),
    [
      'token-ttl',
      { type: 'string', value: 'DUR', description: 'lifetime of its tokens, TTL and max TTL (default 60s)' },
    ],
    ['policy-name', { type: 'string', value: 'NAME', description: "the policy's name (default ROLE-sign)" }],
  ]),
};

const JWT_KEY_FLAGS: FlagGroup = {
  title: "SPIRE's JWT keys",
  flags: Object.fromEntries([
    [
      'jwks-url',
      {
        type: 'string',
        value: 'URL',
        description: "SPIRE's OIDC discovery provider's JWKS URL (follows key rotation)",
      },
    ],
    [
      'trust-domain-bundle',
      {
        type: 'string',
        value: 'FILE',
        description: "SPIRE's bundle in SPIFFE format (spire-server bundle show -format spiffe)",
      },
    ],
    optionFlag(
      OPTIONS['socket-path'],
      "neither given: the Workload API whose JWT bundle of the SPIFFE ID's trust domain gives the keys, as PEM " +
        `(default $SPIFFE_ENDPOINT_SOCKET, then ${DEFAULT_AGENT_SOCKET})`,
    ),
  ]),
};

const PRINT_FLAGS: FlagGroup = {
  title: 'Output',
  flags: {
    print: { type: 'boolean', description: 'print the set-up (required: setup never changes a server)' },
    format: {
      type: 'string',
      value: 'FORMAT',
      description: 'shell (commands for an admin) or terraform (default shell)',
    },
    cli: { type: 'string', value: 'CLI', description: 'the CLI the commands use: vault or bao (default vault)' },
    help: { type: 'boolean', aliases: ['h'], description: 'show this help' },
  },
};

export const setupCommand: Command = {
  name: 'setup',
  summary: 'print the Vault/OpenBao set-up of a signing role (commands or Terraform)',
  usage: ['spiffe-vault setup --print --role ROLE --spiffe-id ID [flags]'],
  description: [
    'Prints, for an admin to review and run, everything a signing role needs: the JWT auth method',
    "at its path with SPIRE's keys (a JWKS URL, or PEM keys from a bundle file or the Workload API),",
    'the transit engine and its ecdsa-p256 key, the least-privilege policy (as `spiffe-vault policy`',
    'prints it) and the role bound to the SPIFFE ID and audience, with short-lived service tokens.',
    'As `vault` or `bao` commands, or as Terraform (hashicorp/vault provider). It never changes a',
    'server itself: --print is required.',
  ].join('\n'),
  groups: [ROLE_FLAGS, POLICY_SCOPE_FLAGS, JWT_KEY_FLAGS, PRINT_FLAGS],
  examples: [
    'spiffe-vault setup --print --role ci --spiffe-id spiffe://example.org/ci/runner > setup.sh',
    'spiffe-vault setup --print --role ci --spiffe-id spiffe://example.org/ci/runner --cli bao --verify',
    'spiffe-vault setup --print --format terraform --role ci --spiffe-id spiffe://example.org/ci/runner \\\n' +
      '    --jwks-url https://spire-oidc.example.org/keys > spiffe-vault.tf',
  ],
  exitCodes: ['0 printed', '1 the Workload API gave no JWT bundle', '2 bad usage (also: no --print)'],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const { values } = flags;
    if (values.print !== true) {
      throw new InputError(
        'setup only prints the set-up, it never changes a server: add --print, review the output, and run it ' +
          'as a Vault admin — spiffe-vault setup --print --role ROLE --spiffe-id ID [flags]',
      );
    }
    if (flags.positionals.length > 0) {
      throw new InputError(`setup takes no arguments (got '${flags.positionals.join(' ')}') — see --help`);
    }
    const source = cliOptionSource(values, ctx.env);
    const spiffeId = readOption(source, OPTIONS['spiffe-id']);
    if (!spiffeId) {
      throw new InputError(
        '--spiffe-id: required — the SPIFFE ID the role is bound to, e.g. spiffe://example.org/ci/runner',
      );
    }
    const format = oneOf(given(values, 'format', 'shell'), FORMATS);
    const cli = oneOf(given(values, 'cli', 'vault'), VAULT_CLIS);
    // Loaded when run: reading SPIRE's keys pulls in the JWT library, which no other start needs.
    const { setupPlan } = await import('../../core/policy/setup-plan.ts');
    const { setupTerraform } = await import('../../core/policy/setup-terraform.ts');
    const plan = setupPlan({
      role: readOption(source, OPTIONS.role),
      spiffeId,
      audiences: readOption(source, OPTIONS.audience),
      authPath: readOption(source, OPTIONS['auth-path']) || DEFAULT_AUTH_PATH,
      transitPath: readOption(source, OPTIONS['transit-path']),
      transitKey: readOption(source, OPTIONS['transit-key']),
      verify: values.verify === true,
      tokenTtlSeconds: tokenTtlSeconds(flagString(values, 'token-ttl')),
      policyName: policyName(flagString(values, 'policy-name'), '--policy-name'),
      jwtKeys: await jwtKeySource(ctx, { values, source, spiffeId }),
    });
    ctx.out(format === 'terraform' ? setupTerraform(plan) : setupShellScript(plan, cli));
    return 0;
  },
};

/** A flag's value as the option helpers take it. */
function given(values: FlagValues, name: string, fallback: string) {
  return { value: flagString(values, name) || fallback, source: `--${name}`, fromEnv: false };
}

function tokenTtlSeconds(value: string): number {
  if (value === '') return DEFAULT_SETUP_TOKEN_TTL_SECONDS;
  return Math.ceil(parseDuration('--token-ttl', value) / 1000);
}

async function jwtKeySource(
  ctx: CommandContext,
  input: { readonly values: FlagValues; readonly source: OptionSource; readonly spiffeId: string },
): Promise<JwtKeySource> {
  const url = flagString(input.values, 'jwks-url');
  const bundleFile = flagString(input.values, 'trust-domain-bundle');
  if (url && bundleFile) {
    throw new InputError('--jwks-url and --trust-domain-bundle are mutually exclusive: give the keys one way');
  }
  if (url) return { kind: 'jwks-url', url: parseHttpUrl('--jwks-url', url) };
  const { jwtKeyPems, readBundleFile } = await import('../../core/policy/jwt-keys.ts');
  if (bundleFile) {
    const bundle = readBundleFile(bundleFile, '--trust-domain-bundle');
    return { kind: 'pems', pems: jwtKeyPems(bundle, bundleFile), from: bundleFile };
  }
  const address = readOption(input.source, OPTIONS['socket-path']);
  const { fetchTrustDomainJwks } = await import('../../core/policy/workload-api-jwks.ts');
  const bundle = await fetchTrustDomainJwks({ address, spiffeId: input.spiffeId, logger: ctx.logger });
  const what = `the JWT bundle of ${parseSpiffeId(input.spiffeId).trustDomainId} from the Workload API`;
  return { kind: 'pems', pems: jwtKeyPems(bundle, what), from: what };
}
