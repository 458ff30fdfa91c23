/**
 * What a token needs, as data: one grant per path (its capabilities and why). The least-privilege
 * policy, the capabilities a denial is checked against, and `doctor`'s missing-rights lines are
 * all made from these lists.
 */

export interface Grant {
  /** Path relative to the namespace, e.g. `transit/sign/cosign/sha2-256`. */
  readonly path: string;
  readonly capabilities: readonly string[];
  /** Why it is needed, one line (a comment in the generated policy). */
  readonly purpose: string;
}

export interface TransitGrantTarget {
  readonly transitPath: string;
  readonly key: string;
}

/** Signing (ours and `cosign sign --key hashivault://`): read the public key, sign SHA-256 digests. */
export function signingGrants(target: TransitGrantTarget): readonly Grant[] {
  const { transitPath, key } = target;
  return [
    { path: `${transitPath}/keys/${key}`, capabilities: ['read'], purpose: 'read the public key and its versions' },
    { path: `${transitPath}/sign/${key}/sha2-256`, capabilities: ['update'], purpose: 'sign SHA-256 digests' },
  ];
}

/** Verification through Vault (`cosign verify --key hashivault://`). */
export function verifyGrants(target: TransitGrantTarget): readonly Grant[] {
  const { transitPath, key } = target;
  return [
    {
      path: `${transitPath}/verify/${key}/sha2-256`,
      capabilities: ['update'],
      purpose: 'verify signatures through Vault (cosign verify --key hashivault://)',
    },
  ];
}

/** One HCL line per grant: `path "P" { capabilities = ["c"] }`. */
export function policyLines(grants: readonly Grant[]): string[] {
  return grants.map(
    (grant) => `path "${grant.path}" { capabilities = [${grant.capabilities.map((c) => `"${c}"`).join(', ')}] }`,
  );
}

/** Whether a path's capabilities (as sys/capabilities-self reports them) satisfy a grant. */
export function satisfies(held: readonly string[], grant: Grant): boolean {
  if (held.includes('root')) return true;
  if (held.includes('deny')) return false;
  return grant.capabilities.every((capability) => held.includes(capability));
}
