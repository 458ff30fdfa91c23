// A Workload API that answers wrongly: an SVID for another SPIFFE ID than asked, for another
// audience, expired or not yet valid. The login refuses it before anything reaches Vault.
import assert from 'node:assert/strict';
import { afterEach, before, beforeEach, describe, test } from 'node:test';
import { JwtSvidLogin } from '../../../src/core/login/jwt-svid-login.ts';
import { X509SvidLogin } from '../../../src/core/login/x509-svid-login.ts';
import type { VaultLogin } from '../../../src/core/login/types.ts';
import { WorkloadApiClient } from '../../../src/core/spiffe/client.ts';
import { VaultClient } from '../../../src/core/vault/client.ts';
import { FakeAgent, Signer, SPIFFE_ID } from '../spiffe/fake-agent.ts';
import { ScriptedVault } from './scripted-vault.ts';
import { X509SvidAgent, x509Svid } from './svid-agent.ts';

const OTHER_ID = 'spiffe://example.org/ci/other';
const DAY = 24 * 3600 * 1000;
const LOGIN = { auth: { client_token: 's.minted-token', accessor: 'a', policies: ['ci'], lease_duration: 60 } };

let vault: ScriptedVault;
beforeEach(async () => {
  vault = await new ScriptedVault().start();
  vault.route = (e) => (e.path.endsWith('/login') ? { json: LOGIN } : undefined);
});
afterEach(() => vault.stop());

const vaultClient = () =>
  new VaultClient({ address: vault.address, retryPolicy: { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 500 } });
const workloadApi = (address: string) =>
  new WorkloadApiClient({ address, timeoutMs: 500, retryPolicy: { initialDelayMs: 10, maxDelayMs: 10 } });

/** The login fails with `code`, and Vault saw no request at all. */
async function refusedBeforeVault(login: VaultLogin, code: string): Promise<void> {
  try {
    await assert.rejects(login.login(), (error: unknown) => {
      assert.equal((error as { code?: unknown }).code, code, String(error));
      return true;
    });
    assert.deepEqual(
      vault.seen.map((e) => e.path),
      [],
      'nothing was sent to Vault',
    );
  } finally {
    login.close();
  }
}

describe('JWT-SVIDs', () => {
  let agent: FakeAgent;
  let signer: Signer;
  beforeEach(async () => {
    agent = await FakeAgent.create();
    signer = await Signer.create();
    await agent.start();
  });
  afterEach(() => agent.stop());

  const jwtLogin = (spiffeId?: string) =>
    new JwtSvidLogin({
      svids: workloadApi(agent.address),
      vault: vaultClient(),
      audiences: ['vault'],
      role: 'ci',
      authPath: 'jwt',
      onSecret: () => undefined,
      ...(spiffeId ? { spiffeId } : {}),
    });
  const answer = (svids: { id: string; sub?: string; aud?: string[]; expiresInSec?: number }[]) => {
    agent.onFetchJwtSvid = async () =>
      Promise.all(
        svids.map(async (s) => ({
          spiffe_id: s.id,
          svid: await signer.token({
            sub: s.sub ?? s.id,
            aud: s.aud ?? ['vault'],
            expiresInSec: s.expiresInSec ?? 300,
          }),
          hint: '',
        })),
      );
  };

  test('a good one logs in (the control)', async () => {
    answer([{ id: SPIFFE_ID }]);
    const login = jwtLogin(SPIFFE_ID);
    assert.equal((await login.login()).token, 's.minted-token');
    login.close();
  });

  test('asked for one SPIFFE ID, issued only another: JWT_SVID_NOT_FOUND', async () => {
    answer([{ id: OTHER_ID }]);
    await refusedBeforeVault(jwtLogin(SPIFFE_ID), 'JWT_SVID_NOT_FOUND');
  });

  test('labelled with the ID asked, but its sub is another: JWT_SVID_INVALID', async () => {
    answer([{ id: SPIFFE_ID, sub: OTHER_ID }]);
    await refusedBeforeVault(jwtLogin(SPIFFE_ID), 'JWT_SVID_INVALID');
  });

  test('for another audience than asked: JWT_SVID_AUDIENCE_MISMATCH (a bearer token for elsewhere)', async () => {
    answer([{ id: SPIFFE_ID, aud: ['payments'] }]);
    await refusedBeforeVault(jwtLogin(), 'JWT_SVID_AUDIENCE_MISMATCH');
  });

  test('expired: JWT_SVID_EXPIRED', async () => {
    answer([{ id: SPIFFE_ID, expiresInSec: -120 }]);
    await refusedBeforeVault(jwtLogin(), 'JWT_SVID_EXPIRED');
  });
});

describe('X.509-SVIDs', () => {
  let agent: X509SvidAgent;
  const now = Date.now();
  let valid: ReturnType<typeof x509Svid>;
  let otherId: ReturnType<typeof x509Svid>;
  let expired: ReturnType<typeof x509Svid>;
  let notYetValid: ReturnType<typeof x509Svid>;
  before(() => {
    valid = x509Svid(SPIFFE_ID, { notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    otherId = x509Svid(OTHER_ID, { notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    expired = x509Svid(SPIFFE_ID, { notBefore: new Date(now - 2 * DAY), notAfter: new Date(now - DAY) });
    notYetValid = x509Svid(SPIFFE_ID, { notBefore: new Date(now + DAY), notAfter: new Date(now + 2 * DAY) });
  });
  beforeEach(async () => {
    agent = await new X509SvidAgent().start();
  });
  afterEach(() => agent.stop());

  let connected = 0;
  const certLogin = (spiffeId?: string) => {
    connected = 0;
    return new X509SvidLogin({
      svids: workloadApi(agent.address),
      vault: vaultClient(),
      connect: () => {
        connected++;
        return vaultClient();
      },
      role: 'ci',
      authPath: 'cert',
      onSecret: () => undefined,
      ...(spiffeId ? { spiffeId } : {}),
    });
  };

  test('a good one logs in (the control)', async () => {
    agent.svids = [valid];
    const login = certLogin(SPIFFE_ID);
    assert.equal((await login.login()).token, 's.minted-token');
    assert.equal(connected, 1);
    login.close();
  });

  test('asked for one SPIFFE ID, issued only another: X509_SVID_NOT_FOUND', async () => {
    agent.svids = [otherId];
    await refusedBeforeVault(certLogin(SPIFFE_ID), 'X509_SVID_NOT_FOUND');
    assert.equal(connected, 0);
  });

  test('labelled with the ID asked, but its certificate is for another: X509_SVID_INVALID', async () => {
    agent.svids = [{ ...otherId, spiffe_id: SPIFFE_ID }];
    await refusedBeforeVault(certLogin(SPIFFE_ID), 'X509_SVID_INVALID');
    assert.equal(connected, 0);
  });

  test('expired: X509_SVID_EXPIRED, never presented to Vault', async () => {
    agent.svids = [expired];
    await refusedBeforeVault(certLogin(), 'X509_SVID_EXPIRED');
    assert.equal(connected, 0);
  });

  test('not valid yet: X509_SVID_INVALID, never presented to Vault', async () => {
    agent.svids = [notYetValid];
    await refusedBeforeVault(certLogin(), 'X509_SVID_INVALID');
    assert.equal(connected, 0);
  });
});
