/**
 * The Workload API client, loaded at the first fetch rather than at start-up: gRPC's modules
 * take ~20 ms to initialise, and an image run's registry reads (started before the login) are
 * already in flight by then, so the two overlap.
 */
import type { WorkloadApiClient, WorkloadApiClientOptions } from '../spiffe/client.ts';
import type { JwtSvidSource } from './jwt-svid-login.ts';
import type { X509SvidSource } from './x509-svid-login.ts';

export function lazyWorkloadApiClient(options: WorkloadApiClientOptions): JwtSvidSource & X509SvidSource {
  let client: Promise<WorkloadApiClient> | undefined;
  const loaded = () =>
    (client ??= import('../spiffe/client.ts').then(({ WorkloadApiClient }) => new WorkloadApiClient(options)));
  return {
    fetchJwtSvid: async (request) => (await loaded()).fetchJwtSvid(request),
    fetchX509Svid: async (request) => (await loaded()).fetchX509Svid(request),
    close: () =>
      void client?.then(
        (loadedClient) => loadedClient.close(),
        () => undefined,
      ),
  };
}
