// dist/licenses.txt and the licence allow-list, from a small node_modules tree made for each test.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Metafile } from 'esbuild';
import {
  bundledInputs,
  collectPackages,
  LicenceCheckError,
  packageDirOf,
  renderLicenses,
  STANDARD_TEXTS_DIR,
} from '../../../scripts/licenses.ts';

let root: string;
let standardTexts: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'licenses-test-'));
  standardTexts = join(root, 'license-texts');
  mkdirSync(standardTexts);
  writeFileSync(join(standardTexts, 'Apache-2.0.txt'), '\n   Apache License\n   (standard text)\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A package folder with a package.json (license omitted when undefined) and the given files. */
function fakePackage(dir: string, name: string, license: unknown, files: Record<string, string> = {}): void {
  write(
    `${dir}/package.json`,
    JSON.stringify({ name, version: '1.2.3', ...(license === undefined ? {} : { license }) }),
  );
  write(`${dir}/index.js`, 'module.exports = 1;\n');
  for (const [file, text] of Object.entries(files)) write(`${dir}/${file}`, text);
}

const collect = (bundles: Record<string, string[]>) =>
  collectPackages(new Map(Object.entries(bundles)), { root, standardTexts });

describe('packageDirOf', () => {
  test('the package folder after the last node_modules, scoped and nested ones included', () => {
    assert.equal(packageDirOf('node_modules/a/lib/x.js'), 'node_modules/a');
    assert.equal(packageDirOf('node_modules/@s/b/x.js'), 'node_modules/@s/b');
    assert.equal(packageDirOf('node_modules/a/node_modules/@s/b/lib/x.js'), 'node_modules/a/node_modules/@s/b');
    assert.equal(packageDirOf('node_modules\\a\\x.js'), 'node_modules/a');
    assert.equal(packageDirOf('src/entry/cli.ts'), undefined);
    assert.equal(packageDirOf('scripts/build-stubs/long.cjs'), undefined);
    assert.equal(packageDirOf('node_modules/@s/x.js'), undefined);
  });
});

describe('bundledInputs', () => {
  test('per bundle, the files under node_modules that put code into it', () => {
    const input = (bytesInOutput: number) => ({ bytesInOutput });
    const metafile = {
      inputs: {},
      outputs: {
        '../out/main.js': {
          bytes: 1,
          imports: [],
          exports: [],
          inputs: {
            'src/entry/action-main.ts': input(10),
            'node_modules/a/index.js': input(5),
            'node_modules/undici/index.js': input(0),
          },
        },
        '../out/main.js.LEGAL.txt': { bytes: 1, imports: [], exports: [], inputs: {} },
      },
    } as unknown as Metafile;
    assert.deepEqual(bundledInputs(metafile), new Map([['main.js', ['node_modules/a/index.js']]]));
  });
});

describe('collectPackages and renderLicenses', () => {
  test('one section per package, sorted by name, with its licence, bundles and full text', () => {
    fakePackage('node_modules/plain', 'plain', 'MIT', { LICENSE: '\uFEFFMIT License\r\n\r\nCopyright plain\r\n\r\n' });
    fakePackage('node_modules/@scope/scoped', '@scope/scoped', 'ISC', {
      'LICENCE.md': 'ISC License\n\nCopyright scoped\n',
      NOTICE: 'scoped includes nothing else\n',
    });
    fakePackage('node_modules/plain/node_modules/nested', 'nested', 'BSD-3-Clause', { COPYING: 'BSD text, nested\n' });
    fakePackage('node_modules/dual', 'dual', '(GPL-3.0-only OR MIT)', { 'LICENSE-MIT': 'MIT text, dual\n' });
    fakePackage('node_modules/bare', 'bare', 'Apache-2.0');

    const packages = collect({
      'main.js': [
        'node_modules/plain/index.js',
        'node_modules/@scope/scoped/index.js',
        'node_modules/plain/node_modules/nested/index.js',
      ],
      'cli.js': ['node_modules/plain/index.js', 'node_modules/dual/index.js', 'node_modules/bare/index.js'],
    });
    const text = renderLicenses(packages);

    assert.deepEqual(
      packages.map(({ name, license, bundles }) => `${name} ${license} ${bundles.join(',')}`),
      [
        '@scope/scoped ISC main.js',
        'bare Apache-2.0 cli.js',
        'dual (GPL-3.0-only OR MIT) cli.js',
        'nested BSD-3-Clause main.js',
        'plain MIT cli.js,main.js',
      ],
    );
    assert.match(
      text,
      /^5 packages: \(GPL-3\.0-only OR MIT\) \(1\), Apache-2\.0 \(1\), BSD-3-Clause \(1\), ISC \(1\), MIT \(1\)$/m,
    );
    const rule = '='.repeat(80);
    assert.ok(
      text.includes(
        `${rule}\n@scope/scoped@1.2.3\nLicense: ISC\nBundles: main.js\n\n` +
          `--- LICENCE.md ---\n\nISC License\n\nCopyright scoped\n\n` +
          `--- NOTICE ---\n\nscoped includes nothing else\n\n${rule}\n`,
      ),
      text,
    );
    assert.ok(
      text.includes(
        `bare@1.2.3\nLicense: Apache-2.0\nBundles: cli.js\n\n` +
          `--- the standard Apache-2.0 text (the package ships no licence file) ---\n\n   Apache License\n   (standard text)\n`,
      ),
    );
    assert.ok(
      text.includes(
        'dual@1.2.3\nLicense: (GPL-3.0-only OR MIT)\nBundles: cli.js\n\n--- LICENSE-MIT ---\n\nMIT text, dual\n',
      ),
    );
    assert.ok(
      text.includes('nested@1.2.3\nLicense: BSD-3-Clause\nBundles: main.js\n\n--- COPYING ---\n\nBSD text, nested\n'),
    );
    // No BOM, no CR, one newline at the end.
    assert.ok(
      text.endsWith(
        'plain@1.2.3\nLicense: MIT\nBundles: cli.js, main.js\n\n--- LICENSE ---\n\nMIT License\n\nCopyright plain\n',
      ),
    );
    assert.equal(renderLicenses(collect({ 'cli.js': ['node_modules/plain/index.js'] })).includes('\r'), false);
  });

  test('the same tree in another order gives the same bytes', () => {
    fakePackage('node_modules/a', 'a', 'MIT', { LICENSE: 'a\n' });
    fakePackage('node_modules/b', 'b', 'ISC', { LICENSE: 'b\n' });
    const one = renderLicenses(
      collect({ 'x.js': ['node_modules/a/index.js', 'node_modules/b/index.js'], 'y.js': ['node_modules/a/index.js'] }),
    );
    const two = renderLicenses(
      collect({ 'y.js': ['node_modules/a/index.js'], 'x.js': ['node_modules/b/index.js', 'node_modules/a/index.js'] }),
    );
    assert.equal(one, two);
  });

  test('a licence not allowed, or none, fails with every such package named and the way out', () => {
    fakePackage('node_modules/fine', 'fine', 'MIT', { LICENSE: 'MIT\n' });
    fakePackage('node_modules/copyleft', 'copyleft', 'GPL-3.0-only', { LICENSE: 'GPL\n' });
    fakePackage('node_modules/fine/node_modules/nameless', 'nameless', undefined, { LICENSE: '?\n' });
    fakePackage('node_modules/both', 'both', '(MIT AND GPL-2.0-only)', { LICENSE: 'both\n' });
    const bundles = {
      'main.js': [
        'node_modules/fine/index.js',
        'node_modules/copyleft/index.js',
        'node_modules/fine/node_modules/nameless/index.js',
        'node_modules/both/index.js',
      ],
    };
    assert.throws(
      () => collect(bundles),
      (error: unknown) => {
        assert.ok(error instanceof LicenceCheckError);
        assert.match(
          error.message,
          /copyleft@1\.2\.3 \(node_modules\/copyleft\): licence "GPL-3\.0-only" is not on the allow-list/,
        );
        assert.match(
          error.message,
          /nameless@1\.2\.3 \(node_modules\/fine\/node_modules\/nameless\): no licence in its package\.json/,
        );
        assert.match(
          error.message,
          /both@1\.2\.3 \(node_modules\/both\): licence "\(MIT AND GPL-2\.0-only\)" is not on the allow-list/,
        );
        assert.doesNotMatch(error.message, /fine@/);
        assert.match(
          error.message,
          /replace the package .*add the licence's SPDX id to ALLOWED_LICENSES in scripts\/licenses\.ts/s,
        );
        return true;
      },
    );
    // After review, a longer list lets it through.
    const packages = collectPackages(new Map([['main.js', ['node_modules/copyleft/index.js']]]), {
      root,
      standardTexts,
      allowed: ['MIT', 'GPL-3.0-only'],
    });
    assert.equal(packages[0]?.license, 'GPL-3.0-only');
  });

  test('a package with no licence file and no standard text for its licence fails, named', () => {
    fakePackage('node_modules/@scope/textless', '@scope/textless', 'MIT');
    fakePackage('node_modules/choice', 'choice', '(MIT OR Apache-2.0)');
    assert.throws(
      () => collect({ 'cli.js': ['node_modules/@scope/textless/index.js', 'node_modules/choice/index.js'] }),
      (error: unknown) => {
        assert.ok(error instanceof LicenceCheckError);
        assert.match(
          error.message,
          /@scope\/textless@1\.2\.3 \(node_modules\/@scope\/textless\): ships no LICENSE, LICENCE, COPYING or NOTICE file, and there is no standard text for "MIT"/,
        );
        // An expression has no one standard text, even when one of its licences has one.
        assert.match(error.message, /choice@1\.2\.3 \(node_modules\/choice\): ships no LICENSE/);
        return true;
      },
    );
  });

  test('the repository has the standard Apache-2.0 text (one bundled package ships none)', () => {
    assert.ok(existsSync(join(STANDARD_TEXTS_DIR, 'Apache-2.0.txt')));
  });
});
