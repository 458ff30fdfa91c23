// A local DigestSigner with a node:crypto ECDSA P-256 key, standing in for Vault transit.
//
// Node cannot sign a precomputed digest with ECDSA: crypto.sign(null, digest, ecKey) hashes its
// input with SHA-256 again. So the fake learns the files it will be asked about, and signs a
// digest by signing the file's bytes with crypto.sign('sha256', …) — the same signature a
// prehashed Vault sign of that digest verifies as.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cosignKeyHint } from '../../../src/core/ecdsa.ts';
import type { DigestSigner } from '../../../src/core/signing/types.ts';

export interface FakeSignerOptions {
  /** Files whose digests the fake can sign (read once, here). */
  readonly files: readonly string[];
  readonly keyVersion?: number;
  /** 1-based `signDigests` call that fails (the Vault request of that group). */
  readonly failOnCall?: number;
  /** How long each call takes to answer (default: one turn of the event loop). */
  readonly latencyMs?: number;
  /** Replaces the answer of every call (to test how bad answers are handled). */
  readonly answer?: (digests: readonly Buffer[], signatures: Buffer[]) => Buffer[];
}

export class FakeDigestSigner implements DigestSigner {
  readonly keyVersion: number;
  readonly publicKeyPem: string;
  readonly keyHint: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The number of digests of each `signDigests` call, in order. */
  readonly calls: number[] = [];
  /** The most `signDigests` calls that were running at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly contents = new Map<string, Buffer>();
  private readonly options: FakeSignerOptions;

  constructor(options: FakeSignerOptions) {
    this.options = options;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyHint = cosignKeyHint(publicKey);
    this.keyVersion = options.keyVersion ?? 1;
    for (const file of options.files) {
      const data = readFileSync(file);
      this.contents.set(createHash('sha256').update(data).digest('hex'), data);
    }
  }

  async signDigests(digests: readonly Buffer[]): Promise<Buffer[]> {
    const call = this.calls.push(digests.length);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    const latency = this.options.latencyMs;
    await new Promise((r) => (latency === undefined ? setImmediate(r) : setTimeout(r, latency))).finally(
      () => this.inFlight--,
    );
    if (call === this.options.failOnCall) {
      throw new Error(`fake transit: sign request #${call} failed (503 Vault is sealed)`);
    }
    const signatures = digests.map((digest) => {
      const data = this.contents.get(digest.toString('hex'));
      if (data === undefined) throw new Error(`fake transit: unknown digest ${digest.toString('hex')}`);
      return sign('sha256', data, this.privateKey);
    });
    return this.options.answer ? this.options.answer(digests, signatures) : signatures;
  }
}
