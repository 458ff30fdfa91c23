/** How the action reaches registries: the Docker config, insecure hosts, the proxy variables. */
import type { RegistryClientOptions } from '../core/oci/client.ts';
import { defaultDockerConfigDir } from '../core/oci/docker-config.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';

/** The registry client options of sign-images (and of the checks of its registries). */
export function registryClientOptions(
  runner: ActionRunner,
  config: ActionConfig,
  retryDeadlineMs: number = config.connection.timeoutMs,
): RegistryClientOptions {
  return {
    dockerConfigDir: defaultDockerConfigDir(runner.env),
    insecureHosts: config.imageSigning.registryInsecure,
    proxyEnv: runner.env,
    logger: runner,
    retryDeadlineMs,
  };
}
