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
import { componentRange, satisfiesCaret } from '../../helpers/version-range.ts';

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

test('componentRange: ^0.MINOR before 1.0, ^MAJOR from 1.0, the version itself for a release candidate', () => {
  assert.equal(componentRange('0.1.0'), '^0.1');
  assert.equal(componentRange('0.4.2'), '^0.4');
  assert.equal(componentRange('1.2.3'), '^1');
  assert.equal(componentRange('1.3.0-rc.1'), '^1.3.0-rc.1');
  for (const version of ['0.1.0', '1.2.3', '1.3.0-rc.1']) assert.ok(satisfiesCaret(version, componentRange(version)));
});

test('satisfiesCaret reads caret ranges as npm does', () => {
  const cases: Array<[string, string, boolean]> = [
    ['0.1.0', '^0.1', true],
    ['0.1.7', '^0.1', true],
    ['0.2.0', '^0.1', false],
    ['0.0.9', '^0.1', false],
    ['0.1.2', '^0.1.3', false],
    ['0.1.3', '^0.1.3', true],
    ['1.0.0', '^0.1', false],
    ['1.4.2', '^1', true],
    ['2.0.0', '^1', false],
    ['0.9.0', '^1', false],
    ['0.3.0', '^0', true],
    ['0.0.3', '^0.0', true],
    ['0.1.0', '^0.0', false],
    ['0.0.4', '^0.0.3', false],
    ['1.0.0-rc.1', '^1', false],
    ['1.3.0-rc.1', '^1.3.0-rc.1', true],
    ['1.3.0-rc.2', '^1.3.0-rc.1', true],
    ['1.3.0-rc.10', '^1.3.0-rc.2', true],
    ['1.3.0', '^1.3.0-rc.1', true],
    ['1.9.0', '^1.3.0-rc.1', true],
    ['1.3.0-rc.1', '^1.3.0-rc.2', false],
    ['1.4.0-rc.1', '^1.3.0-rc.1', false],
    ['2.0.0', '^1.3.0-rc.1', false],
  ];
  for (const [version, range, expected] of cases)
    assert.equal(satisfiesCaret(version, range), expected, `${version} in ${range}`);
});

test("the components' spec header has inputs only: GitLab refuses any other key there", () => {
  for (const component of ['login', 'sign']) {
    const header = read(`templates/${component}/template.yml`).split('\n---\n')[0] ?? '';
    const keys = header.split('\n').filter((line) => /^\S/.test(line) && !line.startsWith('#'));
    assert.deepEqual(keys, ['spec:'], `${component}: top-level header keys`);
    const specKeys = header.split('\n').filter((line) => /^ {2}\S/.test(line));
    assert.deepEqual(specKeys, ['  inputs:'], `${component}: keys under spec`);
  }
});

// The components run `npx --yes --package=spiffe-vault-action@RANGE spiffe-vault`. RANGE is
// ^0.MINOR before 1.0 (a 0.x minor release may break flags) and ^MAJOR from 1.0, of the package's
// own version: a release that changes either must change the range everywhere it is written.
test("the components' default CLI (and the READMEs) name one version range, package.json's", () => {
  const { version } = JSON.parse(read('package.json')) as { version: string };
  const range = componentRange(version);
  for (const component of ['login', 'sign']) {
    const cli = componentInputs(`templates/${component}/template.yml`).get('cli');
    assert.equal(cli, `npx --yes --package=spiffe-vault-action@${range} spiffe-vault`, `${component}: cli default`);
  }
  for (const file of [
    'templates/login/template.yml',
    'templates/sign/template.yml',
    'templates/login/README.md',
    'templates/sign/README.md',
    'README.md',
  ]) {
    const text = read(file);
    // Every caret range (with the package name or alone), and every exact version of the package
    // (not `org/spiffe-vault-action@v1`, the action).
    const ranges = [
      ...text.matchAll(/(?<![\w./-])(?:spiffe-vault-action@)?(\^\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)(?![\w.])/g),
    ].map((m) => m[1]);
    const versions = [
      ...text.matchAll(/(?<![\w/-])spiffe-vault-action@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?![\w.-])/g),
    ].map((m) => m[1]);
    assert.ok(ranges.length > 0, `${file} names no version range`);
    for (const found of ranges)
      assert.equal(found, range, `${file} names ${found}; package.json's ${version} needs ${range}`);
    for (const found of versions) {
      assert.ok(
        satisfiesCaret(found as string, range),
        `${file} names ${found}, outside ${range} (package.json ${version})`,
      );
    }
    assert.doesNotMatch(
      text,
      /(?<![\w/-])spiffe-vault-action@(?![\^\d])[\w.*~<>=-]/,
      `${file}: another kind of version spec`,
    );
  }
});
