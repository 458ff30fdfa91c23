// The README shows what `spiffe-vault setup --print` prints: the block after each
// `<!-- setup-print: ARGS -->` marker is the command's output for those arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../../src/cli/cli.ts';
import { createStderrLogger } from '../../../src/cli/logger.ts';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

test("the README's printed set-up is what setup --print prints", async () => {
  const shown = [...README.matchAll(/<!-- setup-print: (.+?) -->\n\n```sh\n([\s\S]*?)```\n/g)];
  assert.ok(shown.length > 0, 'the README shows no printed set-up');
  for (const [, args = '', block] of shown) {
    let out = '';
    const logger = createStderrLogger({}, () => true);
    const status = await runCli(['setup', '--print', ...args.split(' ')], {
      env: {},
      cwd: process.cwd(),
      logger,
      out: (text) => void (out += text),
    });
    assert.equal(status, 0);
    assert.equal(block, out, `README: the output of setup --print ${args} has changed`);
  }
});
