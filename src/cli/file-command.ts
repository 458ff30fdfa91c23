/**
 * What sign-blob and attest-blob run once their flags are read: resolve the files before any
 * login (no token is minted when nothing matches), then sign and/or attest them with one
 * transit signer. They differ in whether `.sig` files are written.
 */
import type { ParsedFlags } from './args.ts';
import { printJson, type CommandContext } from './command.ts';
import { parseAttestationConfig, parseAttestationName, parseSigningConfig, parseVaultConfig } from './config.ts';
import { signFiles, type FileAttestationConfig } from './file-signing.ts';
import { checkBuilderIdentity, prepareSigningTokens, withSigningTokens } from './signing-session.ts';

/** The attestations the flags ask for (--provenance, --predicate, --type, --attestation-name). */
export function fileAttestations(ctx: CommandContext, flags: ParsedFlags): FileAttestationConfig {
  return {
    requests: parseAttestationConfig(flags.values, { env: ctx.env, cwd: ctx.cwd }),
    name: parseAttestationName(flags.values, ctx.env),
  };
}

export async function runFileSigning(
  ctx: CommandContext,
  input: {
    readonly flags: ParsedFlags;
    readonly attestations: FileAttestationConfig;
    /** sign-blob: signatures and attestations; attest-blob: attestations only. */
    readonly signatures: boolean;
  },
): Promise<number> {
  const { flags, attestations, signatures } = input;
  const signing = parseSigningConfig(flags.values, { env: ctx.env, positionals: flags.positionals, cwd: ctx.cwd });
  const vault = parseVaultConfig(flags.values, { env: ctx.env, cwd: ctx.cwd });
  const tokens = prepareSigningTokens(ctx, { values: flags.values, vault });
  checkBuilderIdentity(ctx, { requests: attestations.requests, tokens });
  const json = flags.values.json === true;

  const { checkFilesFound, resolveFilePatterns } = await import('../core/signing/patterns.ts');
  const resolved = await resolveFilePatterns(signing.patterns, { cwd: ctx.cwd, logger: ctx.logger });
  const files = checkFilesFound(resolved, { ifNoFilesFound: signing.ifNoFilesFound, logger: ctx.logger });
  if (files.length === 0) {
    ctx.logger.info(signatures ? 'Nothing to sign.' : 'Nothing to attest.');
    if (json) printJson(ctx, signatures ? { files: [] } : { attestations: [] });
    return 0;
  }
  await withSigningTokens(ctx, {
    tokens,
    sign: (client, provider, identity) =>
      signFiles({ ctx, signing, files, json, client, tokens: provider, identity, attestations, signatures }),
  });
  return 0;
}
