/**
 * sign-blobs: resolves the patterns, signs the files (and attests them), writes the public key,
 * reports.
 */
import type { WrittenAttestation } from '../core/attest/file-attestations.ts';
import { attestationPaths } from '../core/attest/file-names.ts';
import { signAndAttestFiles } from '../core/attest/files-run.ts';
import type { StatementContext } from '../core/attest/requests.ts';
import {
  checkFilesFound,
  checkPublicKeyFile,
  resolveFilePatterns,
  SigningError,
  writePublicKey,
  type SignedBlob,
} from '../core/signing/index.ts';
import type { TransitSigner } from '../core/vault/transit.ts';
import type { ActionConfig } from './config.ts';
import type { ActionRunner } from './runner.ts';

/** The files sign-blobs names, with if-no-files-found applied. */
export async function resolveBlobFiles(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly workspace: string;
}): Promise<string[]> {
  const { runner, config, workspace } = options;
  const resolved = await resolveFilePatterns(config.blobs, { cwd: workspace, logger: runner });
  return checkFilesFound(resolved, { ifNoFilesFound: config.blobOutput.ifNoFilesFound, logger: runner });
}

/** Signs the files, writes the public key, and publishes outputs and a summary. */
export async function signBlobFiles(options: {
  readonly runner: ActionRunner;
  readonly config: ActionConfig;
  readonly signer: TransitSigner;
  readonly files: readonly string[];
  readonly workspace: string;
  /** What the statements of config.attestations are built from. */
  readonly attestation: StatementContext;
}): Promise<void> {
  const { runner, config, signer, files, workspace } = options;
  const signing = { ...config.blobOutput, transitKey: config.transit.transitKey };
  runner.info(
    `Signing ${files.length} file(s) with ${signer.transitPath}/keys/${signer.transitKey} version ${signer.keyVersion}`,
  );
  const { signatureDir } = signing;
  const publicKey = {
    dir: signatureDir || workspace,
    keyName: signing.transitKey,
    keyVersion: signer.keyVersion,
    publicKeyPem: signer.publicKeyPem,
  };
  await checkPublicKeyFile(publicKey); // before signing: never orphan the signatures an older key verifies
  const requests = config.attestations;
  let signed: readonly SignedBlob[];
  let attestations: readonly WrittenAttestation[];
  try {
    ({ signed, attestations } = await signAndAttestFiles({
      files,
      signer,
      signatures: { signatureDir, writeBundle: signing.bundle },
      attestations: {
        requests,
        paths: attestationPaths(requests, { dir: signatureDir || workspace, name: config.attestationName }),
        context: options.attestation,
        base: workspace,
      },
      logger: runner,
    }));
  } catch (error: unknown) {
    // What was signed before the failure stays valid: say so, in the outputs too.
    if (error instanceof SigningError && error.signed.length > 0) {
      setSignedBlobsOutput(runner, error.signed);
      runner.warning(`${error.signed.length} file(s) were signed before the failure; their signatures are valid.`);
    }
    throw error;
  }
  const publicKeyPath = await writePublicKey(publicKey);
  setSignedBlobsOutput(runner, signed);
  runner.setOutput('public-key-path', publicKeyPath);
  runner.info(`Signed ${signed.length} file(s); public key of version ${signer.keyVersion} in ${publicKeyPath}`);
  await writeSummary(runner, { signed, signer, publicKeyPath, workspace });
  if (requests.length > 0) {
    setAttestationsOutput(runner, attestations);
    await writeAttestationSummary(runner, { attestations, signer, publicKeyPath, workspace, first: signed[0] });
  }
}

function setAttestationsOutput(runner: ActionRunner, attestations: readonly WrittenAttestation[]): void {
  const list = attestations.map((a) => ({
    path: a.path,
    predicateType: a.predicateType,
    subjects: a.subjects,
    keyVersion: a.keyVersion,
  }));
  runner.setOutput('attestations', JSON.stringify(list));
}

function setSignedBlobsOutput(runner: ActionRunner, signed: readonly SignedBlob[]): void {
  const list = signed.map((blob) => ({
    path: blob.path,
    sha256: blob.sha256,
    signature: blob.signaturePath,
    ...(blob.bundlePath ? { bundle: blob.bundlePath } : {}),
    keyVersion: blob.keyVersion,
  }));
  runner.setOutput('signed-blobs', JSON.stringify(list));
}

async function writeAttestationSummary(
  runner: ActionRunner,
  options: {
    readonly attestations: readonly WrittenAttestation[];
    readonly signer: TransitSigner;
    readonly publicKeyPath: string;
    readonly workspace: string;
    readonly first: SignedBlob | undefined;
  },
): Promise<void> {
  const { attestations, signer, publicKeyPath, workspace, first } = options;
  const relative = (path: string) => (path.startsWith(`${workspace}/`) ? path.slice(workspace.length + 1) : path);
  const example = attestations[0];
  const verify =
    example && first
      ? `\nVerify: \`cosign verify-blob-attestation --key ${relative(publicKeyPath)} --type ${example.predicateType} --insecure-ignore-tlog=true --bundle ${relative(example.path)} ${relative(first.path)}\`\n`
      : '';
  await runner.writeSummary({
    heading: `Signed ${attestations.length} attestation(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
    rows: [
      ['Attestation', 'Predicate type', 'Subjects'],
      ...attestations.map((a) => [relative(a.path), a.predicateType, `${a.subjects} file(s)`]),
    ],
    footer: verify,
  });
}

async function writeSummary(
  runner: ActionRunner,
  options: {
    readonly signed: readonly SignedBlob[];
    readonly signer: TransitSigner;
    readonly publicKeyPath: string;
    readonly workspace: string;
  },
): Promise<void> {
  const { signed, signer, publicKeyPath, workspace } = options;
  const shown = signed.slice(0, 100);
  const relative = (path: string) => (path.startsWith(`${workspace}/`) ? path.slice(workspace.length + 1) : path);
  const more =
    signed.length > shown.length ? `…and ${signed.length - shown.length} more (see the signed-blobs output)\n` : '';
  await runner.writeSummary({
    heading: `Signed ${signed.length} file(s) with ${signer.transitPath}/keys/${signer.transitKey} v${signer.keyVersion}`,
    rows: [
      ['File', 'SHA-256', 'Signature'],
      ...shown.map((blob) => [relative(blob.path), blob.sha256, relative(blob.signaturePath)]),
    ],
    footer: `${more}\nVerify: \`cosign verify-blob --key ${relative(publicKeyPath)} --signature FILE.sig --insecure-ignore-tlog=true FILE\`\n`,
  });
}
