// `npm run docs`: writes what the option table documents, action.yml's inputs and the README's
// input table (then formats them as every file is). A unit test fails when they are stale.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderActionInputs, renderReadmeInputs } from '../src/core/options/docs.ts';

const README_START = '<!-- options:action:start -->';
const README_END = '<!-- options:action:end -->';

function replaceBetween(text: string, start: string, end: string, body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`markers ${start} … ${end} not found`);
  return text.slice(0, from) + start + body + text.slice(to);
}

const writers: Record<string, (text: string) => string> = {
  'action.yml': (text) =>
    replaceBetween(text, 'inputs:\n', '\noutputs:', renderActionInputs().slice('inputs:\n'.length)),
  'README.md': (text) => replaceBetween(text, README_START, README_END, `\n\n${renderReadmeInputs()}\n\n`),
};
for (const [file, write] of Object.entries(writers)) writeFileSync(file, write(readFileSync(file, 'utf8')));
execFileSync('prettier', ['--write', ...Object.keys(writers)], { stdio: 'ignore' });
