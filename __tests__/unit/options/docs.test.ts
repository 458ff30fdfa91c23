// The option table is the one source: action.yml, the README, the CLI help and the GitLab
// components must say what it says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../../src/cli/cli.ts';
import { mergeFlags } from '../../../src/cli/flags.ts';
import { renderActionInputs, renderReadmeInputs } from '../../../src/core/options/docs.ts';
import type { OptionRow } from '../../../src/core/options/spec.ts';
import { OPTIONS, optionsOf } from '../../../src/core/options/table.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** `name: default` of a component's `spec: inputs:` (our own files: a line-based read is enough). */
function componentInputs(path: string): Map<string, string | undefined> {
  const spec = read(path).split('\n---\n')[0] as string;
  const inputs = new Map<string, string | undefined>();
  let current: string | undefined;
  for (const line of spec.split('\n')) {
    const name = /^ {4}([a-z][\w-]*):\s*$/.exec(line)?.[1];
    if (name) {
      current = name;
      inputs.set(name, undefined);
      continue;
    }
    const value = /^ {6}default:\s*(.*)$/.exec(line)?.[1];
    if (value !== undefined && current) inputs.set(current, value.replace(/^'(.*)'$/, '$1'));
  }
  return inputs;
}

describe('the option table documents every front end', () => {
  test("action.yml's inputs are the table's action rows (npm run docs writes them)", () => {
    const actionYml = read('action.yml');
    assert.ok(actionYml.includes(`\n${renderActionInputs()}\noutputs:`), 'action.yml is stale: run npm run docs');
  });

  test("the README's input table is the table's action rows", () => {
    // Prettier pads the table's columns: compare cell by cell.
    const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    assert.ok(cells(read('README.md')).includes(cells(renderReadmeInputs())), 'README.md is stale: run npm run docs');
  });

  test('every CLI option is a flag of some command, with the help text of its row', () => {
    const perCommand = COMMANDS.map((command) => mergeFlags(command.groups));
    for (const row of optionsOf('cli')) {
      const name = row.flag ?? row.name;
      const uses = perCommand.map((flags) => flags[name]).filter((flag) => flag?.type === row.kind);
      assert.ok(uses.length > 0, `--${name} is in no command`);
      assert.ok(
        uses.some((flag) => flag?.description.startsWith(row.help)),
        `--${name}: help differs from its row`,
      );
    }
  });

  for (const component of ['login', 'sign']) {
    test(`the ${component} component's inputs are table rows with the table's defaults`, () => {
      const own = new Set(['cli', 'image', 'job-name', 'stage']);
      for (const [name, given] of componentInputs(`templates/${component}/template.yml`)) {
        if (own.has(name)) continue;
        const row = (OPTIONS as Record<string, OptionRow<unknown>>)[name];
        assert.ok(row, `${name} is not in the option table`);
        assert.ok(row.fronts.includes('gitlab'), `${name}: the table does not expose it on gitlab`);
        // The table's default, or '' (the CLI then reads the variable or applies that default).
        const expected = row.gitlabDefault ?? row.default ?? '';
        if (given !== undefined && given !== '') assert.equal(given, expected, `${component}: ${name} default`);
      }
    });
  }
});

test("the components' default CLI (and their READMEs) pin the package's own version", () => {
  const { version } = JSON.parse(read('package.json')) as { version: string };
  for (const file of [
    'templates/login/template.yml',
    'templates/sign/template.yml',
    'templates/login/README.md',
    'templates/sign/README.md',
  ]) {
    const pins = [...read(file).matchAll(/spiffe-vault-action@([\w.-]+)/g)].map((m) => m[1]);
    assert.ok(pins.length > 0, `${file} names no version`);
    for (const pin of pins) assert.equal(pin, version, `${file} pins ${pin}, package.json is ${version}`);
  }
});
