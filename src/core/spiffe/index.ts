/** The SPIFFE area's public surface: Workload API client, addresses, SPIFFE IDs, JWT-SVID checks. */
export {
  DEFAULT_AGENT_SOCKET,
  MAX_UNIX_SOCKET_PATH_BYTES,
  parseWorkloadApiAddress,
  type WorkloadApiAddress,
} from './address.ts';
export {
  DEFAULT_WORKLOAD_API_CALL_TIMEOUT_MS,
  DEFAULT_WORKLOAD_API_RETRY_POLICY,
  DEFAULT_WORKLOAD_API_TIMEOUT_MS,
  SECURITY_HEADER,
  WorkloadApiClient,
  type FetchJwtSvidOptions,
  type WorkloadApiClientOptions,
} from './client.ts';
export { WorkloadApiError, redactJwts, type WorkloadApiErrorCode } from './errors.ts';
export {
  DEFAULT_JWT_CLOCK_TOLERANCE_SEC,
  JWT_SVID_ALGORITHMS,
  decodeJwtSvidClaims,
  verifyJwtSvid,
  type JwtBundles,
  type JwtSvid,
  type VerifiedJwtSvid,
  type VerifyJwtSvidOptions,
} from './jwt-svid.ts';
export { parseSpiffeId, parseTrustDomain, type SpiffeId } from './spiffe-id.ts';
export { parseJwtBundlesResponse, parseJwtSvidResponse } from './wire.ts';
export {
  parseX509BundlesResponse,
  parseX509SvidResponse,
  splitDerCertificates,
  type X509Bundles,
  type X509Svid,
} from './x509-svid.ts';
