/**
 * Transit requests with the provider's token: a dead token is replaced and the request sent once
 * more; a live token's refusal becomes TRANSIT_PERMISSION_DENIED with what it lacks.
 */
import type { Logger } from '../logger.ts';
import {
  diagnoseDenial,
  neededCapabilities,
  renewalFailed,
  type HeldCapabilities,
  type TransitOperation,
} from '../diagnose/transit.ts';
import { isForbiddenAnswer, isInvalidTokenAnswer } from '../diagnose/vault-answers.ts';
import type { VaultClient } from './client.ts';
import type { TokenProvider } from './session.ts';
import { VaultHttpError } from './errors.ts';
import { transitErrorFrom, TransitError, type TransitTarget } from './transit-errors.ts';

export type { TransitOperation } from '../diagnose/transit.ts';

export interface AccessContext {
  readonly client: VaultClient;
  readonly tokens: TokenProvider;
  readonly target: TransitTarget;
  readonly logger: Logger;
}

/**
 * Runs `request.send` with the provider's token. Vault answers 403 both for a dead (expired, revoked)
 * token and for one whose policies lack the path; lookup-self tells them apart: a dead token
 * cannot look itself up. A dead token is renewed and `send` runs once more with the new one;
 * missing rights become TRANSIT_PERMISSION_DENIED naming the path, the capability and the policy.
 */
export async function withToken<T>(
  ctx: AccessContext,
  request: {
    readonly operation: TransitOperation;
    readonly signedCount: number;
    /** The request itself, given the token to send. */
    readonly send: (token: string) => Promise<T>;
  },
): Promise<T> {
  const { send, ...access } = request;
  const token = await ctx.tokens.getToken();
  try {
    return await send(token);
  } catch (error: unknown) {
    if (!isForbidden(error)) throw error;
    // HashiCorp Vault says "invalid token" outright; OpenBao's bare 403 needs lookup-self to tell.
    if (!isInvalidTokenAnswer(error) && !(await isDead(ctx.client, token))) {
      throw await permissionDenied(ctx, { ...access, token, cause: error, renewed: false });
    }
  }
  ctx.logger.info(`Vault rejected the token as expired or revoked; getting a new one to retry`);
  let fresh: string;
  try {
    fresh = await ctx.tokens.renewToken(token);
  } catch (error: unknown) {
    throw transitErrorFrom(renewalFailed(error, ctx.target), { cause: error, signedCount: request.signedCount });
  }
  try {
    return await send(fresh);
  } catch (error: unknown) {
    if (!isForbidden(error)) throw error;
    throw await permissionDenied(ctx, { ...access, token: fresh, cause: error, renewed: true });
  }
}

export function isForbidden(error: unknown): error is VaultHttpError {
  return error instanceof VaultHttpError && isForbiddenAnswer(error);
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

type CapabilitiesWire = { data?: Record<string, unknown> } & Record<string, unknown>;

/** Asks sys/capabilities-self (with the refused token) what it holds on the paths a signer needs. */
async function heldCapabilities(ctx: AccessContext, token: string): Promise<HeldCapabilities> {
  const paths = neededCapabilities(ctx.target).map((n) => n.path);
  try {
    const answer = await ctx.client.request<CapabilitiesWire>({
      method: 'POST',
      path: '/sys/capabilities-self',
      body: { paths },
      token,
    });
    const held: Record<string, string[]> = {};
    for (const path of paths) {
      const raw = answer.data?.[path] ?? answer[path];
      held[path] = Array.isArray(raw) ? raw.map(String) : [];
    }
    return { held };
  } catch (error: unknown) {
    return { unknown: error };
  }
}

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
  const finding = diagnoseDenial({
    target: ctx.target,
    operation: denial.operation,
    answer: denial.cause,
    capabilities: await heldCapabilities(ctx, denial.token),
    renewed: denial.renewed,
  });
  return transitErrorFrom(finding, { cause: denial.cause, signedCount: denial.signedCount });
}
