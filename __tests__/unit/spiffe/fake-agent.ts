/**
 * An in-process SPIFFE Workload API server (grpc-js, unix socket in a temp dir) built from
 * proto/workload.proto by @grpc/proto-loader, not from the client's generated codec. It exists for faults a real SPIRE agent cannot be made
 * to show on demand (PermissionDenied twice then success, Unavailable forever, a socket that
 * appears late); the real agent is exercised by __tests__/integration/spiffe.test.ts.
 * Like SPIRE, it answers InvalidArgument to any call without `workload.spiffe.io: true`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { workloadApiService } from '../../helpers/workload-proto.ts';

export const TRUST_DOMAIN_ID = 'spiffe://example.org';
export const SPIFFE_ID = 'spiffe://example.org/ci/runner';

export interface StatusReply {
  readonly code: number;
  readonly details: string;
}

export interface JwtSvidRequest {
  readonly audience: string[];
  readonly spiffe_id: string;
}

export interface WireSvid {
  spiffe_id: string;
  svid: string;
  hint: string;
}

/** What the fake answers to the n-th FetchJWTSVID (1-based): SVIDs or a status. */
export type JwtSvidBehaviour = (
  request: JwtSvidRequest,
  n: number,
) => Promise<WireSvid[] | StatusReply> | WireSvid[] | StatusReply;

export interface SeenCall {
  readonly method: string;
  readonly headerValues: readonly string[];
}

export class Signer {
  readonly kid = 'key-1';
  privateKey!: CryptoKey;
  jwk!: JWK;

  static async create(): Promise<Signer> {
    const signer = new Signer();
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    signer.privateKey = privateKey;
    signer.jwk = { ...(await exportJWK(publicKey)), kid: signer.kid };
    return signer;
  }

  /** A JWT-SVID like SPIRE's: ES256, kid, typ JWT, sub, aud, exp, iat, no iss. */
  async token(options: { sub?: string; aud?: string[]; expiresInSec?: number; now?: number } = {}): Promise<string> {
    const now = Math.floor((options.now ?? Date.now()) / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' })
      .setSubject(options.sub ?? SPIFFE_ID)
      .setAudience(options.aud ?? ['vault'])
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSec ?? 300))
      .sign(this.privateKey);
  }

  /** The JWKS SPIRE would send for the trust domain (keys marked `use: jwt-svid`). */
  jwksBytes(): Buffer {
    return Buffer.from(JSON.stringify({ keys: [{ ...this.jwk, use: 'jwt-svid' }] }));
  }
}

export function serviceDefinition(): ServiceDefinition {
  return workloadApiService();
}

function headerValues(metadata: Metadata): string[] {
  return metadata.get('workload.spiffe.io').map((v) => v.toString());
}

function failIfNoHeader(metadata: Metadata): StatusReply | undefined {
  const values = headerValues(metadata);
  if (values.length === 1 && values[0] === 'true') return undefined;
  return { code: status.INVALID_ARGUMENT, details: 'security header missing from request' };
}

export class FakeAgent {
  readonly dir: string;
  readonly socketPath: string;
  readonly calls: SeenCall[] = [];
  jwtSvidCalls = 0;
  bundleStreamsCancelled = 0;
  onFetchJwtSvid: JwtSvidBehaviour = () => ({ code: status.UNIMPLEMENTED, details: 'not scripted' });
  bundles: Record<string, Buffer> = {};
  #server: Server | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    this.socketPath = join(dir, 'agent.sock');
  }

  /** A fake whose socket does not exist until `start()`. */
  static async create(): Promise<FakeAgent> {
    return new FakeAgent(await mkdtemp(join(tmpdir(), 'svs-fake-')));
  }

  get address(): string {
    return `unix://${this.socketPath}`;
  }

  async start(): Promise<void> {
    const server = new Server();
    server.addService(serviceDefinition(), {
      FetchJWTSVID: (call: ServerUnaryCall<JwtSvidRequest, unknown>, callback: sendUnaryData<unknown>) => {
        this.calls.push({ method: 'FetchJWTSVID', headerValues: headerValues(call.metadata) });
        const refused = failIfNoHeader(call.metadata);
        if (refused) return callback(refused);
        this.jwtSvidCalls++;
        Promise.resolve(this.onFetchJwtSvid(call.request, this.jwtSvidCalls)).then(
          (reply) => (Array.isArray(reply) ? callback(null, { svids: reply }) : callback(reply)),
          (error: unknown) => callback({ code: status.INTERNAL, details: String(error) }),
        );
      },
      FetchJWTBundles: (call: ServerWritableStream<unknown, unknown>) => {
        this.calls.push({ method: 'FetchJWTBundles', headerValues: headerValues(call.metadata) });
        const refused = failIfNoHeader(call.metadata);
        if (refused) return call.destroy(Object.assign(new Error(refused.details), refused));
        call.on('cancelled', () => this.bundleStreamsCancelled++);
        call.write({ bundles: this.bundles }); // and keep the stream open, as SPIRE does
      },
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(this.address, ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) server.forceShutdown();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A clock whose sleeps return at once and advance virtual time. */
export class FakeClock {
  time = 1_000_000;
  sleeps: number[] = [];
  now = (): number => this.time;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
}

/** A logger that records every line. */
export function recordingLogger(): {
  lines: string[];
  debug(m: string): void;
  info(m: string): void;
  warning(m: string): void;
} {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(m),
  };
}
