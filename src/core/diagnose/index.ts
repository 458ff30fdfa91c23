/**
 * Diagnoses as data: the finding type, its rendering, and the classifier of each area (Vault,
 * transit, Workload API, registry). A failure summary or a preflight reads `findingOf(error)`.
 */
export { findingOf, renderFinding, type Finding, type FindingArea } from './finding.ts';
export { diagnoseLogin, diagnoseVaultRequest, type LoginContext, type VaultFinding } from './vault.ts';
export { diagnoseDenial, diagnoseKeyRead, diagnoseSignFailure, type TransitFinding } from './transit.ts';
export { diagnoseWorkloadApiFailure, type WorkloadApiFinding } from './workload-api.ts';
export { diagnoseRegistryFailure, tokenServiceRefused, type RegistryFinding } from './registry.ts';
