/** Runs a transit request with the provider's token: a dead token is renewed once, a denial explained. */
import type { Logger } from '../logger.ts';
import { describeError, errorCode } from '../errors.ts';
import type { VaultClient } from './client.ts';
import type { TokenProvider } from './session.ts';
import { VaultHttpError } from './errors.ts';
import {
  describeTarget,
  keyPath,
  leastPrivilegePolicy,
  signPath,
  TransitError,
  vaultAnswer,
  type TransitTarget,
} from './transit-errors.ts';

export interface AccessContext {
  readonly client: VaultClient;
  readonly tokens: TokenProvider;
  readonly target: TransitTarget;
  readonly logger: Logger;
}

export type TransitOperation = 'read' | 'sign';

/**
 * Runs `send` with the provider's token. Vault answers 403 both for a dead (expired, revoked)
 * token and for one whose policies lack the path; lookup-self tells them apart: a dead token
 * cannot look itself up. A dead token is renewed and `send` runs once more with the new one;
 * missing rights become TRANSIT_PERMISSION_DENIED naming the path, the capability and the policy.
 */
export async function withToken<T>(
  ctx: AccessContext,
  request: { readonly operation: TransitOperation; readonly signedCount: number },
  send: (token: string) => Promise<T>,
): Promise<T> {
  const token = await ctx.tokens.getToken();
  try {
    return await send(token);
  } catch (error: unknown) {
    if (!isForbidden(error)) throw error;
    if (!(await isDead(ctx.client, token))) {
      throw await permissionDenied(ctx, { ...request, token, cause: error, renewed: false });
    }
  }
  ctx.logger.info(`Vault rejected the token as expired or revoked; getting a new one to retry`);
  let fresh: string;
  try {
    fresh = await ctx.tokens.renewToken(token);
  } catch (error: unknown) {
    throw new TransitError(
      'TRANSIT_TOKEN_EXPIRED',
      `the Vault token for ${describeTarget(ctx.target)} expired or was revoked, and no new one could be had: ${describeError(error)}${errorCode(error)}`,
      { cause: error, signedCount: request.signedCount, status: 403 },
    );
  }
  try {
    return await send(fresh);
  } catch (error: unknown) {
    if (!isForbidden(error)) throw error;
    throw await permissionDenied(ctx, { ...request, token: fresh, cause: error, renewed: true });
  }
}

export function isForbidden(error: unknown): error is VaultHttpError {
  return error instanceof VaultHttpError && error.status === 403;
}

/** True only when Vault refuses the token's own lookup: anything else is not proof of death. */
async function isDead(client: VaultClient, token: string): Promise<boolean> {
  try {
    await client.request({ method: 'GET', path: '/auth/token/lookup-self', token });
    return false;
  } catch (error: unknown) {
    return isForbidden(error);
  }
}

interface Needed {
  readonly path: string;
  readonly capability: 'read' | 'update';
}

type CapabilitiesWire = { data?: Record<string, unknown> } & Record<string, unknown>;

async function permissionDenied(
  ctx: AccessContext,
  denial: {
    readonly operation: TransitOperation;
    readonly signedCount: number;
    readonly token: string;
    readonly cause: VaultHttpError;
    readonly renewed: boolean;
  },
): Promise<TransitError> {
  const { target } = ctx;
  const needed: Needed[] = [
    { path: keyPath(target), capability: 'read' },
    { path: signPath(target), capability: 'update' },
  ];
  let finding: string;
  try {
    const answer = await ctx.client.request<CapabilitiesWire>({
      method: 'POST',
      path: '/sys/capabilities-self',
      body: { paths: needed.map((n) => n.path) },
      token: denial.token,
    });
    const lacking = needed.flatMap((n) => {
      const raw = answer.data?.[n.path] ?? answer[n.path];
      const held = Array.isArray(raw) ? raw.map(String) : [];
      const granted = held.includes('root') || (held.includes(n.capability) && !held.includes('deny'));
      return granted ? [] : [`"${n.capability}" on '${n.path}' (it has ${JSON.stringify(held)})`];
    });
    finding = lacking.length
      ? `the token's policies lack ${lacking.join(' and ')}`
      : 'Vault reports the needed capabilities yet refused (a Sentinel/EGP policy, a CIDR-bound token, or another namespace?)';
  } catch (error: unknown) {
    finding =
      `the token may not ask for its own capabilities (sys/capabilities-self: ${vaultAnswer(error)}; ` +
      `without the 'default' policy a token can neither do that nor look itself up)`;
  }
  const what = denial.operation === 'read' ? 'reading the public key of' : 'signing with';
  const renewed = denial.renewed ? ', also with a new token' : '';
  return new TransitError(
    'TRANSIT_PERMISSION_DENIED',
    `Vault denied ${what} ${describeTarget(target)} (${vaultAnswer(denial.cause)}${renewed}): ` +
      `${finding} — give the role's token_policies at least:\n${leastPrivilegePolicy(target)}`,
    { cause: denial.cause, signedCount: denial.signedCount, status: 403 },
  );
}
