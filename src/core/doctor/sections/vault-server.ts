/** Vault server checks: reachable, TLS trusted, unsealed, active or standby, flavour and version. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { connectVault } from '../../vault/connect.ts';
import { fail, failFromFinding, ok } from '../check.ts';
import { DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorSection } from '../plan.ts';

interface SealStatus {
  sealed?: boolean;
  version?: string;
}

export const vaultServerSection: DoctorSection = {
  area: 'vault',
  checks: ['vault.reachable', 'vault.sealed'],
  async run(ctx) {
    const { connection } = ctx.plan;
    const vault = connectVault(connection, {
      logger: ctx.deps.logger,
      proxyEnv: ctx.deps.proxyEnv,
      deadlineMs: Math.min(connection.timeoutMs, DEFAULT_DOCTOR_TIMEOUT_MS),
    });
    try {
      const status = await vault.request<SealStatus>({ method: 'GET', path: '/sys/seal-status' });
      const version = status.version ?? '?';
      if (status.sealed) {
        ctx.add(
          fail('vault.sealed', 'Vault unsealed', `${connection.vaultAddr} is sealed`, {
            code: 'VAULT_SEALED',
            fix: 'unseal it (`vault operator unseal`) and retry',
            commands: ['vault operator unseal'],
          }),
        );
        return;
      }
      ctx.state.vault = vault;
      ctx.state.server = { flavour: 'unknown', version, sealed: false, standby: false };
      ctx.add(ok('vault.reachable', 'Vault reachable', `${connection.vaultAddr}, version ${version}`));
    } catch (error: unknown) {
      const finding = findingOf(error);
      ctx.add(
        finding
          ? failFromFinding('vault.reachable', 'Vault reachable', finding)
          : fail('vault.reachable', 'Vault reachable', describeError(error)),
      );
    }
  },
};
