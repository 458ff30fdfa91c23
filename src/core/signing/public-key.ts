/** `<key>.pub`: the public key of the transit key version that signed, as cosign names keys. */
import { join } from 'node:path';
import { readPublicKeyPem } from '../ecdsa.ts';
import { describeError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { OUTPUT_FILE_MODE } from './blob-signing.ts';
import { describeFsError, SigningError } from './errors.ts';

export interface WritePublicKeyOptions {
  /** Directory to write into (must exist). */
  readonly dir: string;
  /** The transit key name (no slashes). */
  readonly keyName: string;
  /** The key version that signed in this run. */
  readonly keyVersion: number;
  readonly publicKeyPem: string;
}

/** `<key>.pub`, as cosign names public keys; the version it holds is in the run's outputs. */
export function publicKeyFileName(keyName: string): string {
  return `${keyName}.pub`;
}

/**
 * Writes the PEM of the key version that signed as `<dir>/<key>.pub`. After a rotation old
 * signatures verify only with the old version's key: keep this file with the signatures (the
 * version is also in the run's `key-version` output). Returns the path, for `cosign verify-blob
 * --key <path>`.
 */
export async function writePublicKey(options: WritePublicKeyOptions): Promise<string> {
  const { keyName, keyVersion } = options;
  if (keyName === '' || keyName === '.' || keyName === '..' || /[/\\\0]/.test(keyName)) {
    throw new RangeError(`not a transit key name usable as a file name: '${keyName}'`);
  }
  if (!Number.isSafeInteger(keyVersion) || keyVersion <= 0) {
    throw new RangeError(`keyVersion must be a positive integer, got ${keyVersion}`);
  }
  const read = readPublicKeyPem(options.publicKeyPem); // refuse anything but a public key PEM
  if (!read.ok) {
    throw new SigningError(
      'PUBLIC_KEY_INVALID',
      read.problem === 'private-key'
        ? 'a private key was given where a public key PEM was expected'
        : `not a usable public key PEM (expected '-----BEGIN PUBLIC KEY-----'): ${describeError(read.cause)}`,
      { cause: read.cause },
    );
  }
  const pem = options.publicKeyPem.endsWith('\n') ? options.publicKeyPem : `${options.publicKeyPem}\n`;
  const path = join(options.dir, publicKeyFileName(keyName));
  try {
    await writeFileAtomic(path, pem, { mode: OUTPUT_FILE_MODE });
  } catch (error: unknown) {
    throw new SigningError('OUTPUT_WRITE_FAILED', `cannot write the public key '${path}': ${describeFsError(error)}`, {
      cause: error,
      path,
    });
  }
  return path;
}
