// The Workload API service as @grpc/proto-loader reads it from proto/workload.proto: a codec
// independent of the client's generated one, for the tests' own servers and raw calls.
import { join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const PROTO = join(import.meta.dirname, '..', '..', 'proto', 'workload.proto');

let service: ServiceDefinition | undefined;

export function workloadApiService(): ServiceDefinition {
  service ??= loadSync(PROTO, { keepCase: true, longs: String, enums: String, defaults: true })[
    'SpiffeWorkloadAPI'
  ] as unknown as ServiceDefinition;
  return service;
}
