/**
 * `spiffe-vault verify-blob`: check a file against its .sig or Sigstore bundle with a public key,
 * offline.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parseCommandFlags, printJson, type Command } from '../command.ts';
import { loadOfflineKey, offlineKeyFlag } from '../offline-key.ts';
import { flagString } from '../config.ts';
import { codeOf } from '../errors.ts';
import { OUTPUT_FLAGS, VERIFY_FLAGS } from '../flags.ts';

export const verifyBlobCommand: Command = {
  name: 'verify-blob',
  summary: 'check a file against its .sig or Sigstore bundle with a public key, offline',
  usage: [
    'spiffe-vault verify-blob --key KEY.pub --signature FILE.sig FILE',
    'spiffe-vault verify-blob --key KEY.pub --bundle FILE.sigstore.json FILE',
  ],
  description: [
    'Checks offline (no Vault, no network) what sign-blob or `cosign sign-blob` wrote with an ECDSA',
    'P-256 key: a .sig (base64 DER signature over SHA-256 of FILE), or a key-based Sigstore bundle',
    '(checked with @sigstore/verify; no transparency log entry is expected). After a key rotation,',
    'give the public key of the version that signed (sign-blob writes it next to the signatures).',
  ].join('\n'),
  groups: [VERIFY_FLAGS, OUTPUT_FLAGS],
  examples: [
    'spiffe-vault verify-blob --key cosign.pub --signature app.tar.gz.sig app.tar.gz',
    'spiffe-vault verify-blob --key cosign.pub --bundle app.tar.gz.sigstore.json app.tar.gz',
    'spiffe-vault verify-blob --json --key cosign.pub --bundle a.bin.sigstore.json a.bin | jq .verified',
  ],
  exitCodes: [
    '0 the signature is valid',
    '1 it is not (or the check failed)',
    '2 bad usage (a wrong or missing flag or file)',
  ],
  async run(ctx) {
    const flags = parseCommandFlags(this, ctx);
    if (!flags) return 0;
    const keyFlag = offlineKeyFlag(flags.values, 'verify-blob', 'give the KEY.pub file that sign-blob wrote');
    const signaturePath = flagString(flags.values, 'signature');
    const bundlePath = flagString(flags.values, 'bundle');
    if (Boolean(signaturePath) === Boolean(bundlePath)) {
      throw new InputError('--signature or --bundle: give exactly one — e.g. --signature app.tar.gz.sig');
    }
    if (flags.positionals.length !== 1) {
      throw new InputError(`FILE: give exactly one file to check (got ${flags.positionals.length})`);
    }
    const file = resolve(ctx.cwd, flags.positionals[0] as string);
    await assertFile('FILE', file);
    const evidence = signaturePath
      ? { flag: '--signature', path: signaturePath }
      : { flag: '--bundle', path: bundlePath };
    const evidenceText = await readText(evidence.flag, resolve(ctx.cwd, evidence.path));

    const verify = await import('../offline-verify.ts');
    const key = await loadOfflineKey(keyFlag, ctx.cwd);
    const json = flags.values.json === true;
    try {
      const { sha256 } = signaturePath
        ? await verify.verifySignatureFile({ file, signatureText: evidenceText, key })
        : await verify.verifyBundleFile({ file, bundleText: evidenceText, key });
      ctx.logger.info(`Verified OK: ${file} (sha256 ${sha256})`);
      if (json)
        printJson(ctx, { verified: true, file, sha256, [signaturePath ? 'signature' : 'bundle']: evidence.path });
      return 0;
    } catch (error: unknown) {
      if (json) printJson(ctx, { verified: false, file, code: codeOf(error) });
      throw error;
    }
  },
};

async function assertFile(name: string, path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error: unknown) {
    throw new InputError(`${name}: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!isFile) throw new InputError(`${name}: '${path}' is not a file`);
}

async function readText(name: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new InputError(`${name}: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
