import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { parseFlags, shellQuote, splitAtCommand, type FlagSpecs } from '../../../src/cli/args.ts';

const specs: FlagSpecs = {
  role: { type: 'string', description: '' },
  'auth-path': { type: 'string', description: '', aliases: ['authPath'] },
  bundle: { type: 'boolean', description: '' },
  help: { type: 'boolean', description: '', aliases: ['h'] },
};

describe('parseFlags', () => {
  test('Go-style single-dash and GNU-style flags both work', () => {
    assert.deepEqual(parseFlags(['-role', 'ci', '--authPath=spiffe'], { specs }).values, {
      role: 'ci',
      'auth-path': 'spiffe',
    });
    assert.deepEqual(parseFlags(['-role=ci'], { specs }).values, { role: 'ci' });
    assert.deepEqual(parseFlags(['--role', 'ci', '-auth-path', 'x'], { specs }).values, {
      role: 'ci',
      'auth-path': 'x',
    });
    assert.deepEqual(parseFlags(['-authPath', 'a'], { specs }).values, { 'auth-path': 'a' });
  });

  test('a string flag takes the next argument as its value, dashes and all (as Go does)', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    assert.deepEqual(parseFlags(['--role', pem, 'file'], { specs }).values, { role: pem });
    assert.deepEqual(parseFlags(['-role', '-x'], { specs }).values, { role: '-x' });
  });

  test('a value may hold = and spaces', () => {
    assert.deepEqual(parseFlags(['--role=a=b c'], { specs }).values, { role: 'a=b c' });
  });

  test('booleans: bare, =true, =false, --no-', () => {
    assert.equal(parseFlags(['--bundle'], { specs }).values.bundle, true);
    assert.equal(parseFlags(['-bundle=true'], { specs }).values.bundle, true);
    assert.equal(parseFlags(['--bundle=false'], { specs }).values.bundle, false);
    assert.equal(parseFlags(['-bundle=false'], { specs }).values.bundle, false);
    assert.equal(parseFlags(['--no-bundle'], { specs }).values.bundle, false);
    assert.equal(parseFlags([], { specs }).values.bundle, undefined);
  });

  test('a boolean with another value is a usage error naming the flag', () => {
    assert.throws(() => parseFlags(['--bundle=maybe'], { specs }), {
      code: 'INVALID_INPUT',
      message: /--bundle: 'maybe'/,
    });
  });

  test('-h is --help', () => {
    assert.equal(parseFlags(['-h'], { specs }).values.help, true);
  });

  test('positionals, and everything after -- is positional', () => {
    const parsed = parseFlags(['a', '-role', 'ci', 'b', '--', '-role', '--x'], { specs });
    assert.deepEqual(parsed.positionals, ['a', 'b', '-role', '--x']);
    assert.deepEqual(parsed.values, { role: 'ci' });
  });

  test('unknown flags are usage errors that name the flag as given and the command', () => {
    assert.throws(() => parseFlags(['-nope', 'x'], { specs, command: 'auth' }), {
      code: 'INVALID_INPUT',
      message: /unknown flag '-nope' for auth — see spiffe-vault auth --help/,
    });
    assert.throws(() => parseFlags(['--nope=1'], { specs }), { message: /unknown flag '--nope'/ });
    assert.throws(() => parseFlags(['--no-role'], { specs }), { code: 'INVALID_INPUT' });
  });

  test('a string flag without its value is a usage error', () => {
    assert.throws(() => parseFlags(['--role'], { specs, command: 'auth' }), {
      code: 'INVALID_INPUT',
      message: /--role: needs a value/,
    });
  });
});

describe('splitAtCommand', () => {
  test('splits at --', () => {
    assert.deepEqual(splitAtCommand(['-role', 'ci', '--', 'sh', '-c', 'exit 7'], specs), {
      flags: ['-role', 'ci'],
      command: ['sh', '-c', 'exit 7'],
    });
  });

  test('without --, at the first argument that is not a flag or a flag value', () => {
    assert.deepEqual(splitAtCommand(['-role', 'ci', '--bundle', 'env', '-i', '--', 'x'], specs), {
      flags: ['-role', 'ci', '--bundle'],
      command: ['env', '-i', '--', 'x'],
    });
    assert.deepEqual(splitAtCommand(['--role=ci', 'make', 'release'], specs), {
      flags: ['--role=ci'],
      command: ['make', 'release'],
    });
  });

  test('only the first -- separates', () => {
    assert.deepEqual(splitAtCommand(['--', 'a', '--', 'b'], specs).command, ['a', '--', 'b']);
  });

  test('no command', () => {
    assert.deepEqual(splitAtCommand(['-role', 'ci'], specs), { flags: ['-role', 'ci'], command: [] });
  });
});

describe('shellQuote', () => {
  test('survives quotes and shell syntax', () => {
    assert.equal(shellQuote(`it's $(rm -rf /)`), `'it'\\''s $(rm -rf /)'`);
    assert.equal(shellQuote(''), `''`);
  });

  test('a POSIX shell reads back exactly what was quoted', () => {
    const values = [`it's`, '$HOME `id` $(id) ${x}', 'a\nb', '\\n "q" \t', "''''", '-n', '*'];
    for (const value of values) {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
      assert.equal(r.stdout, value);
    }
  });
});
