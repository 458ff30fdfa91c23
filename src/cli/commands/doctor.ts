/**
 * `spiffe-vault doctor`: checks the whole chain a run needs (Workload API, Vault, login, token,
 * transit key and rights, registries) and prints ok / warn / fail with the fix for each link.
 */
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { parseLoginConfig, parseTransitConfig, parseVaultConfig, registryOptions } from '../config.ts';
import { group, LOGIN_FLAGS, OUTPUT_FLAGS, VAULT_FLAGS, type FlagGroup } from '../flags.ts';

const DOCTOR_FLAGS: FlagGroup = {
  title: 'Checks',
  flags: {
    ...group('Checks', ['transit-path', 'transit-key', 'key-version', 'registry-insecure']).flags,
    verify: {
      type: 'boolean',
      description: 'also check what `cosign verify --key hashivault://KEY` needs (transit verify)',
    },
    'login-only': {
      type: 'boolean',
      description: 'stop after the token checks (for jobs that read secrets and sign nothing)',
    },
  },
};

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the SPIRE + Vault set-up link by link and say what to change',
  usage: ['spiffe-vault doctor --role ROLE [flags] [IMAGE...]'],
  description: [
    'Walks the chain a run needs, in order: the Workload API and the SVIDs it issues, the Vault',
    'server (reachable, TLS, sealed, version), the login (with the exact `vault write` that fixes',
    'a refusal), the token (policies, TTL, type, revocation), the transit key (type, versions) and',
    'the rights signing needs (with the policy lines to add), and, for each IMAGE named, its',
    'registry (reachable, credentials, push allowed). It takes the flags and environment of auth',
    'and the signing commands. One line per check (ok, warn, FAIL, skip) and the fix under each',
    'problem, with a link to its section of the troubleshooting guide (docs/troubleshooting.md);',
    '--json for programs. The token it mints is revoked before it exits.',
    '',
    'VAULT_TOKEN (or BAO_TOKEN), when set, is used for read-only looks and nothing else: the',
    "login's role (auth/PATH/role/ROLE) and the JWT config (auth/PATH/config), to compare them",
    'with the JWT-SVID field by field, and the list of auth methods (sys/auth) when auth-path is',
    'wrong. It is masked first, and never used to log in or sign: the login is always the',
    "workload's own. Run doctor as an admin with a token that may read those paths to get the",
    'comparison; without one, doctor explains what the login answer says.',
  ].join('\n'),
  groups: [LOGIN_FLAGS, VAULT_FLAGS, DOCTOR_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault doctor --role ci',
    'spiffe-vault doctor --role ci --transit-key release --verify registry.example.com/app',
    'spiffe-vault doctor --role ci --json | jq \'.checks[] | select(.status == "fail")\'',
  ],
  exitCodes: ['0 everything the options need works (warnings allowed)', '1 a check failed', '2 bad usage'],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const connection = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const login = parseLoginConfig(flags.values, ctx.env);
    const transit = flags.values['login-only'] === true ? undefined : parseTransitConfig(flags.values, ctx.env);
    const registry = registryOptions(flags.values, { env: ctx.env, logger: ctx.logger });
    const readToken = ctx.env.VAULT_TOKEN?.trim() || ctx.env.BAO_TOKEN?.trim() || undefined;
    if (readToken) ctx.logger.redact(readToken);
    const { runDoctor, renderDoctorTable } = await import('../../core/doctor/index.ts');
    const report = await runDoctor(
      {
        connection,
        login,
        transit,
        verify: flags.values.verify === true,
        images: flags.positionals,
        registry,
        readToken,
      },
      { logger: ctx.logger, onSecret: (secret) => ctx.logger.redact(secret), proxyEnv: ctx.env },
    );
    if (flags.values.json === true) printJson(ctx, report);
    else ctx.out(renderDoctorTable(report));
    return report.ok ? 0 : 1;
  },
};
