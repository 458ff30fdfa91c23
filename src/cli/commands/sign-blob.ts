/**
 * `spiffe-vault sign-blob`: sign files with the transit key (FILE.sig, FILE.sigstore.json,
 * KEY.pub).
 */
import type { SignedBlob } from '../../core/signing/types.ts';
import type { VaultClient } from '../../core/vault/client.ts';
import type { TokenProvider } from '../../core/vault/session.ts';
import { parseCommandFlags, printJson, type Command, type CommandContext } from '../command.ts';
import { parseSigningConfig, parseVaultConfig, type BlobSigningConfig } from '../config.ts';
import { LOGIN_FLAGS, OUTPUT_FLAGS, SIGNING_FLAGS, VAULT_FLAGS } from '../flags.ts';
import { prepareSigningTokens, withSigningTokens } from '../signing-session.ts';

export const signBlobCommand: Command = {
  name: 'sign-blob',
  summary: 'sign files with a Vault transit key: cosign-compatible FILE.sig and FILE.sigstore.json',
  usage: ['spiffe-vault sign-blob [--role ROLE | with $VAULT_TOKEN] [flags] FILE|GLOB...'],
  description: [
    'Signs each file (globs: *, **, ?, [..], {a,b}; !PATTERN excludes) with the transit key, all',
    'with one pinned key version: writes FILE.sig (base64 DER, as `cosign sign-blob` writes it),',
    'FILE.sigstore.json (a Sigstore bundle) and KEY.pub (the public key of that version), as the',
    "GitHub action's sign-blobs input does. With --role it logs in with the SPIFFE identity (again",
    'when a short token expires) and revokes its tokens at the end; without --role it uses',
    '$VAULT_TOKEN (e.g. inside `spiffe-vault exec`) and leaves it alone. A summary goes to stderr;',
    '--json prints the result on stdout.',
  ].join('\n'),
  groups: [SIGNING_FLAGS, LOGIN_FLAGS, VAULT_FLAGS, OUTPUT_FLAGS],
  examples: [
    "spiffe-vault sign-blob --role ci 'dist/*.tar.gz' '!dist/*-debug.tar.gz'",
    'spiffe-vault sign-blob --role ci --signature-dir sigs --bundle=false --key-version 2 app.bin',
    "spiffe-vault exec --role ci -- spiffe-vault sign-blob --json 'out/**' > signed.json",
    'cosign verify-blob --key cosign.pub --signature app.bin.sig --insecure-ignore-tlog=true app.bin',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const signing = parseSigningConfig(flags.values, { env: ctx.env, positionals: flags.positionals, cwd: ctx.cwd });
    const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
    const tokens = prepareSigningTokens(ctx, { values: flags.values, vault });
    const json = flags.values.json === true;

    // Resolve the files before logging in: when nothing matches, no token is minted.
    const { checkFilesFound, resolveFilePatterns } = await import('../../core/signing/patterns.ts');
    const resolved = await resolveFilePatterns(signing.patterns, { cwd: ctx.cwd, logger: ctx.logger });
    const files = checkFilesFound(resolved, { ifNoFilesFound: signing.ifNoFilesFound, logger: ctx.logger });
    if (files.length === 0) {
      ctx.logger.info('Nothing to sign.');
      if (json) printJson(ctx, { files: [] });
      return 0;
    }
    await withSigningTokens(ctx, {
      tokens,
      sign: (client, provider) => signFiles({ ctx, signing, files, json, client, tokens: provider }),
    });
    return 0;
  },
};

interface SignFilesOptions {
  readonly ctx: CommandContext;
  readonly signing: BlobSigningConfig;
  readonly files: readonly string[];
  readonly json: boolean;
  readonly client: VaultClient;
  readonly tokens: TokenProvider;
}

/** Opens the transit key (pinning its version), signs, writes the public key, reports. */
async function signFiles({ ctx, signing, files, json, client, tokens }: SignFilesOptions): Promise<void> {
  const { checkPublicKeyFile, SigningError, signBlobs, writePublicKey } = await import('../../core/signing/index.ts');
  const { TransitSigner } = await import('../../core/vault/transit.ts');
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
    `Signing ${files.length} file(s) with ${signing.transitPath}/keys/${signing.transitKey} version ${signer.keyVersion}`,
  );
  const result = (signed: readonly SignedBlob[], publicKeyPath?: string) => ({
    transitPath: signing.transitPath,
    transitKey: signing.transitKey,
    keyVersion: signer.keyVersion,
    ...(publicKeyPath ? { publicKeyPath } : {}),
    files: signed.map((blob) => ({
      path: blob.path,
      sha256: blob.sha256,
      size: blob.size,
      signature: blob.signaturePath,
      ...(blob.bundlePath ? { bundle: blob.bundlePath } : {}),
      keyVersion: blob.keyVersion,
    })),
  });
  let signed: readonly SignedBlob[];
  try {
    signed = await signBlobs({
      files,
      signer,
      signatureDir: signing.signatureDir,
      writeBundle: signing.bundle,
      logger: ctx.logger,
    });
  } catch (error: unknown) {
    // What was signed before the failure stays valid: say which.
    if (error instanceof SigningError && error.signed.length > 0) {
      ctx.logger.warning(`${error.signed.length} file(s) were signed before the failure; their signatures are valid.`);
      if (json) printJson(ctx, { ...result(error.signed), complete: false });
    }
    throw error;
  }
  const publicKeyPath = await writePublicKey(publicKey);
  reportSigned(ctx, { signed, publicKeyPath, keyVersion: signer.keyVersion });
  if (json) printJson(ctx, { ...result(signed, publicKeyPath), complete: true });
}

const LISTED_FILES = 20;

function reportSigned(
  ctx: CommandContext,
  outcome: { readonly signed: readonly SignedBlob[]; readonly publicKeyPath: string; readonly keyVersion: number },
): void {
  const { signed, publicKeyPath, keyVersion } = outcome;
  const lines = [`Signed ${signed.length} file(s); public key of version ${keyVersion} in ${publicKeyPath}`];
  for (const blob of signed.slice(0, LISTED_FILES)) lines.push(`  ${blob.signaturePath}`);
  if (signed.length > LISTED_FILES) lines.push(`  …and ${signed.length - LISTED_FILES} more (see --json)`);
  const first = signed[0];
  if (first) {
    lines.push(
      `Verify: spiffe-vault verify-blob --key ${publicKeyPath} --signature ${first.signaturePath} ${first.path}`,
      `    or: cosign verify-blob --key ${publicKeyPath} --signature ${first.signaturePath} --insecure-ignore-tlog=true ${first.path}`,
    );
  }
  ctx.logger.info(lines.join('\n'));
}
