/**
 * Documentation rendered from the option table: action.yml's `inputs:` block and the README's
 * input table. `npm run docs` writes them; a unit test fails when the files disagree.
 */
import type { OptionRow } from './spec.ts';
import { optionsOf } from './table.ts';

function defaultText(row: OptionRow<unknown>): string {
  return row.defaultHelp ?? row.default ?? '';
}

/**
 * An input's `default:` goes into action.yml only when no environment variable is read for it:
 * the runner passes declared defaults as inputs, which would hide the variable.
 */
function declaredDefault(row: OptionRow<unknown>): string | undefined {
  return row.default && !row.env ? row.default : undefined;
}

export function renderActionInputs(): string {
  const lines = ['inputs:'];
  for (const row of optionsOf('action')) {
    const shown = defaultText(row);
    const text = `${capitalize(row.help)}.${shown ? ` Default: ${shown}.` : ''}`;
    lines.push(
      `  ${row.name}:`,
      '    description: >-',
      ...wrap(text, { indent: 6, width: 100 }),
      `    required: ${row.required === true}`,
    );
    const declared = declaredDefault(row);
    if (declared !== undefined) lines.push(`    default: '${declared}'`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderReadmeInputs(): string {
  const rows = optionsOf('action').map(
    (row) =>
      `| \`${row.name}\` | ${row.required ? '(required)' : escapeCell(defaultText(row)) || 'none'} | ${escapeCell(row.help)} |`,
  );
  return ['| input | default | what it is |', '| --- | --- | --- |', ...rows].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function wrap(text: string, layout: { readonly indent: number; readonly width: number }): string[] {
  const { indent, width } = layout;
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) {
      out.push(' '.repeat(indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...out, ' '.repeat(indent) + line];
}
