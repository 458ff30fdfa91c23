/**
 * Vault server checks, from unauthenticated requests only: reachable, TLS trusted, initialized,
 * unsealed, its place in an HA cluster, which server and version, and the namespace. A server
 * that answers, initialized and unsealed, is handed on to the login checks.
 */
import { diagnoseVaultRequest } from '../../diagnose/vault.ts';
import { notInitializedFinding, sealedFinding } from '../../diagnose/vault-seal.ts';
import { connectVault } from '../../vault/connect.ts';
import type { VaultClient } from '../../vault/client.ts';
import { HEALTH_IN_ANY_STATE_PATH } from '../../vault/namespace-support.ts';
import { failFromFinding, ok, skip, warn, type CheckResult } from '../check.ts';
import { checkDeadlineMs, type DoctorContext, type DoctorSection, type ServerInfo } from '../plan.ts';
import { namespaceCheck, tlsCheck } from './vault-server-checks.ts';
import {
  cliOf,
  describeServer,
  haRoleOf,
  serverInfoOf,
  type HealthAnswer,
  type LeaderAnswer,
  type SealStatusAnswer,
} from './vault-server-info.ts';

export const VAULT_SERVER_CHECKS = [
  'vault.reachable',
  'vault.tls',
  'vault.initialized',
  'vault.sealed',
  'vault.ha',
  'vault.version',
  'vault.namespace',
] as const;

export const vaultServerSection: DoctorSection = {
  area: 'vault',
  checks: VAULT_SERVER_CHECKS,
  async run(ctx) {
    const { connection } = ctx.plan;
    const address = connection.vaultAddr;
    const vault = connectVault(connection, {
      logger: ctx.deps.logger,
      proxyEnv: ctx.deps.proxyEnv,
      deadlineMs: checkDeadlineMs(connection),
    });
    let seal: SealStatusAnswer;
    try {
      // sys/seal-status answers in every state, and in any namespace: ask it in the root one.
      seal = await vault.request<SealStatusAnswer>({ method: 'GET', path: '/sys/seal-status', namespace: '' });
    } catch (error: unknown) {
      reportNoAnswer(ctx, error);
      return;
    }
    ctx.add(ok('vault.reachable', 'Vault reachable', `${address} answers`));
    ctx.add(tlsCheck(connection));
    const health = await optional(
      vault.request<HealthAnswer>({ method: 'GET', path: HEALTH_IN_ANY_STATE_PATH, namespace: '' }),
    );
    const info = serverInfoOf(seal, health);
    ctx.state.server = info;
    const sealContext = { address, cli: cliOf(info), type: seal.type, threshold: seal.t, progress: seal.progress };
    if (seal.initialized === false) {
      ctx.add(failFromFinding('vault.initialized', 'Vault initialized', notInitializedFinding(sealContext)));
      ctx.add(skip('vault.sealed', 'Vault unsealed', 'needs an initialized server'));
    } else {
      ctx.add(ok('vault.initialized', 'Vault initialized', 'initialized'));
      ctx.add(
        info.sealed
          ? failFromFinding('vault.sealed', 'Vault unsealed', sealedFinding(sealContext))
          : ok('vault.sealed', 'Vault unsealed', 'unsealed'),
      );
    }
    const ready = seal.initialized !== false && !info.sealed;
    ctx.add(await haCheck(vault, { ready, health, info }));
    ctx.add(
      info.flavour === 'unknown'
        ? warn('vault.version', 'server and version', describeServer(info), {
            fix: `is ${address} a HashiCorp Vault or OpenBao server? (sys/health and sys/seal-status answered unlike either)`,
          })
        : ok('vault.version', 'server and version', describeServer(info)),
    );
    if (!ready) return;
    if (connection.namespace) {
      ctx.add(await namespaceCheck(vault, { info, namespace: connection.namespace, plan: ctx.plan }));
    }
    ctx.state.vault = vault;
  },
};

/** No usable answer to sys/seal-status: nothing listening, TLS refused, or not a Vault server. */
function reportNoAnswer(ctx: DoctorContext, error: unknown): void {
  const address = ctx.plan.connection.vaultAddr;
  const finding = diagnoseVaultRequest(error, { what: `failed to reach Vault at ${address}`, address });
  if (finding.code === 'VAULT_TLS_FAILED') {
    ctx.add(ok('vault.reachable', 'Vault reachable', `${address} accepts connections`));
    ctx.add(failFromFinding('vault.tls', 'TLS trusted', finding));
    return;
  }
  const check = failFromFinding('vault.reachable', 'Vault reachable', finding);
  if (finding.code === 'VAULT_UNREACHABLE') {
    ctx.add({ ...check, detail: `${address}: ${finding.why ?? ''}` });
  } else {
    ctx.add({
      ...check,
      detail: `${address} answered sys/seal-status with ${finding.answer ?? finding.why ?? '?'}`,
      fix: `is ${address} a Vault or OpenBao server, and is its address complete (scheme, host, port, no path)?`,
    });
  }
  ctx.add(skip('vault.tls', 'TLS trusted', 'needs an answer from Vault'));
}

async function haCheck(
  vault: VaultClient,
  seen: { ready: boolean; health: HealthAnswer | undefined; info: ServerInfo },
): Promise<CheckResult> {
  if (!seen.ready) return skip('vault.ha', 'HA role', 'needs an unsealed server');
  if (!seen.health) {
    return warn('vault.ha', 'HA role', "sys/health did not answer: the node's HA role is unknown", {
      fix: 'if a load balancer is in front of Vault, check that it lets sys/health through',
    });
  }
  const leader = await optional(vault.request<LeaderAnswer>({ method: 'GET', path: '/sys/leader', namespace: '' }));
  return ok('vault.ha', 'HA role', haRoleOf(seen.info, leader).detail);
}

async function optional<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch {
    return undefined;
  }
}
