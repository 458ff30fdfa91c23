/**
 * Secret-shaped text taken out of messages: whatever a user or a server puts in front of us is
 * echoed in errors ("'…' is not a boolean"), so a token pasted into the wrong input, or sent
 * back by a server, must not be echoed with it.
 */

/** A compact JWS (three base64url parts, the first starting with `eyJ`, i.e. `{"`). */
const COMPACT_JWS = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
/** Vault's tokens: `hvs.` (service), `hvb.` (batch), `hvr.` (recovery). */
const VAULT_TOKEN = /hv[sbr]\.[A-Za-z0-9_-]{20,}/g;
/** OpenBao's and older Vault's: `s.`/`b.`/`r.` and 24 base62 characters. */
const SHORT_PREFIX_TOKEN = /(?<![A-Za-z0-9])[sbr]\.[A-Za-z0-9]{24}(?![A-Za-z0-9])/g;

/** Replaces anything that looks like a JWT with `[REDACTED JWT]`. */
export function redactJwts(text: string): string {
  return text.replace(COMPACT_JWS, '[REDACTED JWT]');
}

/** Replaces JWTs and Vault/OpenBao tokens with `[REDACTED …]`. */
export function redactSecrets(text: string): string {
  return redactJwts(text).replace(VAULT_TOKEN, '[REDACTED TOKEN]').replace(SHORT_PREFIX_TOKEN, '[REDACTED TOKEN]');
}
