/**
 * sign-blobs and sign-images: one transit signer (one key version) for everything signed, and
 * the attestations about it.
 */
import type { StatementContext } from '../core/attest/requests.ts';
import type { VaultClient } from '../core/vault/client.ts';
import type { TokenProvider } from '../core/vault/session.ts';
import { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';
import { resolveBlobFiles, signBlobFiles } from './sign-blobs.ts';
import { signImageReferences } from './sign-images.ts';
import type { ImageReads } from '../core/signing/images.ts';

export async function signStep(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  /** Hands out the token for each Vault request, logging in again when it runs out. */
  readonly session: TokenProvider;
  /** The client the login used: one connection pool to Vault for the whole run. */
  readonly vault: VaultClient;
  readonly workspace: string;
  /** The SPIFFE ID the token was issued for: the builder of the provenance. */
  readonly spiffeId: string;
  /** sign-images' registry reads, started before the login. */
  readonly imageReads?: ImageReads;
}): Promise<void> {
  const { runner, config, session, vault, workspace } = options;
  const files = config.blobs.length > 0 ? await resolveBlobFiles({ runner, config, workspace }) : [];
  if (files.length === 0 && config.images.length === 0) return;

  const signer = await TransitSigner.open({
    client: vault,
    tokens: session,
    transitPath: config.transit.transitPath,
    transitKey: config.transit.transitKey,
    ...(config.transit.keyVersion !== undefined ? { keyVersion: config.transit.keyVersion } : {}),
    logger: runner,
  });
  runner.setOutput('key-version', String(signer.keyVersion));
  runner.setOutput('public-key', signer.publicKeyPem);
  // What every statement of the run is built from (config.attestations says which to sign).
  // Only the CI variables provenance.ts names are read from the environment.
  const attestation: StatementContext = { builderId: options.spiffeId, env: runner.env };
  if (files.length > 0) await signBlobFiles({ runner, config, signer, files, workspace, attestation });
  if (config.images.length > 0) {
    const { spiffeId, imageReads } = options;
    await signImageReferences({ runner, config, signer, spiffeId, ...(imageReads ? { reads: imageReads } : {}) });
  }
}
