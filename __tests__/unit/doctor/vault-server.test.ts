// The Vault server checks' pure parts, against the real answers of OpenBao v2.6.2 and HashiCorp
// Vault v1.21.4 (dev servers, recorded with curl): which server, sealed or not, HA role, the TLS
// problem named, the namespace check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnoseVaultRequest } from '../../../src/core/diagnose/vault.ts';
import { notInitializedFinding, sealedFinding } from '../../../src/core/diagnose/vault-seal.ts';
import { isHttpToHttpsAnswer, tlsMessage, vaultTlsProblem } from '../../../src/core/diagnose/vault-tls.ts';
import type { DoctorPlan } from '../../../src/core/doctor/plan.ts';
import { namespaceCheck, tlsCheck } from '../../../src/core/doctor/sections/vault-server-checks.ts';
import {
  cliOf,
  describeSeal,
  describeServer,
  haRoleOf,
  serverInfoOf,
} from '../../../src/core/doctor/sections/vault-server-info.ts';
import { VAULT_SERVER_CHECKS, vaultServerSection } from '../../../src/core/doctor/sections/vault-server.ts';
import type { VaultConnection } from '../../../src/core/options/config.ts';
import type { VaultClient } from '../../../src/core/vault/client.ts';
import { VaultHttpError } from '../../../src/core/vault/errors.ts';

const OPENBAO_HEALTH = {
  initialized: true,
  sealed: false,
  standby: false,
  replication_performance_mode: 'disabled',
  replication_dr_mode: 'disabled',
  server_time_utc: 1796019390,
  version: '2.6.2',
  cluster_name: 'vault-cluster-6ad81245',
  cluster_id: 'cd39183f-647b-6588-fb78-420543b9c07b',
};
const OPENBAO_SEAL = {
  type: 'shamir',
  initialized: true,
  sealed: false,
  t: 1,
  n: 1,
  progress: 0,
  nonce: '',
  recovery_seal: false,
  version: '2.6.2',
  commit_date: '2026-08-18T15:48:19Z',
  migration: false,
  storage_type: 'inmem',
};
const VAULT_HEALTH = {
  initialized: true,
  sealed: false,
  standby: false,
  performance_standby: false,
  replication_performance_mode: 'disabled',
  replication_dr_mode: 'disabled',
  server_time_utc: 1796019391,
  version: '1.21.4',
  enterprise: false,
  echo_duration_ms: 0,
  clock_skew_ms: 0,
};
const VAULT_SEAL = {
  type: 'shamir',
  initialized: true,
  sealed: false,
  t: 1,
  n: 1,
  progress: 0,
  nonce: '',
  version: '1.21.4',
  build_date: '2026-03-05T01:40:05Z',
  migration: false,
  recovery_seal: false,
  storage_type: 'inmem',
};

describe('which server answered', () => {
  test('OpenBao: no `enterprise` in sys/health, `commit_date` in sys/seal-status', () => {
    const info = serverInfoOf(OPENBAO_SEAL, OPENBAO_HEALTH);
    assert.deepEqual(
      { flavour: info.flavour, version: info.version, cli: cliOf(info), enterprise: info.enterprise },
      { flavour: 'openbao', version: '2.6.2', cli: 'bao', enterprise: false },
    );
    assert.equal(describeServer(info), 'OpenBao 2.6.2');
  });

  test('HashiCorp Vault: `enterprise` in sys/health (false: the Community Edition)', () => {
    const info = serverInfoOf(VAULT_SEAL, VAULT_HEALTH);
    assert.deepEqual(
      { flavour: info.flavour, cli: cliOf(info), enterprise: info.enterprise },
      { flavour: 'vault', cli: 'vault', enterprise: false },
    );
    assert.equal(describeServer(info), 'HashiCorp Vault 1.21.4 (Community Edition)');
    const ent = serverInfoOf(VAULT_SEAL, { ...VAULT_HEALTH, version: '1.21.4+ent', enterprise: true });
    assert.match(describeServer(ent), /Enterprise/);
  });

  test('without sys/health: the seal status alone still tells', () => {
    assert.equal(serverInfoOf(OPENBAO_SEAL, undefined).flavour, 'openbao');
    assert.equal(serverInfoOf(VAULT_SEAL, undefined).flavour, 'vault');
    assert.equal(serverInfoOf({ version: '0.9.0' }, undefined).flavour, 'unknown');
  });
});

