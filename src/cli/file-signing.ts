/**
 * What sign-blob and attest-blob share: open the transit key (pinning its version), sign the
 * files and/or attest them, write the public key, report on stderr and (with --json) stdout.
 */
import type { WrittenAttestation } from '../core/attest/file-attestations.ts';
import { InputError } from '../core/errors.ts';
import type { AttestationRequest } from '../core/options/config.ts';
import type { SignedBlob } from '../core/signing/types.ts';
import type { VaultClient } from '../core/vault/client.ts';
import type { TokenProvider } from '../core/vault/session.ts';
import { printJson, type CommandContext } from './command.ts';
import type { BlobSigningConfig } from './config.ts';
import type { TokenIdentity } from './signing-session.ts';

export interface FileAttestationConfig {
  readonly requests: readonly AttestationRequest[];
  /** --attestation-name; '' for the defaults. */
  readonly name: string;
}

export interface SignFilesOptions {
  readonly ctx: CommandContext;
  readonly signing: BlobSigningConfig;
  readonly files: readonly string[];
  readonly json: boolean;
  readonly client: VaultClient;
  readonly tokens: TokenProvider;
  readonly identity: TokenIdentity;
  readonly attestations: FileAttestationConfig;
  /** sign-blob writes FILE.sig and FILE.sigstore.json; attest-blob attestations only. */
  readonly signatures: boolean;
}

export async function signFiles(options: SignFilesOptions): Promise<void> {
  const { ctx, signing, files, json, client, tokens, attestations } = options;
  const { checkPublicKeyFile, SigningError, writePublicKey } = await import('../core/signing/index.ts');
  const { attestationPaths } = await import('../core/attest/file-names.ts');
  const { signAndAttestFiles } = await import('../core/attest/files-run.ts');
  const { TransitSigner } = await import('../core/vault/transit.ts');
  const signer = await TransitSigner.open({
    client,
    tokens,
    transitPath: signing.transitPath,
    transitKey: signing.transitKey,
    ...(signing.keyVersion !== undefined ? { keyVersion: signing.keyVersion } : {}),
    logger: ctx.logger,
  });
  const publicKey = {
    dir: signing.signatureDir || ctx.cwd,
    keyName: signing.transitKey,
    keyVersion: signer.keyVersion,
    publicKeyPem: signer.publicKeyPem,
  };
  await checkPublicKeyFile(publicKey); // before signing: never orphan the signatures an older key verifies
  ctx.logger.info(
    `${options.signatures ? 'Signing' : 'Attesting'} ${files.length} file(s) with ${signing.transitPath}/keys/${signing.transitKey} version ${signer.keyVersion}`,
  );
  const result = (
    signed: readonly SignedBlob[],
    attested: readonly WrittenAttestation[] | undefined,
    publicKeyPath?: string,
  ) => ({
    transitPath: signing.transitPath,
    transitKey: signing.transitKey,
    keyVersion: signer.keyVersion,
    ...(publicKeyPath ? { publicKeyPath } : {}),
    ...(options.signatures
      ? {
          files: signed.map((blob) => ({
            path: blob.path,
            sha256: blob.sha256,
            size: blob.size,
            signature: blob.signaturePath,
            ...(blob.bundlePath ? { bundle: blob.bundlePath } : {}),
            keyVersion: blob.keyVersion,
          })),
        }
      : {}),
    ...(attested && attestations.requests.length > 0
      ? {
          attestations: attested.map((a) => ({
            path: a.path,
            predicateType: a.predicateType,
            subjects: a.subjects,
            keyVersion: a.keyVersion,
          })),
        }
      : {}),
  });
  const requests = attestations.requests;
  const builderId = options.identity.spiffeId;
  if (!builderId && requests.some((r) => r.predicate.kind === 'provenance')) {
    throw new InputError('--provenance: the SPIFFE ID of the token is unknown — give --role');
  }
  let outcome: { readonly signed: readonly SignedBlob[]; readonly attestations: readonly WrittenAttestation[] };
  try {
    outcome = await signAndAttestFiles({
      files,
      signer,
      signatures: options.signatures ? { signatureDir: signing.signatureDir, writeBundle: signing.bundle } : undefined,
      attestations: {
        requests,
        paths: attestationPaths(requests, { dir: signing.signatureDir || ctx.cwd, name: attestations.name }),
        context: { builderId: builderId ?? '', env: ctx.env },
        base: ctx.cwd,
      },
      logger: ctx.logger,
    });
  } catch (error: unknown) {
    // What was signed before the failure stays valid: say which.
    if (error instanceof SigningError && error.signed.length > 0) {
      ctx.logger.warning(`${error.signed.length} file(s) were signed before the failure; their signatures are valid.`);
      if (json) printJson(ctx, { ...result(error.signed, undefined), complete: false });
    }
    throw error;
  }
  const publicKeyPath = await writePublicKey(publicKey);
  reportSigned(ctx, { ...outcome, files, publicKeyPath, keyVersion: signer.keyVersion });
  if (json) printJson(ctx, { ...result(outcome.signed, outcome.attestations, publicKeyPath), complete: true });
}

const LISTED_FILES = 20;

function reportSigned(
  ctx: CommandContext,
  outcome: {
    readonly signed: readonly SignedBlob[];
    readonly attestations: readonly WrittenAttestation[];
    readonly files: readonly string[];
    readonly publicKeyPath: string;
    readonly keyVersion: number;
  },
): void {
  const { signed, attestations, publicKeyPath, keyVersion } = outcome;
  const lines =
    signed.length > 0
      ? [`Signed ${signed.length} file(s); public key of version ${keyVersion} in ${publicKeyPath}`]
      : [`Attested ${outcome.files.length} file(s); public key of version ${keyVersion} in ${publicKeyPath}`];
  for (const blob of signed.slice(0, LISTED_FILES)) lines.push(`  ${blob.signaturePath}`);
  if (signed.length > LISTED_FILES) lines.push(`  …and ${signed.length - LISTED_FILES} more (see --json)`);
  for (const attestation of attestations) lines.push(`  ${attestation.path} (${attestation.predicateType})`);
  const first = signed[0];
  if (first) {
    lines.push(
      `Verify: spiffe-vault verify-blob --key ${publicKeyPath} --signature ${first.signaturePath} ${first.path}`,
      `    or: cosign verify-blob --key ${publicKeyPath} --signature ${first.signaturePath} --insecure-ignore-tlog=true ${first.path}`,
    );
  }
  const attestation = attestations[0];
  const file = outcome.files[0];
  if (attestation && file) {
    lines.push(
      `Verify: spiffe-vault verify-attestation --key ${publicKeyPath} --type ${attestation.predicateType} --bundle ${attestation.path} ${file}`,
      `    or: cosign verify-blob-attestation --key ${publicKeyPath} --type ${attestation.predicateType} --insecure-ignore-tlog=true --bundle ${attestation.path} ${file}`,
    );
  }
  ctx.logger.info(lines.join('\n'));
}
