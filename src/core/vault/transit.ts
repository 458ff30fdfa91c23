/**
 * The Vault/OpenBao transit signer: one key version pinned for its whole life, SHA-256 digests
 * signed in sequential batches. Everything this project signs goes through it as a
 * `DigestSigner` (src/core/signing/types.ts): blobs, image payloads and bundles alike.
 */
import { InputError } from '../errors.ts';
import { diagnoseSignFailure } from '../diagnose/transit.ts';
import { isBatchTooLargeAnswer } from '../diagnose/vault-answers.ts';
import { NOOP_LOGGER, type Logger } from '../logger.ts';
import type { VaultClient } from './client.ts';
import { VaultHttpError } from './errors.ts';
import { withToken, type AccessContext } from './transit-access.ts';
import type { TokenProvider } from './session.ts';
import { batchRequestBody, parseBatchResults } from './transit-batch.ts';
import {
  describeTarget,
  signUrlPath,
  TransitError,
  transitErrorFrom,
  vaultAnswer,
  type TransitTarget,
} from './transit-errors.ts';
import { readSigningKey } from './transit-key.ts';
import { parseTransitKeyName, parseTransitPath } from './transit-names.ts';

export type { TokenProvider } from './session.ts';
export { TransitError, leastPrivilegePolicy, type TransitErrorCode } from './transit-errors.ts';

/**
 * Digests per sign request. The binding limit is not the body size (32 MiB) but OpenBao's
 * listener setting max_request_json_strings (default 1000), which counts every JSON string,
 * keys included: a batch body holds 5 + 4n of them, so OpenBao refuses more than 248 digests
 * ("refused JSON input due to high complexity"). 200 leaves room; a request is then ~15 KB out
 * and ~31 KB back and takes tens of ms. Larger batches gained nothing measurable. A server with a
 * tighter limit is handled by halving the batch on that refusal.
 */
export const DEFAULT_TRANSIT_BATCH_SIZE = 200;
const DIGEST_BYTES = 32;

export interface TransitSignerOptions {
  readonly client: VaultClient;
  readonly tokens: TokenProvider;
  /** Mount path of the transit engine; default `DEFAULT_TRANSIT_PATH` ('transit'). */
  readonly transitPath?: string;
  /** The key's name, without the mount. */
  readonly transitKey: string;
  /** Undefined = the latest, resolved once at open and then pinned for every signature. */
  readonly keyVersion?: number;
  readonly batchSize?: number;
  readonly logger?: Logger;
}

/**
 * Signs SHA-256 digests with a Vault/OpenBao transit ecdsa-p256 key, in sequential batches, with
 * one key version for its whole life.
 */
export class TransitSigner {
  /** Mount path of the transit engine. */
  readonly transitPath: string;
  readonly transitKey: string;
  /** The version every signature uses. */
  readonly keyVersion: number;
  /** PKIX PEM of that version. */
  readonly publicKeyPem: string;
  /** cosign's convention: standard base64 of SHA-256 of the SPKI DER. */
  readonly keyHint: string;
  private readonly ctx: AccessContext;
  private readonly signUrlPath: string;
  private currentBatchSize: number;

  private constructor(fields: {
    ctx: AccessContext;
    keyVersion: number;
    publicKeyPem: string;
    keyHint: string;
    batchSize: number;
  }) {
    this.ctx = fields.ctx;
    this.transitPath = fields.ctx.target.transitPath;
    this.transitKey = fields.ctx.target.key;
    this.keyVersion = fields.keyVersion;
    this.publicKeyPem = fields.publicKeyPem;
    this.keyHint = fields.keyHint;
    this.currentBatchSize = fields.batchSize;
    this.signUrlPath = signUrlPath(fields.ctx.target);
  }

