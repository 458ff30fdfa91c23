import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseFlags } from '../../../src/cli/args.ts';
import { NOOP_LOGGER } from '../../../src/core/logger.ts';
import { vaultEnvironment } from '../../../src/core/vault/environment.ts';
import {
  parseLoginConfig,
  parseSigningConfig,
  parseTransitConfig,
  parseVaultConfig,
  registryOptions,
} from '../../../src/cli/config.ts';
import { LOGIN_FLAGS, mergeFlags, OUTPUT_FLAGS, SIGNING_FLAGS, VAULT_FLAGS } from '../../../src/cli/flags.ts';

const specs = mergeFlags([LOGIN_FLAGS, VAULT_FLAGS, SIGNING_FLAGS, OUTPUT_FLAGS]);
const flags = (...argv: string[]) => parseFlags(argv, { specs }).values;
const cwd = '/build';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('Vault connection', () => {
  test('VAULT_ADDR (or BAO_ADDR) unless --vault-addr; VAULT_NAMESPACE unless --namespace', () => {
    assert.equal(parseVaultConfig(flags(), { env: { VAULT_ADDR: 'http://a:8200/' }, cwd }).vaultAddr, 'http://a:8200');
    assert.equal(parseVaultConfig(flags(), { env: { BAO_ADDR: 'http://b:8200' }, cwd }).vaultAddr, 'http://b:8200');
    const config = parseVaultConfig(flags('--vault-addr', 'https://c', '--namespace', 'ns1'), {
      env: { VAULT_ADDR: 'http://a', VAULT_NAMESPACE: 'ns0' },
      cwd,
    });
    assert.equal(config.vaultAddr, 'https://c');
    assert.equal(config.namespace, 'ns1');
    assert.equal(
      parseVaultConfig(flags(), { env: { VAULT_ADDR: 'http://a', VAULT_NAMESPACE: 'ns0' }, cwd }).namespace,
      'ns0',
    );
    assert.equal(config.timeoutMs, 60_000);
  });

  test('errors name the flag or variable the value came from', () => {
    assert.throws(() => parseVaultConfig(flags(), { env: {}, cwd }), {
      code: 'INVALID_INPUT',
      message: /^--vault-addr: not set/,
    });
    assert.throws(() => parseVaultConfig(flags(), { env: { VAULT_ADDR: 'ftp://x' }, cwd }), {
      message: /^VAULT_ADDR: /,
    });
    assert.throws(() => parseVaultConfig(flags('--vault-addr=nope'), { env: {}, cwd }), {
      message: /^--vault-addr: 'nope' is not a URL/,
    });
    assert.throws(() => parseVaultConfig(flags('--timeout=soon'), { env: { VAULT_ADDR: 'http://a' }, cwd }), {
      message: /^--timeout: 'soon'/,
    });
    assert.throws(
      () => parseVaultConfig(flags(), { env: { VAULT_ADDR: 'http://a', VAULT_CACERT: '/nonexistent.pem' }, cwd }),
      {
        message: /^VAULT_CACERT: cannot read/,
      },
    );
  });

  test('TLS: files or PEM text; client cert and key together; VAULT_* passed on as absolute paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-config-'));
    writeFileSync(join(dir, 'ca.pem'), PEM);
    const config = parseVaultConfig(flags('--ca-cert', 'ca.pem'), { env: { VAULT_ADDR: 'https://v' }, cwd: dir });
    assert.equal(config.tls.caCert, PEM);
    assert.equal(vaultEnvironment(config, { token: 't', transitPath: 'transit' }).VAULT_CACERT, join(dir, 'ca.pem'));
    const inline = parseVaultConfig(flags('--ca-cert', PEM), { env: { VAULT_ADDR: 'https://v' }, cwd: dir });
    assert.equal(inline.tls.caCert, PEM);
    assert.equal(vaultEnvironment(inline, { token: 't', transitPath: 'transit' }).VAULT_CACERT, undefined);
    assert.throws(() => parseVaultConfig(flags('--client-cert', PEM), { env: { VAULT_ADDR: 'https://v' }, cwd: dir }), {
      code: 'INVALID_INPUT',
      message: /^--client-key: missing/,
    });
  });

  test('--tls-skip-verify, else VAULT_SKIP_VERIFY as the vault CLI reads it', () => {
    const env = (v: string) => ({ VAULT_ADDR: 'https://v', VAULT_SKIP_VERIFY: v });
    assert.equal(parseVaultConfig(flags(), { env: env('1'), cwd }).tls.skipVerify, true);
    assert.equal(
      vaultEnvironment(parseVaultConfig(flags(), { env: env('true'), cwd }), { token: 't', transitPath: 'transit' })
        .VAULT_SKIP_VERIFY,
      'true',
    );
    assert.equal(parseVaultConfig(flags(), { env: env('false'), cwd }).tls.skipVerify, false);
    assert.equal(parseVaultConfig(flags('--tls-skip-verify=false'), { env: env('true'), cwd }).tls.skipVerify, false);
    assert.equal(
      parseVaultConfig(flags('--tls-skip-verify'), { env: { VAULT_ADDR: 'https://v' }, cwd }).tls.skipVerify,
      true,
    );
    assert.throws(() => parseVaultConfig(flags(), { env: env('maybe'), cwd }), {
      message: /^VAULT_SKIP_VERIFY: 'maybe'/,
    });
  });
});

