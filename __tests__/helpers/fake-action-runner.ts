// A recording ActionRunner for driving the action's main and post steps in-process.
import type { ActionRunner, SummaryTable } from '../../src/action/runner.ts';

export interface FakeActionRunner extends ActionRunner {
  readonly lines: string[];
  readonly secrets: string[];
  readonly outputs: Record<string, string>;
  readonly exported: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summaries: SummaryTable[];
  /** Headings and Markdown written with writeSummaryMarkdown. */
  readonly markdown: { heading: string; markdown: string }[];
  failed: string | undefined;
}

export function fakeActionRunner(
  env: Record<string, string | undefined>,
  state: Record<string, string> = {},
): FakeActionRunner {
  const runner: FakeActionRunner = {
    env,
    lines: [],
    secrets: [],
    outputs: {},
    exported: {},
    state: { ...state },
    summaries: [],
    markdown: [],
    failed: undefined,
    debug: (m) => void runner.lines.push(`debug: ${m}`),
    info: (m) => void runner.lines.push(m),
    warning: (m) => void runner.lines.push(`warning: ${m}`),
    setSecret: (s) => void runner.secrets.push(s),
    setOutput: (name, value) => void (runner.outputs[name] = value),
    exportVariable: (name, value) => void (runner.exported[name] = value),
    saveState: (name, value) => void (runner.state[name] = value),
    getState: (name) => runner.state[name] ?? '',
    setFailed: (message) => void (runner.failed = message),
    writeSummary: async (table) => void runner.summaries.push(table),
    writeSummaryMarkdown: async (heading, markdown) => void runner.markdown.push({ heading, markdown }),
  };
  return runner;
}