  /** Reads the key (`GET /<mount>/keys/<key>`), checks its type and pins the version. */
  static async open(options: TransitSignerOptions): Promise<TransitSigner> {
    const { client } = options;
    const target: TransitTarget = {
      address: client.address,
      transitPath: parseTransitPath('transitPath', options.transitPath ?? ''),
      key: checkKey(options.transitKey),
    };
    const batchSize = checkPositiveInteger(options.batchSize ?? DEFAULT_TRANSIT_BATCH_SIZE, 'batch size');
    if (options.keyVersion !== undefined) checkPositiveInteger(options.keyVersion, 'key version');
    const ctx: AccessContext = { client, tokens: options.tokens, target, logger: options.logger ?? NOOP_LOGGER };
    const key = await readSigningKey(ctx, options.keyVersion);
    ctx.logger.debug(`signing with ${describeTarget(target)}, version ${key.keyVersion} of ${key.latestVersion}`);
    return new TransitSigner({ ctx, ...key, batchSize });
  }

  /** Digests per request now (smaller than configured after Vault refused a batch as too large). */
  get batchSize(): number {
    return this.currentBatchSize;
  }

  /**
   * DER (ASN.1) ECDSA signatures, one per 32-byte digest, same order. On failure the
   * TransitError's `signedCount` says how many leading digests were signed (completed batches).
   */
  async signDigests(digests: readonly Buffer[]): Promise<Buffer[]> {
    digests.forEach((digest, index) => {
      if (!Buffer.isBuffer(digest) || digest.length !== DIGEST_BYTES) {
        throw new TransitError(
          'TRANSIT_INVALID_DIGEST',
          `digest ${index} of ${digests.length} is ${Buffer.isBuffer(digest) ? `${digest.length} bytes` : 'not a Buffer'}; ` +
            `${describeTarget(this.ctx.target)} signs raw 32-byte SHA-256 digests — hash the data first`,
        );
      }
    });
    const signatures: Buffer[] = [];
    while (signatures.length < digests.length) {
      const offset = signatures.length;
      const chunk = digests.slice(offset, offset + this.currentBatchSize);
      try {
        signatures.push(...(await this.signChunk(chunk, offset)));
      } catch (error: unknown) {
        if (chunk.length > 1 && isRefusedAsTooLarge(error)) {
          this.currentBatchSize = Math.ceil(chunk.length / 2);
          this.ctx.logger.warning(
            `Vault at ${this.ctx.target.address} refused ${chunk.length} digests in one request (${vaultAnswer(error)}); ` +
              `sending ${this.currentBatchSize} per request from now on`,
          );
          continue;
        }
        throw this.signFailure(error, { offset, count: chunk.length, total: digests.length });
      }
    }
    return signatures;
  }

  private async signChunk(chunk: readonly Buffer[], offset: number): Promise<Buffer[]> {
    const body = batchRequestBody(chunk, { offset, keyVersion: this.keyVersion });
    const response = await withToken(this.ctx, {
      operation: 'sign',
      signedCount: offset,
      send: (token) => this.ctx.client.request<unknown>({ method: 'POST', path: this.signUrlPath, body, token }),
    });
    const signatures = parseBatchResults(response, {
      target: this.ctx.target,
      offset,
      count: chunk.length,
      keyVersion: this.keyVersion,
    });
    this.ctx.logger.debug(
      `signed digests ${offset}–${offset + chunk.length - 1} with ${describeTarget(this.ctx.target)}`,
    );
    return signatures;
  }

  private signFailure(error: unknown, at: { offset: number; count: number; total: number }): TransitError {
    if (error instanceof TransitError) return error;
    const finding = diagnoseSignFailure(error, { target: this.ctx.target, keyVersion: this.keyVersion, ...at });
    return transitErrorFrom(finding, { cause: error, signedCount: at.offset });
  }
}

/** Vault's and OpenBao's answers when a body has too many JSON strings/entries or too many bytes. */
function isRefusedAsTooLarge(error: unknown): boolean {
  return error instanceof VaultHttpError && isBatchTooLargeAnswer(error);
}

function checkKey(key: string): string {
  if (!key) throw new InputError(`transitKey: give the transit key's name`);
  return parseTransitKeyName('transitKey', key);
}

function checkPositiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new InputError(`invalid transit ${what} ${value}: a whole number ≥ 1`);
  return value;
}