describe('sealed, initialized, HA', () => {
  test('a sealed server: its progress and the unseal command of its own CLI', () => {
    const sealed = { ...OPENBAO_SEAL, sealed: true, t: 3, n: 5, progress: 1 };
    assert.equal(serverInfoOf(sealed, { ...OPENBAO_HEALTH, sealed: true }).sealed, true);
    assert.equal(describeSeal(sealed), 'sealed: 1 of 3 key shares given (of 5)');
    const finding = sealedFinding({ address: 'http://v:8200', cli: 'bao', type: 'shamir', threshold: 3, progress: 1 });
    assert.equal(finding.code, 'VAULT_SEALED');
    assert.deepEqual(finding.commands, ['bao operator unseal', 'bao status']);
    assert.match(finding.why ?? '', /1 of the 3 unseal key shares/);
  });

  test('auto-unseal: no shares to give, the seal to look at', () => {
    const finding = sealedFinding({ address: 'http://v:8200', cli: 'vault', type: 'awskms' });
    assert.equal(finding.code, 'VAULT_SEALED');
    assert.deepEqual(finding.commands, ['vault status']);
    assert.match(finding.fix ?? '', /awskms/);
  });

  test('not initialized', () => {
    const finding = notInitializedFinding({ address: 'http://v:8200', cli: 'bao' });
    assert.equal(finding.reason, 'not-initialized');
    assert.deepEqual(finding.commands, ['bao operator init']);
  });

  test('HA roles: standby and performance standby forward, a single node is active', () => {
    const info = serverInfoOf(VAULT_SEAL, VAULT_HEALTH);
    assert.equal(haRoleOf(info, { ha_enabled: false }).detail, 'active (a single node: HA is not enabled)');
    assert.equal(haRoleOf(info, { ha_enabled: true, is_self: true }).role, 'active');
    const standby = haRoleOf({ ...info, standby: true }, { ha_enabled: true, leader_address: 'https://a:8200' });
    assert.equal(standby.role, 'standby');
    assert.equal(standby.detail, 'standby (active node: https://a:8200): it forwards every request to the active node');
    const perf = haRoleOf({ ...info, standby: true, performanceStandby: true }, undefined);
    assert.equal(perf.role, 'performance-standby');
  });
});

describe('TLS problems named', () => {
  const tls = (socketCode: string, message = 'x') => new VaultHttpError({ socketCode, message });
  test('by the socket error Node reports', () => {
    assert.equal(vaultTlsProblem(tls('UNABLE_TO_VERIFY_LEAF_SIGNATURE')), 'ca-unknown');
    assert.equal(vaultTlsProblem(tls('SELF_SIGNED_CERT_IN_CHAIN')), 'ca-unknown');
    assert.equal(vaultTlsProblem(tls('DEPTH_ZERO_SELF_SIGNED_CERT')), 'ca-unknown');
    assert.equal(vaultTlsProblem(tls('ERR_TLS_CERT_ALTNAME_INVALID')), 'host-mismatch');
    assert.equal(vaultTlsProblem(tls('CERT_HAS_EXPIRED')), 'certificate-expired');
    const eproto =
      'write EPROTO 401DAB34477F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:\n';
    assert.equal(vaultTlsProblem(tls('EPROTO', eproto)), 'https-to-http');
    assert.equal(tlsMessage(eproto), 'write EPROTO wrong version number');
  });

  test('plain http to a TLS listener: the Go server answers 400 in plain text', () => {
    const answer = new VaultHttpError({
      status: 400,
      vaultErrors: ['non-JSON response: Client sent an HTTP request to an HTTPS server.\n'],
      message: '400',
    });
    assert.ok(isHttpToHttpsAnswer(answer));
    const finding = diagnoseVaultRequest(answer, { what: 'x', address: 'http://127.0.0.1:8200' });
    assert.equal(finding.code, 'VAULT_TLS_FAILED');
    assert.equal(finding.reason, 'http-to-https');
    assert.match(finding.fix ?? '', /https:\/\/127\.0\.0\.1:8200/);
  });

  test('an unknown CA: the fix names --ca-cert, VAULT_CACERT and the action input', () => {
    const finding = diagnoseVaultRequest(
      tls(
        'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        'unable to verify the first certificate; if the root CA is installed locally, try running Node.js with --use-system-ca',
      ),
      { what: 'x', address: 'https://vault:8200' },
    );
    assert.equal(finding.reason, 'ca-unknown');
    assert.match(finding.fix ?? '', /--ca-cert FILE.*VAULT_CACERT.*ca-cert input/);
    assert.doesNotMatch(finding.why ?? '', /use-system-ca/);
  });
});

