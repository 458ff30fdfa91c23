/**
 * `doctor`: walks the chain (Workload API → Vault → login → token → transit → registries) and
 * says, for each link, ok or what to change. A link whose prerequisite failed is skipped, not
 * failed again; the token a check mints is always revoked before the report is returned.
 */
import { describeError } from '../errors.ts';
import { revokeSelf } from '../vault/token.ts';
import { fail, reportOf, type CheckResult, type DoctorReport } from './check.ts';
import type { DoctorContext, DoctorDeps, DoctorPlan, DoctorSection, DoctorState } from './plan.ts';
import { loginSection } from './sections/login.ts';
import { registrySection } from './sections/registry.ts';
import { tokenSection } from './sections/token.ts';
import { transitSection } from './sections/transit.ts';
import { vaultServerSection } from './sections/vault-server.ts';
import { workloadApiSection } from './sections/workload-api.ts';

export const DOCTOR_SECTIONS: readonly DoctorSection[] = [
  workloadApiSection,
  vaultServerSection,
  loginSection,
  tokenSection,
  transitSection,
  registrySection,
];

export async function runDoctor(plan: DoctorPlan, deps: DoctorDeps): Promise<DoctorReport> {
  return runSections(DOCTOR_SECTIONS, { plan, deps });
}

/** Runs `sections` in order on one shared state, then frees what the state holds. */
export async function runSections(
  sections: readonly DoctorSection[],
  { plan, deps }: { readonly plan: DoctorPlan; readonly deps: DoctorDeps },
): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const state: DoctorState = {};
  try {
    for (const section of sections) {
      const ctx: DoctorContext = { plan, deps, state, add: (check) => checks.push(declared(section, check)) };
      try {
        await section.run(ctx);
      } catch (error: unknown) {
        // A check that broke is a finding too; the sections after it still run.
        checks.push(fail(`${section.area}.unexpected`, 'check', `the check itself failed: ${describeError(error)}`));
      }
    }
  } finally {
    await release(state, deps);
  }
  return reportOf(checks);
}

/** Every id is declared by its section, so the guide and programs can rely on the list. */
function declared(section: DoctorSection, check: CheckResult): CheckResult {
  if (!section.checks.includes(check.id)) throw new Error(`doctor check '${check.id}' is not declared by its section`);
  return check;
}

/** Every check id doctor may report, in order (`AREA.unexpected` aside: a check that broke). */
export const DOCTOR_CHECK_IDS: readonly string[] = DOCTOR_SECTIONS.flatMap((section) => section.checks);

async function release(state: DoctorState, deps: DoctorDeps): Promise<void> {
  state.workload?.close();
  if (state.token && state.vault) {
    try {
      await revokeSelf(state.vault, state.token.token);
    } catch (error: unknown) {
      deps.logger.warning(`could not revoke the token doctor minted: ${describeError(error)}`);
    }
  }
}
