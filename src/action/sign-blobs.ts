import * as core from '@actions/core';
import { isAbsolute, resolve } from 'node:path';
import {
  checkFilesFound,
  checkPublicKeyFile,
  resolveFilePatterns,
  signBlobs,
  SigningError,
  writePublicKey,
  type SignedBlob,
} from '../core/signing/index.ts';
import type { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './inputs.ts';
import { actionsLogger } from './logger.ts';

/** The files sign-blobs names, with if-no-files-found applied. */
export async function resolveBlobFiles(config: ActionConfig, workspace: string): Promise<string[]> {
  const resolved = await resolveFilePatterns(config.signing.blobs, { cwd: workspace, logger: actionsLogger });
  return checkFilesFound(resolved, config.signing.ifNoFilesFound, actionsLogger);
}

/** Signs the files, writes the public key, and publishes outputs and a summary. */
export async function signBlobFiles(options: {
  readonly config: ActionConfig;
  readonly signer: TransitSigner;
  readonly files: readonly string[];
  readonly workspace: string;
}): Promise<void> {
  const { config, signer, files, workspace } = options;
  const { signing } = config;
  core.info(
    `Signing ${files.length} file(s) with ${signer.transitPath}/keys/${signer.transitKey} version ${signer.keyVersion}`,
  );
  const signatureDir = signing.signatureDir ? absolute(signing.signatureDir, workspace) : '';
  const publicKey = {
    dir: signatureDir || workspace,
    keyName: signing.transitKey,
    keyVersion: signer.keyVersion,
    publicKeyPem: signer.publicKeyPem,
  };
  await checkPublicKeyFile(publicKey); // before signing: never orphan the signatures an older key verifies
  let signed: readonly SignedBlob[];
  try {
    signed = await signBlobs({ files, signer, signatureDir, writeBundle: signing.bundle, logger: actionsLogger });
  } catch (error: unknown) {
    // What was signed before the failure stays valid: say so, in the outputs too.
    if (error instanceof SigningError && error.signed.length > 0) {
      setSignedBlobsOutput(error.signed);
      core.warning(`${error.signed.length} file(s) were signed before the failure; their signatures are valid.`);
    }
    throw error;
  }
  const publicKeyPath = await writePublicKey(publicKey);
  setSignedBlobsOutput(signed);
  core.setOutput('public-key-path', publicKeyPath);
  core.info(`Signed ${signed.length} file(s); public key of version ${signer.keyVersion} in ${publicKeyPath}`);
  await writeSummary(signed, signer, publicKeyPath, workspace);
}

function setSignedBlobsOutput(signed: readonly SignedBlob[]): void {
  const list = signed.map((blob) => ({
    path: blob.path,
    sha256: blob.sha256,
    signature: blob.signaturePath,
    ...(blob.bundlePath ? { bundle: blob.bundlePath } : {}),
    keyVersion: blob.keyVersion,
  }));
  core.setOutput('signed-blobs', JSON.stringify(list));
}

async function writeSummary(
  signed: readonly SignedBlob[],
  signer: TransitSigner,
  publicKeyPath: string,
  workspace: string,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const shown = signed.slice(0, 100);
  const relative = (path: string) => (path.startsWith(`${workspace}/`) ? path.slice(workspace.length + 1) : path);
  await core.summary
    .addHeading(
      `Signed ${signed.length} file(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
      3,
    )
    .addTable([
      [
        { data: 'File', header: true },
        { data: 'SHA-256', header: true },
        { data: 'Signature', header: true },
      ],
      ...shown.map((blob) => [relative(blob.path), blob.sha256, relative(blob.signaturePath)]),
    ])
    .addRaw(
      signed.length > shown.length ? `…and ${signed.length - shown.length} more (see the signed-blobs output)\n` : '',
    )
    .addRaw(
      `\nVerify: \`cosign verify-blob --key ${relative(publicKeyPath)} --signature FILE.sig --insecure-ignore-tlog=true FILE\`\n`,
    )
    .write();
}

function absolute(path: string, base: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}