const connection = (vaultAddr: string, extra: Partial<VaultConnection> = {}): VaultConnection => ({
  vaultAddr,
  namespace: '',
  tls: {},
  tlsFiles: {},
  timeoutMs: 10_000,
  ...extra,
});

describe('the TLS check once the server answered', () => {
  test('plain http: fine on loopback, a warning across the network', () => {
    assert.equal(tlsCheck(connection('http://127.0.0.1:8200')).status, 'ok');
    assert.equal(tlsCheck(connection('http://vault.internal:8200')).status, 'warn');
  });
  test('https: the CA named; skip-verify warned', () => {
    const ok = tlsCheck(connection('https://vault:8200', { tlsFiles: { caCert: '/etc/ca.pem' } }));
    assert.match(ok.detail, /trusted \(CA: \/etc\/ca\.pem\)/);
    assert.equal(tlsCheck(connection('https://vault:8200', { tls: { skipVerify: true } })).status, 'warn');
  });
});

describe('the namespace check', () => {
  const plan = { connection: connection('http://v:8200'), login: { role: 'ci', authPath: 'jwt' } } as DoctorPlan;
  const answering = (answer: () => unknown) => ({ request: async () => answer() }) as unknown as VaultClient;
  const openbao = serverInfoOf(OPENBAO_SEAL, OPENBAO_HEALTH);

  test('Vault Community Edition ignores namespaces: a warning, no request', async () => {
    const info = serverInfoOf(VAULT_SEAL, VAULT_HEALTH);
    const check = await namespaceCheck(
      answering(() => assert.fail('asked')),
      { info, namespace: 'team', plan },
    );
    assert.equal(check.status, 'warn');
    assert.match(check.detail, /Community Edition has no namespaces/);
  });

  test('OpenBao: 404 "namespace not found" fails as the login would', async () => {
    const missing = answering(() => {
      throw new VaultHttpError({ status: 404, vaultErrors: ['namespace not found'], message: '404' });
    });
    const check = await namespaceCheck(missing, { info: openbao, namespace: 'team', plan });
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'VAULT_LOGIN_DENIED');
    assert.equal(check.reason, 'namespace-missing');
    assert.deepEqual(check.commands, ['bao namespace list']);
  });

  test('OpenBao: an answer in the namespace means it exists; anything else cannot tell', async () => {
    assert.equal(
      (
        await namespaceCheck(
          answering(() => ({})),
          { info: openbao, namespace: 'team', plan },
        )
      ).status,
      'ok',
    );
    const odd = answering(() => {
      throw new VaultHttpError({ status: 500, vaultErrors: ['internal error'], message: '500' });
    });
    assert.equal((await namespaceCheck(odd, { info: openbao, namespace: 'team', plan })).status, 'warn');
  });
});

test('the section declares every id it reports, in order', () => {
  assert.deepEqual([...vaultServerSection.checks], [...VAULT_SERVER_CHECKS]);
  assert.ok(VAULT_SERVER_CHECKS.every((id) => id.startsWith('vault.')));
});
