// Where the proxy listens: parsing --listen / proxy-listen, the default private socket folder,
// and the VAULT_ADDR clients get.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError } from '../../../src/core/errors.ts';
import { parseListenAddress, prepareSocket, vaultAddrOf } from '../../../src/core/proxy/listen-address.ts';

const options = { source: '--listen', cwd: '/build' };
const parse = (value: string) => parseListenAddress(value, options);
const inputError = (pattern: RegExp) => (error: unknown) => error instanceof InputError && pattern.test(error.message);

describe('parseListenAddress', () => {
  test('empty: the default private socket', () => {
    assert.deepEqual(parse(''), { kind: 'unix', path: '' });
    assert.deepEqual(parse('  '), { kind: 'unix', path: '' });
  });

  test('unix sockets: unix:///path, unix:/path, a path, a relative path', () => {
    assert.deepEqual(parse('unix:///run/ci/vault.sock'), { kind: 'unix', path: '/run/ci/vault.sock' });
    assert.deepEqual(parse('unix:/run/ci/vault.sock'), { kind: 'unix', path: '/run/ci/vault.sock' });
    assert.deepEqual(parse('/run/ci/vault.sock'), { kind: 'unix', path: '/run/ci/vault.sock' });
    assert.deepEqual(parse('./vault.sock'), { kind: 'unix', path: '/build/vault.sock' });
    assert.deepEqual(parse('unix://vault.sock'), { kind: 'unix', path: '/build/vault.sock' });
  });

  test('loopback TCP: 127.0.0.1, localhost, [::1]; port 0 picks one', () => {
    assert.deepEqual(parse('127.0.0.1:8200'), { kind: 'tcp', host: '127.0.0.1', port: 8200 });
    assert.deepEqual(parse('localhost:0'), { kind: 'tcp', host: 'localhost', port: 0 });
    assert.deepEqual(parse('[::1]:0'), { kind: 'tcp', host: '::1', port: 0 });
    assert.deepEqual(parse('[::1]:65535'), { kind: 'tcp', host: '::1', port: 65535 });
  });

  for (const host of ['0.0.0.0', '[::]', '10.1.2.3', '127.0.0.2', 'example.com', '[fe80::1]']) {
    test(`${host}: refused, not loopback`, () => {
      assert.throws(() => parse(`${host}:8200`), inputError(/^--listen: '.+' is not a loopback address/));
    });
  }

  for (const value of [
    '127.0.0.1',
    '127.0.0.1:',
    '127.0.0.1:70000',
    '127.0.0.1:123456',
    'http://127.0.0.1:8200',
    '::1:8200',
    ':8200',
  ]) {
    test(`'${value}': not a listen address`, () => {
      assert.throws(() => parse(value), inputError(/^--listen: '.*' is not a listen address — give unix:\/\/\//));
    });
  }

  test('a socket path longer than a unix socket allows (107 bytes) is refused', () => {
    const fits = `/${'a'.repeat(105)}s`; // 107 bytes
    assert.equal(Buffer.byteLength(fits), 107);
    assert.deepEqual(parse(fits), { kind: 'unix', path: fits });
    assert.throws(() => parse(`${fits}x`), inputError(/^--listen: the socket path .* is longer than the 107 bytes/));
    // Bytes, not characters: 54 two-byte characters are 108 bytes.
    assert.throws(() => parse(`unix:///${'é'.repeat(54)}`), inputError(/longer than the 107 bytes/));
  });
});

describe('prepareSocket', () => {
  const base = mkdtempSync(join(tmpdir(), 'listen-'));
  after(() => rmSync(base, { recursive: true, force: true }));

  test('the default: vault.sock in a new folder of mode 0700 under the temp dir', () => {
    const first = prepareSocket(parse(''), base, '--listen');
    const second = prepareSocket(parse(''), base, '--listen');
    assert.ok(first.kind === 'unix' && second.kind === 'unix');
    assert.ok(first.privateDir && first.privateDir.startsWith(join(base, 'spiffe-vault-proxy-')));
    assert.equal(first.path, join(first.privateDir, 'vault.sock'));
    assert.equal(statSync(first.privateDir).mode & 0o777, 0o700);
    assert.notEqual(first.privateDir, second.privateDir, 'each proxy gets its own folder');
    assert.equal(existsSync(first.path), false, 'the socket itself is made by listen');
  });

  test('a given socket path: its folder must exist, the path must not', () => {
    const ok = prepareSocket(parse(join(base, 'given.sock')), base, '--listen');
    assert.deepEqual(ok, { kind: 'unix', path: join(base, 'given.sock') });
    assert.throws(
      () => prepareSocket(parse(join(base, 'no-such-dir', 'vault.sock')), base, '--listen'),
      inputError(/^--listen: the folder .*no-such-dir of the socket does not exist/),
    );
    writeFileSync(join(base, 'taken.sock'), '');
    assert.throws(
      () => prepareSocket(parse(join(base, 'taken.sock')), base, '--listen'),
      inputError(/^--listen: .*taken\.sock already exists/),
    );
  });

  test('a temp dir that is a file, or missing: a clear error naming the temp dir and the option', () => {
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => prepareSocket(parse(''), file, '--listen'),
      inputError(/^cannot create the proxy's socket folder in .*a-file \(ENOTDIR\) — .*give --listen/),
    );
    assert.throws(
      () => prepareSocket(parse(''), join(base, 'missing'), 'proxy-listen'),
      inputError(/\(ENOENT\) — .*give proxy-listen/),
    );
  });

  test('a temp dir too deep for a socket path: refused', () => {
    const deep = join(base, 'd'.repeat(90));
    mkdirSync(deep);
    assert.throws(() => prepareSocket(parse(''), deep, '--listen'), inputError(/longer than the 107 bytes/));
  });

  test('TCP addresses pass unchanged', () => {
    const tcp = parse('127.0.0.1:0');
    assert.equal(prepareSocket(tcp, base, '--listen'), tcp);
  });
});

describe('vaultAddrOf', () => {
  test('as clients write VAULT_ADDR', () => {
    assert.equal(vaultAddrOf({ kind: 'unix', path: '/tmp/x/vault.sock' }), 'unix:///tmp/x/vault.sock');
    assert.equal(vaultAddrOf(parse('127.0.0.1:0'), 41234), 'http://127.0.0.1:41234');
    assert.equal(vaultAddrOf(parse('127.0.0.1:8200')), 'http://127.0.0.1:8200');
    assert.equal(vaultAddrOf(parse('[::1]:0'), 8201), 'http://[::1]:8201');
    assert.equal(dirname(vaultAddrOf({ kind: 'unix', path: '/a/b.sock' }).slice('unix://'.length)), '/a');
  });
});
