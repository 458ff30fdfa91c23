// Proves the local stack (npm run stack:up) is real, using only the real programs' CLIs:
// SPIRE hands out a JWT-SVID, the Vault server (OpenBao's `bao` or HashiCorp Vault's `vault`,
// as STACK_VAULT chooses) trades it for a short-lived token, transit signs with it, and cosign
// verifies the signature. No project code is involved.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRun, loadStackEnv, run, type RunResult, type StackEnv } from '../helpers/stack-env.ts';

let stack: StackEnv;
let work: string;

before(() => {
  stack = loadStackEnv();
  work = mkdtempSync(join(tmpdir(), 'stack-test-'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const bin = (name: string): string => join(stack.STACK_BIN, name);

/** Environment for the CLIs: none of the caller's Vault settings, a private HOME (so no
 * token helper file and no cosign cache of the developer is used). */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(VAULT|BAO)_/.test(k)) env[k] = v;
  }
  return { ...env, HOME: work, [`${stack.STACK_VAULT_ENV_PREFIX}ADDR`]: stack.VAULT_ADDR, ...extra };
}

/** The server's own CLI, configured through its own variables (BAO_* for bao, VAULT_* for vault). */
function vaultCli(args: string[], opts: { token?: string; input?: string } = {}): RunResult {
  const extra: Record<string, string> =
    opts.token === undefined ? {} : { [`${stack.STACK_VAULT_ENV_PREFIX}TOKEN`]: opts.token };
  return run(bin(stack.STACK_VAULT_CLI), args, { env: cliEnv(extra), input: opts.input });
}

function fetchJwt(audience: string): string {
  const r = run(bin('spire-agent'), [
    'api',
    'fetch',
    'jwt',
    '-audience',
    audience,
    '-socketPath',
    stack.STACK_AGENT_SOCKET,
    '-output',
    'json',
  ]);
  assert.equal(r.status, 0, describeRun('spire-agent api fetch jwt', r));
  const out = JSON.parse(r.stdout) as { svids?: { spiffe_id: string; svid: string }[] }[];
  const svid = out.flatMap((o) => o.svids ?? [])[0];
  assert.ok(svid, 'spire-agent returned no JWT-SVID');
  assert.equal(svid.spiffe_id, stack.STACK_SPIFFE_ID);
  assert.equal(svid.svid.split('.').length, 3, 'the JWT-SVID is not a compact JWS');
  return svid.svid;
}

interface Login {
  readonly token: string;
  readonly leaseDuration: number;
  readonly policies: string[];
}

/** Logs in with a JWT; the JWT goes through stdin (`jwt=-`), never on a command line. */
function login(role: string, jwt: string): Login {
  const r = vaultCli(['write', '-format=json', 'auth/jwt/login', `role=${role}`, 'jwt=-'], { input: jwt });
  assert.equal(r.status, 0, describeRun(`login with role ${role}`, r));
  const auth = (JSON.parse(r.stdout) as { auth: { client_token: string; lease_duration: number; policies: string[] } })
    .auth;
  assert.ok(auth.client_token, 'the login returned no client token');
  return { token: auth.client_token, leaseDuration: auth.lease_duration, policies: auth.policies };
}

function signDigest(token: string, digest: Buffer, hash = 'sha2-256'): RunResult {
  return vaultCli(
    [
      'write',
      '-format=json',
      `transit/sign/${stack.STACK_TRANSIT_KEY}/${hash}`,
      `input=${digest.toString('base64')}`,
      'prehashed=true',
    ],
    { token },
  );
}

test('SPIRE issues a JWT-SVID for the runner with the requested audience', () => {
  const jwt = fetchJwt(stack.STACK_AUDIENCE);
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
    aud: string[] | string;
    exp: number;
  };
  assert.equal(claims.sub, stack.STACK_SPIFFE_ID);
  assert.deepEqual([claims.aud].flat(), [stack.STACK_AUDIENCE]);
  assert.ok(claims.exp * 1000 > Date.now(), 'the JWT-SVID is already expired');
  const header = JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()) as { alg: string };
  assert.equal(header.alg, 'ES256');
});

