/** The JWT bundle of one trust domain, as the Workload API sends it (FetchJWTBundles). */
import type { JSONWebKeySet } from 'jose';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { WorkloadApiClient } from '../spiffe/client.ts';
import { parseSpiffeId } from '../spiffe/spiffe-id.ts';

export interface TrustDomainJwksRequest {
  /** A `SPIFFE_ENDPOINT_SOCKET` value. */
  readonly address: string;
  /** Any SPIFFE ID of the trust domain (the role's bound subject). */
  readonly spiffeId: string;
  readonly logger?: Logger;
  readonly timeoutMs?: number;
}

export async function fetchTrustDomainJwks(request: TrustDomainJwksRequest): Promise<JSONWebKeySet> {
  const { trustDomainId } = parseSpiffeId(request.spiffeId);
  const client = new WorkloadApiClient({
    address: request.address,
    ...(request.logger ? { logger: request.logger } : {}),
    ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
  });
  try {
    const bundles = await client.fetchJwtBundles();
    const bundle = bundles.get(trustDomainId);
    if (!bundle) {
      throw new InputError(
        `the Workload API at ${request.address} sent no JWT bundle for ${trustDomainId} ` +
          `(it has: ${[...bundles.keys()].join(', ') || 'none'}) — check the SPIFFE ID's trust domain, ` +
          'or give the keys with --trust-domain-bundle FILE or --jwks-url URL',
      );
    }
    return bundle;
  } finally {
    client.close();
  }
}
