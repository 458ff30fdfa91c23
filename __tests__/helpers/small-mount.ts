// A real file system that is full, or read-only, for output-writing faults: a tmpfs mounted for
// the test. Mounting needs root (CAP_SYS_ADMIN); elsewhere `reason` says why it is not there.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallMount {
  readonly path: string;
  unmount(): void;
}

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
export function mountBlockedReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = tryMount(['-o', 'size=16k']);
  if (typeof probe === 'string') return probe;
  probe.unmount();
  return undefined;
}

/** A tmpfs of `sizeKiB`, optionally read-only. */
export function mountTmpfs(options: { sizeKiB: number; readOnly?: boolean }): SmallMount {
  const mount = tryMount(['-o', `size=${options.sizeKiB}k${options.readOnly ? ',ro' : ''}`]);
  if (typeof mount === 'string') throw new Error(mount);
  return mount;
}

function tryMount(args: readonly string[]): SmallMount | string {
  const path = mkdtempSync(join(tmpdir(), 'faults-mnt-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', ...args, 'tmpfs', path], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(path, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${(r.stderr || r.error?.message || '').trim()}`;
  }
  return {
    path,
    unmount: () => {
      spawnSync('umount', [path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