test('Vault trades the JWT-SVID for a token that lives at most 60 s', () => {
  const { token, leaseDuration, policies } = login(stack.STACK_ROLE, fetchJwt(stack.STACK_AUDIENCE));
  assert.ok(leaseDuration > 0 && leaseDuration <= 60, `lease_duration ${leaseDuration} not in (0, 60]`);
  assert.ok(policies.includes('ci-sign'), `policies: ${policies.join(',')}`);
  const r = vaultCli(['token', 'lookup', '-format=json'], { token });
  assert.equal(r.status, 0, describeRun('token lookup', r));
  const ttl = (JSON.parse(r.stdout) as { data: { ttl: number } }).data.ttl;
  assert.ok(ttl > 0 && ttl <= 60, `token ttl ${ttl} not in (0, 60]`);
});

test('Vault refuses a JWT-SVID minted for another audience', () => {
  const r = vaultCli(['write', '-format=json', 'auth/jwt/login', `role=${stack.STACK_ROLE}`, 'jwt=-'], {
    input: fetchJwt('not-vault'),
  });
  assert.notEqual(r.status, 0, 'login with a wrong-audience JWT succeeded');
  assert.match(r.stderr, /audience/i, describeRun('login', r));
});

test('transit signs a SHA-256 digest and cosign verifies the blob signature', () => {
  const { token } = login(stack.STACK_ROLE, fetchJwt(stack.STACK_AUDIENCE));
  const blob = Buffer.from(`spiffe-vault-action stack test ${new Date().toISOString()}\n`);
  const signed = signDigest(token, createHash('sha256').update(blob).digest());
  assert.equal(signed.status, 0, describeRun('transit sign', signed));
  const signature = (JSON.parse(signed.stdout) as { data: { signature: string } }).data.signature;
  assert.match(signature, /^vault:v1:[A-Za-z0-9+/]+=*$/);

  const key = vaultCli(['read', '-format=json', `transit/keys/${stack.STACK_TRANSIT_KEY}`], { token });
  assert.equal(key.status, 0, describeRun('read transit key', key));
  const keyData = (JSON.parse(key.stdout) as { data: { type: string; keys: Record<string, { public_key: string }> } })
    .data;
  assert.equal(keyData.type, 'ecdsa-p256');
  const pem = keyData.keys['1']?.public_key;
  assert.match(pem ?? '', /^-----BEGIN PUBLIC KEY-----/);

  writeFileSync(join(work, 'blob'), blob);
  writeFileSync(join(work, 'pub.pem'), pem ?? '');
  writeFileSync(join(work, 'blob.sig'), signature.replace(/^vault:v\d+:/, ''));
  const verify = (file: string): RunResult =>
    run(
      bin('cosign'),
      ['verify-blob', '--key', 'pub.pem', '--signature', 'blob.sig', '--insecure-ignore-tlog=true', file],
      {
        env: cliEnv(),
        cwd: work,
      },
    );
  const good = verify('blob');
  assert.equal(good.status, 0, describeRun('cosign verify-blob', good));

  writeFileSync(join(work, 'tampered'), Buffer.concat([blob, Buffer.from('x')]));
  const bad = verify('tampered');
  assert.notEqual(bad.status, 0, 'cosign verified a tampered blob');
});

test('least privilege: sha1 signing is denied and role ci-nosign cannot sign', () => {
  const digest = createHash('sha256').update('anything').digest();
  const sign = login(stack.STACK_ROLE, fetchJwt(stack.STACK_AUDIENCE));
  const sha1 = signDigest(sign.token, digest.subarray(0, 20), 'sha1');
  assert.notEqual(sha1.status, 0, 'signing with sha1 succeeded');
  assert.match(sha1.stderr, /Code: 403/, describeRun('transit sign sha1', sha1));

  const nosign = login(stack.STACK_ROLE_NOSIGN, fetchJwt(stack.STACK_AUDIENCE));
  assert.ok(!nosign.policies.includes('ci-sign'), `policies: ${nosign.policies.join(',')}`);
  const r = signDigest(nosign.token, digest);
  assert.notEqual(r.status, 0, 'role ci-nosign could sign');
  assert.match(r.stderr, /Code: 403/, describeRun('transit sign', r));
  assert.match(r.stderr, /permission denied/, describeRun('transit sign', r));
});
