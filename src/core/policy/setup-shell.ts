/**
 * The set-up plan as a shell script of `vault` (or `bao`) commands for an admin to review and
 * run. Values are quoted for sh; JSON and the policy go through here-documents, never `eval`.
 */
import type { SetupPlan } from './setup-plan.ts';

export type VaultCli = 'vault' | 'bao';
export const VAULT_CLIS: readonly VaultCli[] = ['vault', 'bao'];

/** The script, ending with a newline. */
export function setupShellScript(plan: SetupPlan, cli: VaultCli = 'vault'): string {
  const env = cli === 'bao' ? 'BAO_ADDR and BAO_TOKEN' : 'VAULT_ADDR and VAULT_TOKEN';
  const { auth, transit, policy, role } = plan;
  const ttl = `${role.fields.token_ttl} s`;
  return [
    '#!/bin/sh',
    `# Vault set-up for spiffe-vault, as \`spiffe-vault setup --print\` printed it: role "${role.name}" gives`,
    `# ${plan.spiffeId} (audience ${role.fields.bound_audiences.join(', ')}) tokens that live ${ttl} and sign with the`,
    `# transit key "${transit.key}". Run it as an admin (${env} set). It enables the`,
    '# mounts: where they exist already, leave out the `enable` lines. Nothing in it is secret.',
    'set -eu',
    '',
    `# JWT auth at auth/${auth.path}, trusting SPIRE's JWT keys:`,
    `# ${keysComment(plan)}.`,
    command([[cli, 'auth', 'enable', `-path=${auth.path}`, 'jwt']]),
    ...authConfigLines(plan, cli),
    '',
    `# Transit at ${transit.path}/ and the signing key (${transit.keyType}; its private key never leaves Vault).`,
    command([[cli, 'secrets', 'enable', `-path=${transit.path}`, 'transit']]),
    command([[cli, 'write', '-f', `${transit.path}/keys/${transit.key}`, `type=${transit.keyType}`]]),
    '',
    '# The least-privilege policy (spiffe-vault policy prints it alone).',
    `${command([[cli, 'policy', 'write', policy.name, '-']])} <<'POLICY'`,
    policy.document.trimEnd(),
    'POLICY',
    '',
    `# The role: a JWT-SVID for the SPIFFE ID and audience gets a ${ttl} service token with the`,
    '# policy (and `default`, which lets it look itself up and revoke itself).',
    command([
      [
        cli,
        'write',
        `auth/${auth.path}/role/${role.name}`,
        `role_type=${role.fields.role_type}`,
        `user_claim=${role.fields.user_claim}`,
      ],
      [`bound_audiences=${role.fields.bound_audiences.join(',')}`, `bound_subject=${role.fields.bound_subject}`],
      [
        `token_policies=${role.fields.token_policies.join(',')}`,
        `token_ttl=${role.fields.token_ttl}s`,
        `token_max_ttl=${role.fields.token_max_ttl}s`,
        `token_type=${role.fields.token_type}`,
      ],
    ]),
    '',
  ].join('\n');
}

function keysComment(plan: SetupPlan): string {
  const { keys } = plan.auth;
  return keys.kind === 'jwks-url'
    ? 'the JWKS of its OIDC discovery provider, which follows key rotation'
    : `the keys as PEM, from ${keys.from};\n# write the config again when SPIRE rotates them (or use its OIDC discovery provider: --jwks-url)`;
}

function authConfigLines(plan: SetupPlan, cli: VaultCli): string[] {
  const { path, config } = plan.auth;
  if (config.jwks_url !== undefined) {
    return [
      command([
        [cli, 'write', `auth/${path}/config`, `jwks_url=${config.jwks_url}`],
        [`jwt_supported_algs=${config.jwt_supported_algs.join(',')}`],
      ]),
      '# A provider certificate from a private CA: add jwks_ca_pem=@ca.pem',
    ];
  }
  return [
    `${command([[cli, 'write', `auth/${path}/config`, '-']])} <<'CONFIG'`,
    JSON.stringify(config, null, 2),
    'CONFIG',
  ];
}

/** One command, its words quoted, a `\`-continued line per group of words. */
function command(lines: readonly (readonly string[])[]): string {
  return lines.map((words, index) => `${index > 0 ? '  ' : ''}${words.map(shellQuote).join(' ')}`).join(' \\\n');
}

/** A word for sh: as is when it holds only safe characters, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
