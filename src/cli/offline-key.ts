/**
 * The `--key` of the offline verify commands (verify-blob, verify-image, verify-attestation): a
 * public key PEM file (or PEM text), never a KMS reference. Checked at once; read and parsed when
 * the command gets to it.
 */
import type { KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { readPem } from '../core/parse.ts';
import type { FlagValues } from './args.ts';
import { flagString } from './config.ts';

/** The flag's value; `command` and `fix` complete the error for a KMS reference. */
export function offlineKeyFlag(values: FlagValues, command: string, fix: string): string {
  const keyFlag = flagString(values, 'key');
  if (!keyFlag) throw new InputError('--key: required — give the public key file, e.g. --key cosign.pub');
  if (/^[a-z][\w+.-]*:\/\//i.test(keyFlag)) {
    throw new InputError(`--key: '${keyFlag}' is a KMS reference; ${command} is offline — ${fix}`);
  }
  return keyFlag;
}

/** The ECDSA P-256 public key the flag names (a file relative to `cwd`, or PEM text). */
export async function loadOfflineKey(keyFlag: string, cwd: string): Promise<KeyObject> {
  const { parseP256PublicKey } = await import('./offline-verify.ts');
  const pem = readPem('--key', keyFlag.startsWith('-----BEGIN ') ? keyFlag : resolve(cwd, keyFlag));
  return parseP256PublicKey('--key', pem);
}
