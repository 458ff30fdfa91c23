// Fixtures for the TransitSigner unit tests: real P-256 keys, Vault-shaped answers carrying real
// signatures, and a recording TokenProvider.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Reply } from './fake-vault.ts';
import { TransitError } from '../../../src/core/vault/transit.ts';
import type { TokenProvider } from '../../../src/core/vault/transit.ts';

export const TOKEN = 's.first-token-0123456789abcdef';
export const FRESH_TOKEN = 's.fresh-token-0123456789abcdef';

export interface TestKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly pem: string;
}

export function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** `GET /<mount>/keys/<key>`: versions 1..n with the given keys. */
export function keyReply(keys: readonly TestKey[], extra: Record<string, unknown> = {}): Reply {
  const versions = Object.fromEntries(keys.map((k, i) => [String(i + 1), { name: 'P-256', public_key: k.pem }]));
  return {
    status: 200,
    body: {
      data: {
        type: 'ecdsa-p256',
        latest_version: keys.length,
        min_decryption_version: 1,
        min_encryption_version: 0,
        keys: versions,
        ...extra,
      },
    },
  };
}

export interface SignedItem {
  signature: string;
  key_version: number;
  reference: string;
}

/**
 * Batch items as Vault writes them, signed for real. node's crypto cannot sign a given digest
 * (`sign(null, …)` on an EC key hashes its input with SHA-256), so the original data is signed
 * with SHA-256: the same signature a prehashed transit request over SHA-256(data) gives.
 */
export function signedItems(data: readonly Buffer[], offset: number, key: TestKey, version = 1): SignedItem[] {
  return data.map((d, i) => ({
    signature: `vault:v${version}:${sign('sha256', d, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64')}`,
    key_version: version,
    reference: String(offset + i),
  }));
}

export function batchReply(items: readonly object[]): Reply {
  return { status: 200, body: { data: { batch_results: items } } };
}

export const DENIED: Reply = { status: 403, body: { errors: ['permission denied'] } };
export const POLICY_DENIED: Reply = { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } };
export const LOOKUP_OK: Reply = { status: 200, body: { data: { ttl: 50, policies: ['default', 'ci-sign'] } } };

/** A TokenProvider that hands out TOKEN, then FRESH_TOKEN after a renewal, and records calls. */
export class RecordingTokens implements TokenProvider {
  current = TOKEN;
  gets = 0;
  readonly renewed: string[] = [];
  failRenewal: Error | undefined;

  async getToken(): Promise<string> {
    this.gets++;
    return this.current;
  }

  async renewToken(rejected: string): Promise<string> {
    this.renewed.push(rejected);
    if (this.failRenewal) throw this.failRenewal;
    this.current = FRESH_TOKEN;
    return this.current;
  }
}

/** Awaits a TransitError with `code`, and checks that no token leaked into it. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<TransitError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TransitError, `expected a TransitError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  for (const token of [TOKEN, FRESH_TOKEN]) {
    assert.ok(!error.message.includes(token), 'a token leaked into the message');
    assert.ok(
      !JSON.stringify(error, Object.getOwnPropertyNames(error)).includes(token),
      'a token leaked into the error',
    );
  }
  return error;
}
