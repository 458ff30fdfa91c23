import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS, runCli } from '../../../src/cli/cli.ts';
import { mergeFlags } from '../../../src/cli/flags.ts';
import { renderCommandHelp, renderMainHelp } from '../../../src/cli/help.ts';
import { createStderrLogger } from '../../../src/cli/logger.ts';
import { VERSION } from '../../../src/cli/version.ts';

function capture() {
  let out = '';
  let err = '';
  const logger = createStderrLogger({}, (text) => {
    err += text;
    return true;
  });
  return {
    ctx: { env: {}, cwd: process.cwd(), logger, out: (text: string) => void (out += text) },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('help', () => {
  test('the main help lists every command, and no command that does not exist', () => {
    const text = renderMainHelp(COMMANDS, VERSION);
    for (const name of [
      'auth',
      'exec',
      'sign-blob',
      'sign-image',
      'verify-blob',
      'verify-image',
      'revoke',
      'doctor',
      'policy',
      'setup',
      'version',
    ])
      assert.match(text, new RegExp(`\\n  ${name} `));
    assert.doesNotMatch(text, /\n {2}(?:login|setup-vault) /);
    assert.match(text, /Exit codes/);
  });

  for (const command of COMMANDS) {
    test(`${command.name}: usage, every flag, examples, exit codes`, async () => {
      const text = renderCommandHelp(command);
      assert.match(text, new RegExp(`^spiffe-vault ${command.name}: `));
      assert.match(text, new RegExp(`\\nUsage:\\n  .*spiffe-vault ${command.name}`));
      for (const name of Object.keys(mergeFlags(command.groups))) assert.match(text, new RegExp(`--${name}\\b`));
      assert.match(text, /\nExamples:\n {2}\S/);
      assert.match(text, /\nExit codes:\n {2}\S/);
      for (const line of text.split('\n')) assert.ok(line.length <= 130, `help line too long: ${line}`);

      for (const flag of ['--help', '-h', '-help']) {
        const io = capture();
        assert.equal(await runCli([command.name, flag], io.ctx), 0);
        assert.equal(io.out, text);
        assert.equal(io.err, '');
      }
      const io = capture();
      assert.equal(await runCli(['help', command.name], io.ctx), 0);
      assert.equal(io.out, text);
    });
  }

  test('the Go CLI spellings are shown', () => {
    const text = renderCommandHelp(COMMANDS.find((c) => c.name === 'auth')!);
    assert.match(text, /-authPath/);
    assert.match(text, /-socketPath/);
  });

  test('exec documents that the exit code is the command’s own, and 127/126', () => {
    const text = renderCommandHelp(COMMANDS.find((c) => c.name === 'exec')!);
    assert.match(text, /128\+N/);
    assert.match(text, /127/);
  });

  test('--help after -- belongs to exec’s command', async () => {
    const io = capture();
    // No VAULT_ADDR: had --help been taken as exec's, this would print help and exit 0.
    assert.equal(await runCli(['exec', '-role', 'ci', '--', 'cmd', '--help'], io.ctx), 2);
    assert.match(io.err, /\[INVALID_INPUT\]: --vault-addr/);
  });
});

describe('top level', () => {
  test('--version, -v and version print the package version on stdout', async () => {
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
    for (const arg of ['--version', '-v', 'version']) {
      const io = capture();
      assert.equal(await runCli([arg], io.ctx), 0);
      assert.equal(io.out, `${VERSION}\n`);
    }
  });

  test('--help prints the main help on stdout, exit 0', async () => {
    const io = capture();
    assert.equal(await runCli(['--help'], io.ctx), 0);
    assert.equal(io.out, renderMainHelp(COMMANDS, VERSION));
  });

  test('an unknown command is a usage error: one line with [INVALID_INPUT], exit 2', async () => {
    const io = capture();
    assert.equal(await runCli(['diagnose', 'x'], io.ctx), 2);
    assert.equal(io.out, '');
    assert.equal(io.err, "spiffe-vault: error [INVALID_INPUT]: unknown command 'diagnose' — see spiffe-vault --help\n");
  });
});
