/**
 * Transit failures classified into findings: a missing key or mount, a refused sign, a denial
 * with the capabilities the token lacks and the least-privilege policy that fixes it, a token
 * that could not be renewed. The transit signer throws TransitErrors rendered from these.
 */
import type { TransitErrorCode } from '../vault/transit-errors.ts';
import { createKeyCommand, describeTarget, leastPrivilegePolicy, type TransitTarget } from '../vault/transit-errors.ts';
import { VaultHttpError } from '../vault/errors.ts';
import { signingGrants } from '../policy/grants.ts';
import type { Finding } from './finding.ts';
import { answerOf, describeWithCode, diagnoseVaultRequest, type VaultFinding } from './vault.ts';
import { answerLine, isKeyMissingAnswer, isNoRouteAnswer } from './vault-answers.ts';

export type TransitFinding = Finding<TransitErrorCode>;

/**
 * Reading the key failed: TRANSIT_KEY_NOT_FOUND for a 404 (no such key, or nothing mounted at
 * the mount), otherwise the request failure as a Vault finding.
 */
export function diagnoseKeyRead(error: unknown, target: TransitTarget): TransitFinding | VaultFinding {
  if (error instanceof VaultHttpError && error.status === 404) {
    const noMount = isNoRouteAnswer(error);
    const enable = `vault secrets enable -path=${target.transitPath} transit`;
    const create = createKeyCommand(target);
    return {
      code: 'TRANSIT_KEY_NOT_FOUND',
      area: 'transit',
      reason: noMount ? 'mount-missing' : 'key-missing',
      what: `${describeTarget(target)} does not exist`,
      fix: noMount
        ? `there is no secrets engine at '${target.transitPath}' — check the mount (\`vault secrets list\`) or enable transit there (\`${enable}\`)`
        : `create it with \`${create}\`, or check the key name (\`vault list ${target.transitPath}/keys\`)`,
      commands: noMount ? ['vault secrets list', enable] : [create, `vault list ${target.transitPath}/keys`],
      status: 404,
    };
  }
  return diagnoseVaultRequest(error, {
    what: `failed to read transit key '${target.key}' (mount '${target.transitPath}') at ${target.address}`,
  });
}

export interface SignProgress {
  readonly target: TransitTarget;
  readonly keyVersion: number;
  /** Index of the failed request's first digest: how many were signed before it. */
  readonly offset: number;
  readonly count: number;
  readonly total: number;
}

/** A sign request failed for good: a missing key, or any request failure, as TRANSIT_* findings. */
export function diagnoseSignFailure(error: unknown, progress: SignProgress): TransitFinding {
  const { offset, count, total } = progress;
  const what =
    `failed to sign digests ${offset}–${offset + count - 1} of ${total} with ` +
    `${describeTarget(progress.target)}, version ${progress.keyVersion} ` +
    `(${offset} of the ${total} digests were signed before the failure)`;
  if (!(error instanceof VaultHttpError)) {
    return { code: 'TRANSIT_SIGN_FAILED', area: 'transit', reason: 'sign-failed', what, why: describeWithCode(error) };
  }
  if (isKeyMissingAnswer(error)) {
    return {
      code: 'TRANSIT_KEY_NOT_FOUND',
      area: 'transit',
      reason: 'key-missing',
      what,
      answer: answerLine(error),
      ...(error.status !== undefined ? { status: error.status } : {}),
    };
  }
  const request = diagnoseVaultRequest(error, { what });
  return { ...request, code: 'TRANSIT_SIGN_FAILED', area: 'transit' };
}

/** The token was dead and no new one could be had. */
export function renewalFailed(error: unknown, target: TransitTarget): TransitFinding {
  return {
    code: 'TRANSIT_TOKEN_EXPIRED',
    area: 'transit',
    reason: 'token-not-renewed',
    what: `the Vault token for ${describeTarget(target)} expired or was revoked, and no new one could be had`,
    why: describeWithCode(error),
    status: 403,
  };
}

export type TransitOperation = 'read' | 'sign';

/** What sys/capabilities-self said about the paths a signer needs, or why it could not be asked. */
export type HeldCapabilities =
  { readonly held: Readonly<Record<string, readonly string[]>> } | { readonly unknown: unknown };

/** The paths a signer needs and the capability on each. */
export function neededCapabilities(target: TransitTarget): readonly { path: string; capability: string }[] {
  return signingGrants(target).flatMap((grant) =>
    grant.capabilities.map((capability) => ({ path: grant.path, capability })),
  );
}

/**
 * A live token was refused (403): which capabilities it lacks (from capabilities-self), and the
 * policy that grants them.
 */
export function diagnoseDenial(denial: {
  readonly target: TransitTarget;
  readonly operation: TransitOperation;
  readonly answer: VaultHttpError;
  readonly capabilities: HeldCapabilities;
  readonly renewed: boolean;
}): TransitFinding {
  const { target, capabilities } = denial;
  let why: string;
  let reason: string;
  if ('held' in capabilities) {
    const lacking = neededCapabilities(target).flatMap((n) => {
      const held = capabilities.held[n.path] ?? [];
      const granted = held.includes('root') || (held.includes(n.capability) && !held.includes('deny'));
      return granted ? [] : [`"${n.capability}" on '${n.path}' (it has ${JSON.stringify(held)})`];
    });
    reason = lacking.length ? 'capability-missing' : 'denied-despite-capabilities';
    why = lacking.length
      ? `the token's policies lack ${lacking.join(' and ')}`
      : 'Vault reports the needed capabilities yet refused (a Sentinel/EGP policy, a CIDR-bound token, or another namespace?)';
  } else {
    reason = 'capabilities-unknown';
    why =
      `the token may not ask for its own capabilities (sys/capabilities-self: ${answerOf(capabilities.unknown)}; ` +
      `without the 'default' policy a token can neither do that nor look itself up)`;
  }
  const doing = denial.operation === 'read' ? 'reading the public key of' : 'signing with';
  return {
    code: 'TRANSIT_PERMISSION_DENIED',
    area: 'transit',
    reason,
    what: `Vault denied ${doing} ${describeTarget(target)}${denial.renewed ? ', also with a new token' : ''}`,
    answer: answerLine(denial.answer),
    why,
    fix: "give the role's token_policies at least",
    policy: leastPrivilegePolicy(target).split('\n'),
    status: 403,
  };
}
