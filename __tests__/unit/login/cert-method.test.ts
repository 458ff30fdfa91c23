// method cert: the option rows (default auth path, mutual exclusion with client-cert), the
// cert-login refusals as the two servers word them, and X.509-SVID parsing at the boundary.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { parseFlags } from '../../../src/cli/args.ts';
import { parseLoginConfig } from '../../../src/cli/config.ts';
import { LOGIN_FLAGS, mergeFlags, VAULT_FLAGS } from '../../../src/cli/flags.ts';
import { certLoginRefusal, diagnoseCertLogin } from '../../../src/core/diagnose/cert-login.ts';
import { VaultHttpError } from '../../../src/core/vault/errors.ts';
import { parseX509SvidResponse, splitDerCertificates } from '../../../src/core/spiffe/x509-svid.ts';

/** The code of what `fn` throws ('' when it does not throw). */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error: unknown) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return '';
}

const specs = mergeFlags([LOGIN_FLAGS, VAULT_FLAGS]);
const flags = (...argv: string[]) => parseFlags(argv, { specs }).values;

describe('method option', () => {
  test('jwt by default with auth path jwt; cert makes the auth path cert unless given', () => {
    assert.equal(parseLoginConfig(flags('-role', 'ci'), {}).method, 'jwt');
    assert.equal(parseLoginConfig(flags('-role', 'ci'), {}).authPath, 'jwt');
    const cert = parseLoginConfig(flags('-role', 'ci', '--method', 'cert'), {});
    assert.equal(cert.method, 'cert');
    assert.equal(cert.authPath, 'cert');
    assert.equal(
      parseLoginConfig(flags('-role', 'ci', '--method', 'cert', '--auth-path', 'spiffe-cert'), {}).authPath,
      'spiffe-cert',
    );
    assert.equal(parseLoginConfig(flags('-role', 'ci', '--auth-path='), {}).authPath, 'jwt');
  });

  test('an unknown method is INVALID_INPUT', () => {
    assert.equal(
      codeOf(() => parseLoginConfig(flags('-role', 'ci', '--method', 'oidc'), {})),
      'INVALID_INPUT',
    );
  });

  test('client-cert (flag or VAULT_CLIENT_CERT) with method cert is INVALID_INPUT naming both', () => {
    assert.throws(
      () => parseLoginConfig(flags('-role', 'ci', '--method', 'cert', '--client-cert', 'c.pem'), {}),
      (error: Error & { code?: string }) =>
        error.code === 'INVALID_INPUT' && /--client-cert and --method cert are mutually exclusive/.test(error.message),
    );
    assert.equal(
      codeOf(() => parseLoginConfig(flags('-role', 'ci', '--method', 'cert'), { VAULT_CLIENT_KEY: 'k.pem' })),
      'INVALID_INPUT',
    );
  });
});

describe('cert login refusals (real answers of OpenBao v2.6.2 and HashiCorp Vault v1.21.4)', () => {
  const cases: [string, number, string][] = [
    ['no-client-certificate', 400, 'client certificate must be supplied'],
    ['no-client-certificate', 400, 'no client certificate found'],
    ['certificate-without-cn', 400, 'missing name in alias'],
    ['certificate-without-cn', 500, 'missing name in alias'],
    ['uri-san-mismatch', 400, 'no chain matching all constraints could be found for this login certificate'],
    ['certificate-untrusted', 400, 'invalid certificate or no client certificate supplied'],
    ['certificate-not-accepted', 400, 'failed to match all constraints for this login certificate'],
    ['auth-mount-missing', 403, 'permission denied'],
  ];
  for (const [reason, status, words] of cases) {
    test(`${status} "${words}" is ${reason}`, () => {
      assert.equal(certLoginRefusal({ status, vaultErrors: [words] }), reason);
    });
  }

  test("OpenBao's 500 for a certificate without a CN is the login's refusal, not a server failure", () => {
    const answer = new VaultHttpError({ status: 500, vaultErrors: ['missing name in alias'], message: 'answered' });
    const finding = diagnoseCertLogin(answer, { address: 'https://v:8200', role: 'ci-cert', authPath: 'cert' });
    assert.equal(finding.code, 'VAULT_LOGIN_DENIED');
    assert.equal(finding.reason, 'certificate-without-cn');
  });
});

describe('X.509-SVID parsing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'x509-'));
  const id = 'spiffe://example.org/ci/runner';
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-subj',
    '/CN=runner',
    '-addext',
    `subjectAltName=URI:${id}`,
  );
  const certDer = openssl('x509', '-in', join(dir, 'cert.pem'), '-outform', 'DER');
  const keyDer = openssl('pkcs8', '-topk8', '-nocrypt', '-in', join(dir, 'key.pem'), '-outform', 'DER');

  test('a DER chain, its PKCS#8 key and SPIFFE ID become a domain SVID that prints without the key', () => {
    const [svid] = parseX509SvidResponse({
      svids: [
        {
          spiffe_id: id,
          x509_svid: Buffer.concat([certDer, certDer]),
          x509_svid_key: keyDer,
          bundle: certDer,
          hint: 'h',
        },
      ],
    });
    assert.ok(svid);
    assert.equal(svid.spiffeId, id);
    assert.equal(svid.certificates.length, 2);
    assert.equal(svid.bundle.length, 1);
    assert.equal(svid.hint, 'h');
    assert.ok(svid.expiresAt.getTime() > Date.now());
    const keyBody = readFileSync(join(dir, 'key.pem'), 'utf8').split('\n')[1] ?? '';
    for (const text of [inspect(svid), JSON.stringify(svid)]) {
      assert.match(text, /REDACTED/);
      assert.ok(!text.includes(keyBody.slice(0, 20)));
    }
  });

  test('no SVIDs is X509_SVID_NOT_FOUND; a label that is not the URI SAN, a bad chain or key is X509_SVID_INVALID', () => {
    assert.equal(
      codeOf(() => parseX509SvidResponse({ svids: [] })),
      'X509_SVID_NOT_FOUND',
    );
    const other = { spiffe_id: 'spiffe://example.org/other', x509_svid: certDer, x509_svid_key: keyDer };
    assert.equal(
      codeOf(() => parseX509SvidResponse({ svids: [other] })),
      'X509_SVID_INVALID',
    );
    const badChain = { spiffe_id: id, x509_svid: Buffer.from([1, 2, 3]), x509_svid_key: keyDer };
    assert.equal(
      codeOf(() => parseX509SvidResponse({ svids: [badChain] })),
      'X509_SVID_INVALID',
    );
    const badKey = { spiffe_id: id, x509_svid: certDer, x509_svid_key: Buffer.from('secret-ish') };
    assert.equal(
      codeOf(() => parseX509SvidResponse({ svids: [badKey] })),
      'X509_SVID_INVALID',
    );
  });

  test('splitDerCertificates splits concatenated DER', () => {
    assert.equal(splitDerCertificates(Buffer.concat([certDer, certDer, certDer])).length, 3);
  });
});
