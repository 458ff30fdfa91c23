/** A doctor report for people: a text table (the CLI) and Markdown (the action's job summary). */
import type { CheckResult, CheckStatus, DoctorReport } from './check.ts';
import { guideUrl } from './guide-link.ts';

const MARK: Record<CheckStatus, string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** The lines under a check that say what to do: the fix, then its commands and policy lines. */
function fixLines(check: CheckResult): string[] {
  const lines: string[] = [];
  if (check.fix) lines.push(`fix: ${check.fix}`);
  for (const command of check.commands ?? []) lines.push(`  $ ${command}`);
  if (check.policy?.length) lines.push('  policy lines to add:', ...check.policy.map((line) => `    ${line}`));
  lines.push(`guide: ${guideOf(check)}`);
  return lines;
}

/** The guide's section on the check (a broken check: the guide's introduction). */
function guideOf(check: CheckResult): string {
  return check.id.endsWith('.unexpected') ? guideUrl('Troubleshooting') : guideUrl(check.id);
}

/** One line per check (status, id, what was seen), and the fix under every warn and fail. */
export function renderDoctorTable(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.id.length), 5);
  const out: string[] = [];
  for (const check of report.checks) {
    const code = check.code ? ` [${check.code}]` : '';
    out.push(`${MARK[check.status].padEnd(4)}  ${check.id.padEnd(width)}  ${check.detail}${code}`);
    if (check.status === 'warn' || check.status === 'fail') {
      out.push(...fixLines(check).map((line) => `${' '.repeat(width + 8)}${line}`));
    }
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

export function summaryLine(report: DoctorReport): string {
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const verdict = report.ok ? 'everything needed works' : 'something needed does not work: see FAIL above';
  return `doctor: ${count('ok')} ok, ${count('warn')} warn, ${count('fail')} fail, ${count('skip')} skipped — ${verdict}`;
}

const ICON: Record<CheckStatus, string> = { ok: '✅ ok', warn: '⚠️ warn', fail: '❌ fail', skip: '⏭️ skip' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** The report as a Markdown table, for the job summary; fixes, commands and policy in a cell. */
export function renderDoctorMarkdown(report: DoctorReport): string {
  const rows = report.checks.map((check) => {
    const what = `${check.detail}${check.code ? ` \`${check.code}\`` : ''}`;
    const fix = check.status === 'warn' || check.status === 'fail' ? fixLines(check).join('\n') : '';
    return `| ${ICON[check.status]} | \`${check.id}\` | ${cell(what)} | ${cell(fix)} |`;
  });
  return ['| | check | seen | what to do |', '| --- | --- | --- | --- |', ...rows, '', summaryLine(report), ''].join(
    '\n',
  );
}
