/**
 * The Workload API calls on the wire: FetchJWTSVID (unary) and the first message of the
 * FetchJWTBundles, FetchX509SVID and FetchX509Bundles streams, with the generated codecs and the
 * security header every call carries.
 */
import { Metadata, type Client } from '@grpc/grpc-js';
import { WorkloadApiError } from './errors.ts';
import {
  JWTBundlesRequest,
  JWTBundlesResponse,
  JWTSVIDRequest,
  JWTSVIDResponse,
  X509BundlesRequest,
  X509BundlesResponse,
  X509SVIDRequest,
  X509SVIDResponse,
} from './generated/workload.js';
import type { WireJwtBundlesResponse, WireJwtSvidRequest, WireJwtSvidResponse } from './wire.ts';
import type { WireX509BundlesResponse, WireX509SvidResponse } from './x509-svid.ts';

/** The metadata every Workload API call must carry (SPIFFE Workload Endpoint spec). */
export const SECURITY_HEADER = Object.freeze({ key: 'workload.spiffe.io', value: 'true' });

/** The methods' paths: the service has no package (SPIFFE Workload Endpoint spec). */
const FETCH_JWT_SVID = '/SpiffeWorkloadAPI/FetchJWTSVID';
const FETCH_JWT_BUNDLES = '/SpiffeWorkloadAPI/FetchJWTBundles';
const FETCH_X509_SVID = '/SpiffeWorkloadAPI/FetchX509SVID';
const FETCH_X509_BUNDLES = '/SpiffeWorkloadAPI/FetchX509Bundles';

const encodeJwtSvidRequest = (request: WireJwtSvidRequest) => Buffer.from(JWTSVIDRequest.encode(request).finish());
const decodeJwtSvidResponse = (bytes: Buffer): WireJwtSvidResponse => JWTSVIDResponse.decode(bytes);

function securityMetadata(): Metadata {
  const metadata = new Metadata();
  metadata.set(SECURITY_HEADER.key, SECURITY_HEADER.value);
  return metadata;
}

export function unaryJwtSvid(
  grpc: Client,
  { request, deadline }: { readonly request: WireJwtSvidRequest; readonly deadline: Date },
): Promise<WireJwtSvidResponse> {
  return new Promise((resolve, reject) => {
    grpc.makeUnaryRequest(
      FETCH_JWT_SVID,
      encodeJwtSvidRequest,
      decodeJwtSvidResponse,
      request,
      securityMetadata(),
      { deadline },
      (error, response) => (error ? reject(error) : resolve(response ?? {})),
    );
  });
}

/** A server-streaming call whose first message is all we want. */
interface FirstMessageCall<T> {
  readonly path: string;
  readonly encode: () => Buffer;
  readonly decode: (bytes: Buffer) => T;
  /** What an end of stream without a message is. */
  readonly empty: () => WorkloadApiError;
  readonly deadline: Date;
}

/** The stream's first message; the stream is then cancelled. */
function firstMessage<T>(grpc: Client, call: FirstMessageCall<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stream = grpc.makeServerStreamRequest(call.path, call.encode, call.decode, {}, securityMetadata(), {
      deadline: call.deadline,
    });
    stream.on('data', (message: T) => {
      if (settled) return;
      settled = true;
      resolve(message);
      stream.cancel();
    });
    stream.on('error', (error: unknown) => {
      if (settled) return; // includes the CANCELLED that our own cancel() produces
      settled = true;
      reject(error);
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      reject(call.empty());
    });
  });
}

const endedWithout = (code: 'JWT_BUNDLE_INVALID' | 'X509_SVID_NOT_FOUND' | 'X509_BUNDLE_INVALID', rpc: string) => () =>
  new WorkloadApiError(code, `the SPIFFE Workload API ended the ${rpc} stream without sending a message`);

export function firstJwtBundles(grpc: Client, deadline: Date): Promise<WireJwtBundlesResponse> {
  return firstMessage(grpc, {
    path: FETCH_JWT_BUNDLES,
    encode: () => Buffer.from(JWTBundlesRequest.encode({}).finish()),
    decode: (bytes): WireJwtBundlesResponse => JWTBundlesResponse.decode(bytes),
    empty: endedWithout('JWT_BUNDLE_INVALID', 'FetchJWTBundles'),
    deadline,
  });
}

export function firstX509Svids(grpc: Client, deadline: Date): Promise<WireX509SvidResponse> {
  return firstMessage(grpc, {
    path: FETCH_X509_SVID,
    encode: () => Buffer.from(X509SVIDRequest.encode({}).finish()),
    decode: (bytes): WireX509SvidResponse => X509SVIDResponse.decode(bytes),
    empty: endedWithout('X509_SVID_NOT_FOUND', 'FetchX509SVID'),
    deadline,
  });
}

export function firstX509Bundles(grpc: Client, deadline: Date): Promise<WireX509BundlesResponse> {
  return firstMessage(grpc, {
    path: FETCH_X509_BUNDLES,
    encode: () => Buffer.from(X509BundlesRequest.encode({}).finish()),
    decode: (bytes): WireX509BundlesResponse => X509BundlesResponse.decode(bytes),
    empty: endedWithout('X509_BUNDLE_INVALID', 'FetchX509Bundles'),
    deadline,
  });
}
