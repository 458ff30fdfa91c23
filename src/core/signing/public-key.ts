/**
 * `<key>.pub`: the public key of the transit key version that signed, written next to the
 * signatures under the name cosign gives keys (`cosign verify-blob --key cosign.pub …`). A file
 * of that name holding another key (an older version's, after a rotation, or a key kept in the
 * repository) is never overwritten: the signatures it verifies would be orphaned.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPublicKeyPem, spkiDer } from '../ecdsa.ts';
import { describeError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { OUTPUT_FILE_MODE } from './blob-signing.ts';
import { describeFsError, SigningError } from './errors.ts';

export interface WritePublicKeyOptions {
  /** Directory to write into (must exist when writing). */
  readonly dir: string;
  /** The transit key name (no slashes). */
  readonly keyName: string;
  /** The key version that signs in this run. */
  readonly keyVersion: number;
  readonly publicKeyPem: string;
}

/** `<key>.pub`, as cosign names public keys; the version it holds is in the run's outputs. */
export function publicKeyFileName(keyName: string): string {
  return `${keyName}.pub`;
}

/**
 * Before anything is signed: the path `<dir>/<key>.pub` will have, refused with
 * `PUBLIC_KEY_CONFLICT` when a file there holds another key (or no public key at all).
 */
export async function checkPublicKeyFile(options: WritePublicKeyOptions): Promise<string> {
  const { path, key } = checkedTarget(options);
  await existingKeyIsOurs({ path, key, options });
  return path;
}

/**
 * Writes the PEM of the key version that signed as `<dir>/<key>.pub`, unless the file already
 * holds that key (then it is left as it is); refuses (`PUBLIC_KEY_CONFLICT`) to replace another
 * key. Returns the path, for `cosign verify-blob --key <path>`.
 */
export async function writePublicKey(options: WritePublicKeyOptions): Promise<string> {
  const { path, key } = checkedTarget(options);
  if (await existingKeyIsOurs({ path, key, options })) return path;
  const pem = options.publicKeyPem.endsWith('\n') ? options.publicKeyPem : `${options.publicKeyPem}\n`;
  try {
    await writeFileAtomic(path, { data: pem, mode: OUTPUT_FILE_MODE });
  } catch (error: unknown) {
    throw new SigningError('OUTPUT_WRITE_FAILED', `cannot write the public key '${path}': ${describeFsError(error)}`, {
      cause: error,
      path,
    });
  }
  return path;
}

function checkedTarget(options: WritePublicKeyOptions): { path: string; key: KeyObject } {
  const { keyName, keyVersion } = options;
  if (keyName === '' || keyName === '.' || keyName === '..' || /[/\\\0]/.test(keyName)) {
    throw new RangeError(`not a transit key name usable as a file name: '${keyName}'`);
  }
  if (!Number.isSafeInteger(keyVersion) || keyVersion <= 0) {
    throw new RangeError(`keyVersion must be a positive integer, got ${keyVersion}`);
  }
  return { path: join(options.dir, publicKeyFileName(keyName)), key: publicKeyFromPem(options.publicKeyPem) };
}

/** A public key PEM, or PUBLIC_KEY_INVALID (a private key, or not a PEM). */
function publicKeyFromPem(pem: string): KeyObject {
  const read = readPublicKeyPem(pem);
  if (read.ok) return read.key;
  if (read.problem === 'private-key') {
    throw new SigningError('PUBLIC_KEY_INVALID', 'a private key was given where a public key PEM was expected');
  }
  throw new SigningError(
    'PUBLIC_KEY_INVALID',
    `not a usable public key PEM (expected '-----BEGIN PUBLIC KEY-----'): ${describeError(read.cause)}`,
    { cause: read.cause },
  );
}

/** true: the file holds this key; false: there is no file; throws when it holds anything else. */
async function existingKeyIsOurs(input: {
  path: string;
  key: KeyObject;
  options: WritePublicKeyOptions;
}): Promise<boolean> {
  const { path, options } = input;
  let existing: string;
  try {
    existing = await readFile(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new SigningError(
      'OUTPUT_WRITE_FAILED',
      `cannot read '${path}' before writing the public key there: ${describeFsError(error)}`,
      {
        cause: error,
        path,
      },
    );
  }
  const read = readPublicKeyPem(existing);
  if (read.ok && spkiDer(read.key).equals(spkiDer(input.key))) return true;
  const holds = read.ok ? 'another public key' : 'something that is not a public key';
  throw new SigningError(
    'PUBLIC_KEY_CONFLICT',
    `'${path}' holds ${holds}, not version ${options.keyVersion} of transit key '${options.keyName}' that signs now ` +
      `(an older version's after a key rotation, or a key kept there on purpose); it is not overwritten, since ` +
      `the signatures it verifies would be left without their key — move it away (keep it with those signatures), ` +
      `or write this run's signatures to another signature directory (signature-dir)`,
    { path },
  );
}
