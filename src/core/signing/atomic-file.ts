/**
 * Writing output files atomically (a temporary file renamed into place), so a failure leaves
 * nothing half-written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rm, rename } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';

export interface WriteFileAtomicOptions {
  /** The file's complete new content. */
  readonly data: string | Uint8Array;
  /** File mode, applied with chmod (so the umask does not change it). Default 0o600. */
  readonly mode?: number;
  /**
   * fsync the data before the rename and the directory after it, so a crash (not only a failed
   * process) cannot leave an empty or partial file under the final name. Default true.
   */
  readonly sync?: boolean;
}

export const DEFAULT_ATOMIC_FILE_MODE = 0o600;

/**
 * Writes `options.data` to `path` all-or-nothing: a temp file in the same directory (so the rename
 * stays on one file system), then a rename over `path`. On any error the temp file is removed
 * and the error (an fs error with its `code`) is rethrown; `path` is either untouched or the
 * complete new content.
 */
export async function writeFileAtomic(path: string, options: WriteFileAtomicOptions): Promise<void> {
  const { data } = options;
  const mode = options.mode ?? DEFAULT_ATOMIC_FILE_MODE;
  const sync = options.sync ?? true;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': fail rather than follow anything already at the temp name. Mode 0o600 until chmod.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  // The new content is complete under its name; making the rename durable is best effort
  // (some file systems refuse fsync on a directory).
  if (sync) await syncDirectory(dir).catch(() => undefined);
}

/** fsync a directory so a rename in it is durable. Not possible on Windows: skipped there. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

let tempCounter = 0;

/**
 * The same all-or-nothing write, with synchronous calls and no fsync: for many small files
 * (signatures, bundles) whose loss in an OS crash is harmless, where the promise API's
 * thread-pool round trips would cost more than the writes. `path` must be absolute and
 * normalized (as `path.resolve` returns it).
 */
export function writeSmallFileAtomicSync(
  path: string,
  content: { readonly data: string | Uint8Array; readonly mode: number },
): void {
  const { data, mode } = content;
  // pid + counter is unique enough: 'wx' refuses a name that exists anyway. (A random name per
  // file costs a CSPRNG call each, and path.join a normalization: measurable over thousands.)
  const slash = path.lastIndexOf(sep) + 1;
  const temp = `${path.slice(0, slash)}.${path.slice(slash)}.${process.pid}-${++tempCounter}.tmp`;
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
      // The umask may have taken bits away from the creation mode. (A chmod is cheaper than the
      // fstat that would tell whether it did.)
      fchmodSync(fd, mode);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error: unknown) {
    rmSync(temp, { force: true });
    throw error;
  }
}
