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
    {
      path: `${transitPath}/keys/${key}`,
      capabilities: ['read'],
      purpose: 'read the public key and its versions: signers pin a version and check the key type',
    },
    {
      path: `${transitPath}/sign/${key}/sha2-256`,
      capabilities: ['update'],
      purpose: 'sign SHA-256 digests, the only hash spiffe-vault and cosign sign with: no other hash',
    },
  ];
}

/** Verification through Vault (`cosign verify --key hashivault://`). */
export function verifyGrants(target: TransitGrantTarget): readonly Grant[] {
  const { transitPath, key } = target;
  return [
    {
      path: `${transitPath}/verify/${key}/sha2-256`,
      capabilities: ['update'],
      purpose: 'verify inside Vault, as cosign verify and verify-blob --key hashivault:// do',
    },
  ];
}

export interface PolicyGrantOptions extends TransitGrantTarget {
  /** Also what `cosign verify --key hashivault://` needs. */
  readonly verify: boolean;
}

/** The grants of the least-privilege policy: signing, and verification through Vault when asked. */
export function policyGrants(options: PolicyGrantOptions): readonly Grant[] {
  return [...signingGrants(options), ...(options.verify ? verifyGrants(options) : [])];
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
