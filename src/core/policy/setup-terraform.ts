/**
 * The set-up plan as Terraform for the hashicorp/vault provider (it also manages OpenBao):
 * vault_jwt_auth_backend, vault_mount, vault_transit_secret_backend_key, vault_policy and
 * vault_jwt_auth_backend_role, each referring to the ones it depends on.
 */
import type { SetupPlan } from './setup-plan.ts';

type HclValue = string | number | boolean | readonly string[] | { readonly ref: string } | { readonly heredoc: string };

/** The configuration, ending with a newline. */
export function setupTerraform(plan: SetupPlan): string {
  const { auth, transit, policy, role } = plan;
  const keys: Record<string, HclValue> =
    auth.config.jwks_url !== undefined
      ? { jwks_url: auth.config.jwks_url }
      : { jwt_validation_pubkeys: auth.config.jwt_validation_pubkeys ?? [] };
  return [
    `# Vault set-up for spiffe-vault: role "${role.name}" gives ${plan.spiffeId} tokens that sign`,
    `# with transit key "${transit.key}". For the hashicorp/vault provider (Vault and OpenBao).`,
    '',
    resource('vault_jwt_auth_backend', 'spire', {
      path: auth.path,
      type: 'jwt',
      description: "SPIFFE JWT-SVIDs, checked with SPIRE's JWT keys",
      ...keys,
      jwt_supported_algs: auth.config.jwt_supported_algs,
    }),
    resource('vault_mount', 'transit', {
      path: transit.path,
      type: 'transit',
      description: 'Signing keys for spiffe-vault and cosign',
    }),
    resource('vault_transit_secret_backend_key', 'signing', {
      backend: { ref: 'vault_mount.transit.path' },
      name: transit.key,
      type: transit.keyType,
    }),
    resource('vault_policy', 'signing', { name: policy.name, policy: { heredoc: policy.document } }),
    resource('vault_jwt_auth_backend_role', 'signing', {
      backend: { ref: 'vault_jwt_auth_backend.spire.path' },
      role_name: role.name,
      role_type: role.fields.role_type,
      user_claim: role.fields.user_claim,
      bound_audiences: role.fields.bound_audiences,
      bound_subject: role.fields.bound_subject,
      token_policies: { ref: '[vault_policy.signing.name]' },
      token_ttl: role.fields.token_ttl,
      token_max_ttl: role.fields.token_max_ttl,
      token_type: role.fields.token_type,
    }),
  ].join('\n');
}

function resource(type: string, name: string, attributes: Readonly<Record<string, HclValue>>): string {
  const width = Math.max(...Object.keys(attributes).map((key) => key.length));
  const lines = Object.entries(attributes).map(([key, value]) => `  ${key.padEnd(width)} = ${hclValue(value)}`);
  return [`resource "${type}" "${name}" {`, ...lines, '}', ''].join('\n');
}

function hclValue(value: HclValue): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if ('ref' in value) return value.ref;
  if ('heredoc' in value) return `<<-EOT\n${indent(escapeTemplate(value.heredoc).trimEnd())}\n  EOT`;
  return `[${value.map(hclString).join(', ')}]`;
}

/** A quoted HCL string: JSON's escapes are HCL's, and template sequences are escaped. */
export function hclString(text: string): string {
  return escapeTemplate(JSON.stringify(text));
}

function escapeTemplate(text: string): string {
  return text.replace(/([$%])\{/g, (_, sign: string) => `${sign}${sign}{`);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : `    ${line}`))
    .join('\n');
}
