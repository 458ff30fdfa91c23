/**
 * What the action asks of the Actions runner, as one interface: the real one forwards to
 * @actions/core; unit tests drive main and post in-process with a recording fake.
 */
import * as core from '@actions/core';
import type { Logger } from '../core/logger.ts';

export interface SummaryTable {
  readonly heading: string;
  readonly rows: readonly (readonly string[])[];
  /** Markdown after the table. */
  readonly footer?: string;
}

export interface ActionRunner extends Logger {
  readonly env: Readonly<Record<string, string | undefined>>;
  setSecret(secret: string): void;
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  setFailed(message: string): void;
  /** Adds a table to the job summary (nothing when the runner has no summary file). */
  writeSummary(table: SummaryTable): Promise<void>;
  /** Adds a heading and Markdown of our own (a table already rendered) to the job summary. */
  writeSummaryMarkdown(heading: string, markdown: string): Promise<void>;
}

export function githubRunner(env: NodeJS.ProcessEnv = process.env): ActionRunner {
  return {
    env,
    // The runner keeps ::debug:: lines only when step debug logging is on; writing them
    // otherwise costs a write per line (one per signed file) for nothing.
    debug: (message) => {
      if (core.isDebug()) core.debug(message);
    },
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    setSecret: (secret) => core.setSecret(secret),
    setOutput: (name, value) => core.setOutput(name, value),
    exportVariable: (name, value) => core.exportVariable(name, value),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    setFailed: (message) => core.setFailed(message),
    writeSummary: async (table) => {
      if (!env.GITHUB_STEP_SUMMARY) return;
      const [head, ...rows] = table.rows;
      await core.summary
        .addHeading(table.heading, 3)
        .addTable([(head ?? []).map((data) => ({ data, header: true })), ...rows.map((row) => [...row])])
        .addRaw(table.footer ?? '')
        .write();
    },
    writeSummaryMarkdown: async (heading, markdown) => {
      if (!env.GITHUB_STEP_SUMMARY) return;
      // The blank line ends the heading's HTML block, so the Markdown after it is rendered.
      await core.summary.addHeading(heading, 3).addRaw(`\n${markdown}\n`).write();
    },
  };
}

/** Masks a secret, and each line of it when it spans several (the runner masks per line). */
export function maskSecret(runner: ActionRunner, secret: string): void {
  runner.setSecret(secret);
  for (const line of secret.split(/\r?\n/)) {
    if (line.trim() !== '' && line !== secret) runner.setSecret(line);
  }
}
