/**
 * Why TLS to Vault failed, from Node's socket error (or, for plain http spoken to a TLS listener,
 * the Go server's one-line answer), and what to give so it works. Seen with OpenBao v2.6 and
 * HashiCorp Vault v1.21 (the integration tests make each):
 * - a CA this runner does not trust: UNABLE_TO_VERIFY_LEAF_SIGNATURE (a dev server's own CA),
 *   UNABLE_TO_GET_ISSUER_CERT(_LOCALLY), SELF_SIGNED_CERT_IN_CHAIN, DEPTH_ZERO_SELF_SIGNED_CERT;
 * - a certificate for another name: ERR_TLS_CERT_ALTNAME_INVALID;
 * - expired or not yet valid: CERT_HAS_EXPIRED, CERT_NOT_YET_VALID;
 * - https:// to a plain-http listener: EPROTO "… wrong version number" (or ERR_SSL_WRONG_VERSION_NUMBER);
 * - http:// to a TLS listener: 400 "Client sent an HTTP request to an HTTPS server."
 */
import type { VaultAnswer } from './vault-answers.ts';

export type VaultTlsProblem =
  | 'ca-unknown'
  | 'host-mismatch'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'https-to-http'
  | 'http-to-https'
  | 'tls-failed';

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** The Go HTTP server's answer to plain http on a TLS port (a 400 with a text body). */
export function isHttpToHttpsAnswer(answer: VaultAnswer): boolean {
  return answer.status === 400 && answer.vaultErrors.some((text) => /HTTP request to an HTTPS server/i.test(text));
}

/** Which TLS problem a failed exchange shows (call it for a TLS failure or an http-to-https answer). */
export function vaultTlsProblem(answer: VaultAnswer & { readonly message?: string }): VaultTlsProblem {
  if (isHttpToHttpsAnswer(answer)) return 'http-to-https';
  const code = answer.socketCode ?? '';
  if (UNKNOWN_CA.has(code)) return 'ca-unknown';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'host-mismatch';
  if (code === 'CERT_HAS_EXPIRED') return 'certificate-expired';
  if (code === 'CERT_NOT_YET_VALID') return 'certificate-not-yet-valid';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(answer.message ?? '')) {
    return 'https-to-http';
  }
  return 'tls-failed';
}

/**
 * Node's TLS error text, without OpenSSL's source location ("error:0A00010B:SSL routines:…:wrong
 * version number:../deps/openssl/…") and Node's own advice about its flags.
 */
export function tlsMessage(message: string): string {
  const line = (message.split('\n')[0] ?? '').replace(/; if the root CA is installed locally.*$/, '');
  const ssl = /(?:[0-9A-F]+:)?error:[0-9A-F]+:SSL routines:[^:]*:([^:]+):/.exec(line);
  return ssl ? `${line.slice(0, ssl.index).trim()} ${ssl[1]}`.trim() : line.trim();
}

/** How every front takes the CA: the CLI flag and variables, the action's input. */
const GIVE_CA = "--ca-cert FILE (or VAULT_CACERT / BAO_CACERT; the action's ca-cert input)";

/** What the problem means for the server at `address` (when known), and the fix. */
export function vaultTlsExplanation(problem: VaultTlsProblem, address?: string): { why: string; fix: string } {
  const server = address ?? 'the Vault server';
  const host = address ? `'${hostOf(address)}'` : 'the host name in vault-addr';
  const https = address ? ` (${address.replace(/^http:/, 'https:')})` : '';
  switch (problem) {
    case 'ca-unknown':
      return {
        why: `the certificate of ${server} is signed by a CA this runner does not trust (a private or self-signed CA)`,
        fix: `give the CA that signed Vault's certificate: ${GIVE_CA}`,
      };
    case 'host-mismatch':
      return {
        why: `the certificate of ${server} is not for ${host} (its subject alternative names differ)`,
        fix: `use the host name the certificate names in vault-addr (VAULT_ADDR), or reissue the certificate with ${host} among its SANs`,
      };
    case 'certificate-expired':
      return {
        why: `the certificate of ${server} has expired (or this runner's clock is ahead)`,
        fix: "renew Vault's certificate (then reload it: `kill -HUP` the server), and check this runner's clock",
      };
    case 'certificate-not-yet-valid':
      return {
        why: `the certificate of ${server} is not valid yet (or this runner's clock is behind)`,
        fix: "check this runner's clock and the certificate's notBefore",
      };
    case 'https-to-http':
      return {
        why: `${server} does not speak TLS: the listener is plain http`,
        fix: `write vault-addr with http:// if the listener really has no TLS (only on loopback), or enable TLS on the listener`,
      };
    case 'http-to-https':
      return {
        why: `${server} speaks TLS: the listener answered "Client sent an HTTP request to an HTTPS server"`,
        fix: `write vault-addr with https://${https}, and ${GIVE_CA} when its CA is private`,
      };
    case 'tls-failed':
      return {
        why: `the TLS handshake with ${server} failed`,
        fix: `give the CA that signed Vault's certificate (${GIVE_CA}), or check vault-addr's scheme and host`,
      };
  }
}

function hostOf(address: string): string {
  try {
    return new URL(address).hostname;
  } catch {
    return address;
  }
}
