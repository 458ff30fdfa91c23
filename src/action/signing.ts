import * as core from '@actions/core';
import type { VaultClient } from '../core/vault/client.ts';
import type { TokenProvider } from '../core/vault/session.ts';
import { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './inputs.ts';
import { actionsLogger } from './logger.ts';
import { resolveBlobFiles, signBlobFiles } from './sign-blobs.ts';
import { signImageReferences } from './sign-images.ts';

/** sign-blobs and sign-images: one transit signer (one key version) for everything signed. */
export async function signStep(options: {
  readonly config: ActionConfig;
  /** Hands out the token for each Vault request, logging in again when it runs out. */
  readonly session: TokenProvider;
  /** The client the login used: one connection pool to Vault for the whole run. */
  readonly vault: VaultClient;
}): Promise<void> {
  const { config, session, vault } = options;
  const { signing } = config;
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  const files = signing.blobs.length > 0 ? await resolveBlobFiles(config, workspace) : [];
  if (files.length === 0 && signing.images.length === 0) return;

  const signer = await TransitSigner.open({
    client: vault,
    tokens: session,
    transitPath: signing.transitPath,
    transitKey: signing.transitKey,
    ...(signing.keyVersion !== undefined ? { keyVersion: signing.keyVersion } : {}),
    logger: actionsLogger,
  });
  core.setOutput('key-version', String(signer.keyVersion));
  core.setOutput('public-key', signer.publicKeyPem);
  if (files.length > 0) await signBlobFiles({ config, signer, files, workspace });
  if (signing.images.length > 0) await signImageReferences({ config, signer });
}
