import { WorkloadApiClient } from '../core/spiffe/client.ts';
import type { Logger } from '../core/logger.ts';
import type { ActionConfig } from './inputs.ts';

export function createWorkloadApiClient(config: ActionConfig, logger: Logger): WorkloadApiClient {
  return new WorkloadApiClient({ address: config.socketAddress, logger, timeoutMs: config.timeoutMs });
}
