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
  let closed = false;
  const loaded = () =>
    (client ??= import('../spiffe/client.ts').then(({ WorkloadApiClient }) => {
      const made = new WorkloadApiClient(options);
      // Closed before it was made: closed at once too, as a made client would have been.
      if (closed) made.close();
      return made;
    }));
  return {
    fetchJwtSvid: async (request) => (await loaded()).fetchJwtSvid(request),
    fetchX509Svid: async (request) => (await loaded()).fetchX509Svid(request),
    close: () => {
      closed = true;
      void client?.then(
        (made) => made.close(),
        () => undefined,
      );
    },
  };
}
