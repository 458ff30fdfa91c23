/**
 * Everything a Vault/OpenBao admin sets up for one signing role, as data: the JWT auth mount and
 * its config, the transit mount and key, the least-privilege policy, and the role bound to one
 * SPIFFE ID. The shell and Terraform renderings are made from this one plan.
 */
import { jwtAuthConfig, type JwtAuthConfig, type JwtKeySource } from './jwt-keys.ts';
import { policyDocument } from './policy-document.ts';

/** The transit key type the signers expect. */
export const SIGNING_KEY_TYPE = 'ecdsa-p256';

export interface SetupOptions {
  readonly role: string;
  /** The SPIFFE ID the role is bound to (`bound_subject`). */
  readonly spiffeId: string;
  readonly audiences: readonly string[];
  readonly authPath: string;
  readonly transitPath: string;
  readonly transitKey: string;
  readonly jwtKeys: JwtKeySource;
  /** Also grant what `cosign verify --key hashivault://` needs. */
  readonly verify: boolean;
  readonly tokenTtlSeconds: number;
  /** Default `<role>-sign`. */
  readonly policyName?: string;
}

/** The role's fields, as `auth/<path>/role/<role>` takes them. */
export interface RoleFields {
  readonly role_type: 'jwt';
  readonly user_claim: 'sub';
  readonly bound_audiences: readonly string[];
  readonly bound_subject: string;
  readonly token_policies: readonly string[];
  readonly token_ttl: number;
  readonly token_max_ttl: number;
  readonly token_type: 'service';
}

export interface SetupPlan {
  readonly spiffeId: string;
  readonly auth: { readonly path: string; readonly config: JwtAuthConfig; readonly keys: JwtKeySource };
  readonly transit: { readonly path: string; readonly key: string; readonly keyType: string };
  readonly policy: { readonly name: string; readonly document: string };
  readonly role: { readonly name: string; readonly fields: RoleFields };
}

export function setupPlan(options: SetupOptions): SetupPlan {
  const policyName = options.policyName || `${options.role}-sign`;
  const document = policyDocument({
    transitPath: options.transitPath,
    key: options.transitKey,
    verify: options.verify,
  });
  return {
    spiffeId: options.spiffeId,
    auth: { path: options.authPath, config: jwtAuthConfig(options.jwtKeys), keys: options.jwtKeys },
    transit: { path: options.transitPath, key: options.transitKey, keyType: SIGNING_KEY_TYPE },
    policy: { name: policyName, document },
    role: {
      name: options.role,
      fields: {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_audiences: options.audiences,
        bound_subject: options.spiffeId,
        token_policies: [policyName],
        token_ttl: options.tokenTtlSeconds,
        // The token is never renewed past its TTL: a run re-logs in with a fresh SVID instead.
        token_max_ttl: options.tokenTtlSeconds,
        // Service tokens can be revoked, which the runs do when they end.
        token_type: 'service',
      },
    },
  };
}
