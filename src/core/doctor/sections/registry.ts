/**
 * Registry checks, for the images named (none: no checks): each reference parses; per registry
 * host, `/v2/` answers, credentials are found (or not needed), and for each repository a push is
 * allowed. Credentials and tokens are never shown; only where they came from.
 */
import { describeError } from '../../errors.ts';
import { RegistryClient } from '../../oci/client.ts';
import { parseImageReference, type ImageReference } from '../../oci/reference.ts';
import { createHttpSend } from '../../oci/transport.ts';
import { fail, skip } from '../check.ts';
import { DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorContext, type DoctorSection } from '../plan.ts';
import { checkCredentials, checkPush } from './registry-access.ts';
import { checkReachable } from './registry-reachable.ts';

export const REGISTRY_CHECK_IDS = [
  'registry.reference',
  'registry.reachable',
  'registry.credentials',
  'registry.push',
] as const;

export const registrySection: DoctorSection = {
  area: 'registry',
  checks: REGISTRY_CHECK_IDS,
  async run(ctx) {
    const repositories = repositoriesByHost(ctx);
    if (!repositories.size) return;
    const options = ctx.plan.registry;
    const client = new RegistryClient({
      ...options,
      retryDeadlineMs: DEFAULT_DOCTOR_TIMEOUT_MS,
      requestTimeoutMs: DEFAULT_DOCTOR_TIMEOUT_MS,
    });
    const send =
      options.send ??
      createHttpSend({
        requestTimeoutMs: DEFAULT_DOCTOR_TIMEOUT_MS,
        ...(options.proxyEnv ? { proxyEnv: options.proxyEnv } : {}),
        ...(options.caCert ? { caCert: options.caCert } : {}),
      });
    for (const [host, names] of repositories) {
      const reachable = await checkReachable(send, { host, baseUrl: client.baseUrl(host) });
      ctx.add(reachable.check);
      if (!reachable.scheme) {
        ctx.add(skip('registry.push', 'push allowed', `${host}: needs the registry to answer`));
        continue;
      }
      const credentials = await checkCredentials(client, {
        host,
        scheme: reachable.scheme,
        dockerConfigDir: options.dockerConfigDir,
      });
      ctx.add(credentials.check);
      for (const repository of names) {
        ctx.add(
          credentials.canPush
            ? await checkPush(client, { registry: host, repository })
            : skip('registry.push', 'push allowed', `${host}/${repository}: needs credentials`),
        );
      }
    }
  },
};

/** The repositories to push to, per registry host, in the order named; bad references fail here. */
function repositoriesByHost(ctx: DoctorContext): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const image of ctx.plan.images) {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch (error: unknown) {
      ctx.add(fail('registry.reference', 'image reference', describeError(error), { code: 'IMAGE_REFERENCE_INVALID' }));
      continue;
    }
    const names = byHost.get(ref.registry) ?? [];
    if (!names.includes(ref.repository)) names.push(ref.repository);
    byHost.set(ref.registry, names);
  }
  return byHost;
}
