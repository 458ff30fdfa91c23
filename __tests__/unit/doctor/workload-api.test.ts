// The Workload API checks' parts that need no real agent: the address, the socket file, the
// claims and lifetime of a JWT-SVID, the bundle key that signed it (against an in-process agent),
// the X.509-SVID, and the registration entry the fix asks for.
import assert from 'node:assert/strict';
import type { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { registrationEntryFix } from '../../../src/core/diagnose/workload-api.ts';
import { watchForLateIdentity, type IdentityWatch } from '../../../src/core/doctor/sections/workload-api-identity.ts';
import { jwtBundleCheck, jwtClaimsCheck, signingKeyOf } from '../../../src/core/doctor/sections/workload-api-jwt.ts';
import { addressCheck, socketCheck } from '../../../src/core/doctor/sections/workload-api-socket.ts';
import { x509SvidCheck } from '../../../src/core/doctor/sections/workload-api-x509.ts';
import { WORKLOAD_API_CHECKS, workloadApiSection } from '../../../src/core/doctor/sections/workload-api.ts';
import type { LoginOptions } from '../../../src/core/options/config.ts';
import { parseWorkloadApiAddress } from '../../../src/core/spiffe/address.ts';
import { WorkloadApiClient } from '../../../src/core/spiffe/client.ts';
import { decodeJwtSvidClaims } from '../../../src/core/spiffe/jwt-claims.ts';
import type { X509Svid } from '../../../src/core/spiffe/x509-svid.ts';
import { FakeAgent, Signer, SPIFFE_ID, TRUST_DOMAIN_ID } from '../spiffe/fake-agent.ts';

const NOW = new Date('2026-11-30T12:00:00Z');
const nowSec = NOW.getTime() / 1000;
const claims = (extra: Record<string, unknown> = {}) => ({
  sub: SPIFFE_ID,
  aud: ['vault'],
  iat: nowSec - 10,
  exp: nowSec + 290,
  ...extra,
});

describe('JWT-SVID claims and lifetime', () => {
  test('ok: sub, aud, iss when set, time left and lifetime', () => {
    const check = jwtClaimsCheck(claims({ iss: 'https://oidc.example.org' }), { audiences: ['vault'], now: NOW });
    assert.equal(check.status, 'ok');
    assert.equal(
      check.detail,
      `sub ${SPIFFE_ID}, aud ["vault"], iss https://oidc.example.org, expires in 290 s (lifetime 300 s)`,
    );
    assert.match(jwtClaimsCheck(claims(), { audiences: ['vault'], now: NOW }).detail, /no iss/);
  });

  test('under 30 s left: a warning that it is too short to be used, with the TTL to raise', () => {
    const check = jwtClaimsCheck(claims({ exp: nowSec + 29 }), { audiences: ['vault'], now: NOW });
    assert.equal(check.status, 'warn');
    assert.equal(check.reason, 'lifetime-too-short');
    assert.match(check.fix ?? '', /-jwtSVIDTTL/);
    assert.equal(jwtClaimsCheck(claims({ exp: nowSec + 30 }), { audiences: ['vault'], now: NOW }).status, 'ok');
  });

  test('expired, or without the audience asked for: fails with the run codes', () => {
    const expired = jwtClaimsCheck(claims({ exp: nowSec - 1 }), { audiences: ['vault'], now: NOW });
    assert.equal(expired.status, 'fail');
    assert.equal(expired.code, 'JWT_SVID_EXPIRED');
    const aud = jwtClaimsCheck(claims({ aud: 'sts' }), { audiences: ['vault'], now: NOW });
    assert.equal(aud.code, 'JWT_SVID_AUDIENCE_MISMATCH');
  });

  test('issued in the future beyond the clock tolerance: the clocks disagree', () => {
    const check = jwtClaimsCheck(claims({ iat: nowSec + 120 }), { audiences: ['vault'], now: NOW });
    assert.equal(check.status, 'warn');
    assert.equal(check.reason, 'clock-skew');
  });
});

describe('the JWT bundle', () => {
  let agent: FakeAgent;
  let signer: Signer;
  let client: WorkloadApiClient;
  before(async () => {
    signer = await Signer.create();
    agent = await FakeAgent.create();
    await agent.start();
    client = new WorkloadApiClient({ address: agent.address, timeoutMs: 1_000 });
  });
  after(async () => {
    client.close();
    await agent.stop();
  });

  const svidOf = async (token: string) => {
    const decoded = decodeJwtSvidClaims(token);
    return {
      spiffeId: SPIFFE_ID,
      token,
      hint: '',
      audiences: decoded.audiences,
      expiresAt: decoded.expiresAt,
      claims: decoded.claims,
    };
  };

  test('the key that signed it is there, and the signature verifies', async () => {
    agent.bundles = { [TRUST_DOMAIN_ID]: signer.jwksBytes() };
    const check = await jwtBundleCheck(client, await svidOf(await signer.token()), 'vault');
    assert.equal(check.status, 'ok', check.detail);
    assert.match(check.detail, /key 'key-1' \(ES256\)/);
    assert.doesNotMatch(check.detail, /eyJ/);
  });

  test('the bundle lacks the signing key (another key with another kid)', async () => {
    const other = await Signer.create();
    const otherJwk = { ...other.jwk, kid: 'key-2', use: 'jwt-svid' };
    agent.bundles = { [TRUST_DOMAIN_ID]: Buffer.from(JSON.stringify({ keys: [otherJwk] })) };
    const check = await jwtBundleCheck(client, await svidOf(await signer.token()), 'vault');
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'JWT_SVID_INVALID');
    assert.equal(check.reason, 'signing-key-missing');
  });

  test('a key with the right kid that did not sign it: the signature check fails', async () => {
    const other = await Signer.create();
    agent.bundles = { [TRUST_DOMAIN_ID]: other.jwksBytes() }; // same kid 'key-1', another key
    const check = await jwtBundleCheck(client, await svidOf(await signer.token()), 'vault');
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'JWT_SVID_INVALID');
  });

  test('no bundle for the trust domain', async () => {
    agent.bundles = { 'spiffe://other.org': signer.jwksBytes() };
    const check = await jwtBundleCheck(client, await svidOf(await signer.token()), 'vault');
    assert.equal(check.code, 'JWT_BUNDLE_NOT_FOUND');
  });

  test('signingKeyOf reads SPIFFE bundles (use: jwt-svid)', () => {
    const bundle = JSON.parse(signer.jwksBytes().toString()) as { keys: [] };
    assert.equal(signingKeyOf(bundle, 'key-1').key?.kid, 'key-1');
    assert.equal(signingKeyOf(bundle, 'nope').key, undefined);
    assert.equal(signingKeyOf(bundle, undefined).keys, 1);
  });
});

