/**
 * The two Workload API calls on the wire: FetchJWTSVID (unary) and the first message of the
 * FetchJWTBundles stream, with the generated codecs and the security header every call carries.
 */
import { Metadata, type Client } from '@grpc/grpc-js';
import { WorkloadApiError } from './errors.ts';
import { JWTBundlesRequest, JWTBundlesResponse, JWTSVIDRequest, JWTSVIDResponse } from './generated/workload.js';
import type { WireJwtBundlesResponse, WireJwtSvidRequest, WireJwtSvidResponse } from './wire.ts';

/** The metadata every Workload API call must carry (SPIFFE Workload Endpoint spec). */
export const SECURITY_HEADER = Object.freeze({ key: 'workload.spiffe.io', value: 'true' });

/** The methods' paths: the service has no package (SPIFFE Workload Endpoint spec). */
const FETCH_JWT_SVID = '/SpiffeWorkloadAPI/FetchJWTSVID';
const FETCH_JWT_BUNDLES = '/SpiffeWorkloadAPI/FetchJWTBundles';

const encodeJwtSvidRequest = (request: WireJwtSvidRequest) => Buffer.from(JWTSVIDRequest.encode(request).finish());
const decodeJwtSvidResponse = (bytes: Buffer): WireJwtSvidResponse => JWTSVIDResponse.decode(bytes);
const encodeJwtBundlesRequest = () => Buffer.from(JWTBundlesRequest.encode({}).finish());
const decodeJwtBundlesResponse = (bytes: Buffer): WireJwtBundlesResponse => JWTBundlesResponse.decode(bytes);

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

/** The stream's first message; the stream is then cancelled. */
export function firstJwtBundles(grpc: Client, deadline: Date): Promise<WireJwtBundlesResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const stream = grpc.makeServerStreamRequest(
      FETCH_JWT_BUNDLES,
      encodeJwtBundlesRequest,
      decodeJwtBundlesResponse,
      {},
      securityMetadata(),
      { deadline },
    );
    stream.on('data', (message: WireJwtBundlesResponse) => {
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
      reject(
        new WorkloadApiError(
          'JWT_BUNDLE_INVALID',
          'the SPIFFE Workload API ended the FetchJWTBundles stream without sending a bundle',
        ),
      );
    });
  });
}