describe('login', () => {
  test('defaults as the action: audience vault, auth path jwt, the socket from SPIFFE_ENDPOINT_SOCKET', () => {
    const config = parseLoginConfig(flags('-role', 'ci'), { SPIFFE_ENDPOINT_SOCKET: '/run/agent.sock' });
    assert.deepEqual(config, {
      method: 'jwt',
      role: 'ci',
      audiences: ['vault'],
      authPath: 'jwt',
      socketAddress: 'unix:///run/agent.sock',
      spiffeId: '',
      maxTokenTtlSeconds: undefined,
      defaulted: { socket: false, audience: true },
    });
  });

  test('Go CLI flags and the action names', () => {
    const config = parseLoginConfig(
      flags('-role', 'ci', '-audience', 'a,b', '-authPath', 'auth/spiffe/', '-socketPath', 'tcp://127.0.0.1:8081'),
      {},
    );
    assert.deepEqual(config.audiences, ['a', 'b']);
    assert.equal(config.authPath, 'spiffe');
    assert.equal(config.socketAddress, 'tcp://127.0.0.1:8081');
    assert.equal(parseLoginConfig(flags('--role=ci', '--max-token-ttl=2m'), {}).maxTokenTtlSeconds, 120);
  });

  test('wrong values name the flag', () => {
    assert.throws(() => parseLoginConfig(flags(), {}), { code: 'INVALID_INPUT', message: /^--role: required/ });
    assert.throws(() => parseLoginConfig(flags('-role', 'a/b'), {}), { message: /^--role: 'a\/b'/ });
    assert.throws(() => parseLoginConfig(flags('-role', 'ci', '--audience', ','), {}), { message: /^--audience/ });
    assert.throws(() => parseLoginConfig(flags('-role', 'ci', '--socket-path', 'http://x'), {}), {
      code: 'INVALID_INPUT',
      message: /^--socket-path: /,
    });
    assert.throws(() => parseLoginConfig(flags('-role', 'ci'), { SPIFFE_ENDPOINT_SOCKET: 'x' }), {
      message: /^SPIFFE_ENDPOINT_SOCKET: /,
    });
    assert.throws(() => parseLoginConfig(flags('-role', 'ci', '--spiffe-id', 'nope'), {}), {
      code: 'INVALID_INPUT',
      message: /^--spiffe-id: /,
    });
    assert.throws(() => parseLoginConfig(flags('-role', 'ci', '--max-token-ttl', 'x'), {}), {
      message: /^--max-token-ttl: /,
    });
  });
});

describe('signing', () => {
  const sign = (argv: string[], env: Record<string, string> = {}) => {
    const parsed = parseFlags(argv, { specs });
    return parseSigningConfig(parsed.values, { env, positionals: parsed.positionals, cwd });
  };

  test('defaults as the action', () => {
    assert.deepEqual(sign(['a.bin', 'dist/*']), {
      patterns: ['a.bin', 'dist/*'],
      transitPath: 'transit',
      transitKey: 'cosign',
      keyVersion: undefined,
      signatureDir: '',
      bundle: true,
      ifNoFilesFound: 'error',
    });
  });

  test('flags', () => {
    const config = sign([
      '--transit-path=/ci/transit/',
      '--transit-key',
      'release',
      '--key-version',
      'v2',
      '--signature-dir',
      'sigs',
      '--bundle=false',
      '--if-no-files-found',
      'warn',
      'x',
    ]);
    assert.equal(config.transitPath, 'ci/transit');
    assert.equal(config.transitKey, 'release');
    assert.equal(config.keyVersion, 2);
    assert.equal(config.signatureDir, '/build/sigs');
    assert.equal(config.bundle, false);
    assert.equal(config.ifNoFilesFound, 'warn');
    assert.equal(sign(['--key-version=latest', 'x']).keyVersion, undefined);
  });

  test('TRANSIT_SECRET_ENGINE_PATH is the default transit path (set by exec and the action)', () => {
    assert.equal(sign(['x'], { TRANSIT_SECRET_ENGINE_PATH: 'other' }).transitPath, 'other');
    assert.equal(
      parseTransitConfig(flags('--transit-path', 'mine'), { TRANSIT_SECRET_ENGINE_PATH: 'other' }).transitPath,
      'mine',
    );
  });

  test('wrong values name the flag', () => {
    assert.throws(() => sign([]), { code: 'INVALID_INPUT', message: /^no FILE given/ });
    assert.throws(() => sign(['--key-version=0', 'x']), { message: /^--key-version: '0'/ });
    assert.throws(() => sign(['--key-version=two', 'x']), { message: /^--key-version: 'two'/ });
    assert.throws(() => sign(['--transit-key=transit/cosign', 'x']), { message: /^--transit-key: / });
    assert.throws(() => sign(['--if-no-files-found=fail', 'x']), { message: /^--if-no-files-found: 'fail'/ });
    assert.throws(() => sign(['--transit-path=a b', 'x']), { message: /^--transit-path: / });
  });
});

describe('registries', () => {
  test('--timeout bounds the retries of each registry request; without it the default policy', () => {
    const logger = NOOP_LOGGER;
    const timed = registryOptions(flags('--timeout=5s'), {
      env: {},
      logger,
      timeoutMs: parseVaultConfig(flags('--timeout=5s'), { env: { VAULT_ADDR: 'http://a' }, cwd }).timeoutMs,
    });
    assert.equal(timed.retryDeadlineMs, 5_000);
    assert.equal(registryOptions(flags(), { env: {}, logger }).retryDeadlineMs, undefined);
  });
});
