/** `doctor`: the checks, their results, and how they are rendered. */
export { DOCTOR_AREAS, type CheckResult, type CheckStatus, type DoctorArea, type DoctorReport } from './check.ts';
export { checkDeadlineMs, DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorDeps, type DoctorPlan } from './plan.ts';
export { renderDoctorMarkdown, renderDoctorTable, summaryLine } from './render.ts';
export { DOCTOR_CHECK_IDS, runDoctor } from './run.ts';
