// Stands in for @actions/core's lib/platform.js in the bundles. The original imports
// @actions/exec (and so child_process) at load time for getDetails(), which we never call;
// the constants are the same.
import os from 'node:os';

export const platform = os.platform();
export const arch = os.arch();
export const isWindows = platform === 'win32';
export const isMacOS = platform === 'darwin';
export const isLinux = platform === 'linux';
export function getDetails() {
  throw new Error('core.platform.getDetails is not bundled');
}