describe('the registration entry the fix asks for', () => {
  test("with this process's uid and the SPIFFE ID when known", () => {
    const fix = registrationEntryFix({ uid: 1001, spiffeId: SPIFFE_ID });
    assert.deepEqual(fix.commands, [
      `spire-server entry create -parentID <PARENT_ID> -spiffeID ${SPIFFE_ID} -selector unix:uid:1001`,
      'spire-server agent list',
      'spire-server entry show -selector unix:uid:1001',
    ]);
    assert.match(fix.fix ?? '', /spire-server agent list/);
  });
  test('placeholders for what is not known', () => {
    assert.match(registrationEntryFix({}).commands?.[0] ?? '', /-spiffeID <SPIFFE_ID> -selector unix:uid:<UID>$/);
  });
  test('the late identity is noticed from the first "no identity issued"', () => {
    const watch: IdentityWatch = {};
    const seen = watchForLateIdentity(watch, () => 42);
    seen(Object.assign(new Error('x'), { code: status.UNAVAILABLE, details: 'connecting' }));
    assert.equal(watch.noIdentitySince, undefined);
    seen(Object.assign(new Error('x'), { code: status.PERMISSION_DENIED, details: 'no identity issued' }));
    assert.equal(watch.noIdentitySince, 42);
  });
});

const login = (socketAddress: string, defaulted = false) =>
  ({ socketAddress, defaulted: { socket: defaulted, audience: false } }) as unknown as LoginOptions;

describe('the address and the socket', () => {
  test('the default socket is said to be the default', () => {
    const { check } = addressCheck(login('unix:///tmp/spire-agent/public/api.sock', true));
    assert.equal(check.status, 'ok');
    assert.match(check.detail, /SPIRE's default socket/);
  });

  test('a malformed address fails with the run code', () => {
    const { check, address } = addressCheck(login('tcp://agent.local:8081'));
    assert.equal(address, undefined);
    assert.equal(check.code, 'WORKLOAD_API_ADDRESS_INVALID');
  });

  test('missing, not a socket, nothing listening, listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-sock-'));
    const at = (name: string) => parseWorkloadApiAddress(`unix://${join(dir, name)}`);
    const missing = await socketCheck(at('none.sock'), true);
    assert.equal(missing.reason, 'socket-missing');
    assert.equal(missing.code, 'WORKLOAD_API_UNAVAILABLE');
    assert.match(missing.detail, /default address/);
    writeFileSync(join(dir, 'file'), '');
    assert.equal((await socketCheck(at('file'), false)).reason, 'not-a-socket');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'live.sock'), resolve));
    try {
      assert.equal((await socketCheck(at('live.sock'), false)).status, 'ok');
    } finally {
      server.close();
    }
    const refused = await socketCheck(parseWorkloadApiAddress('tcp://127.0.0.1:1'), false);
    assert.equal(refused.reason, 'connection-refused');
  });
});

describe('the X.509-SVID', () => {
  const svid = (fields: { cn?: boolean; leftSec: number; roots?: number }): X509Svid =>
    ({
      spiffeId: SPIFFE_ID,
      certificates: [{ subject: fields.cn === false ? 'O=SPIRE' : 'CN=runner\nO=SPIRE' } as X509Certificate],
      bundle: [],
      hint: '',
      expiresAt: new Date(NOW.getTime() + fields.leftSec * 1000),
    }) as unknown as X509Svid;

  test('ok, expired, too short, without a CN, without a bundle', () => {
    assert.equal(x509SvidCheck(svid({ leftSec: 3600 }), 1, NOW).status, 'ok');
    assert.equal(x509SvidCheck(svid({ leftSec: -1 }), 1, NOW).reason, 'expired');
    assert.equal(x509SvidCheck(svid({ leftSec: 10 }), 1, NOW).reason, 'lifetime-too-short');
    assert.equal(x509SvidCheck(svid({ leftSec: 3600, cn: false }), 1, NOW).reason, 'certificate-without-cn');
    const noBundle = x509SvidCheck(svid({ leftSec: 3600 }), 0, NOW);
    assert.equal(noBundle.code, 'X509_BUNDLE_INVALID');
  });
});

test('the section declares every id it reports, in order', () => {
  assert.deepEqual([...workloadApiSection.checks], [...WORKLOAD_API_CHECKS]);
});
