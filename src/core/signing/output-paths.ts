/** Where the signature and bundle of each signed file are written. */
import { basename, sep } from 'node:path';
import { SigningError } from './errors.ts';

export const SIGNATURE_SUFFIX = '.sig';
export const BUNDLE_SUFFIX = '.sigstore.json';

export interface BlobOutputPaths {
  readonly signaturePath: string;
  readonly bundlePath: string;
}

/**
 * Where the outputs of `file` go: `<dir>/<name>.sig` and `<dir>/<name>.sigstore.json`. Both paths
 * are absolute and normalized already (as `path.resolve` returns them): no path.join per file.
 */
export function blobOutputPaths(file: string, signatureDir?: string): BlobOutputPaths {
  const base = signatureDir
    ? `${signatureDir.endsWith(sep) ? signatureDir : signatureDir + sep}${basename(file)}`
    : file;
  return { signaturePath: base + SIGNATURE_SUFFIX, bundlePath: base + BUNDLE_SUFFIX };
}

/**
 * Refuses, before anything is signed, two inputs whose outputs have the same name (same base
 * name with a `signatureDir`) and an output that would overwrite one of the inputs (signing
 * `a` and `a.sig` together). Names compare case-insensitively where the file system usually does.
 */
export function checkOutputCollisions(
  files: readonly string[],
  options: { readonly signatureDir?: string | undefined; readonly writeBundle: boolean },
): void {
  const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
  const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  const inputs = new Map(files.map((f) => [key(f), f]));
  const outputs = new Map<string, string>();
  const fix =
    (options.signatureDir ? 'leave signature-dir empty to write next to each file, sign them in separate runs, ' : '') +
    "or exclude one of them with a '!' pattern";
  for (const file of files) {
    const paths = blobOutputPaths(file, options.signatureDir);
    for (const output of options.writeBundle ? [paths.signaturePath, paths.bundlePath] : [paths.signaturePath]) {
      const input = inputs.get(key(output));
      if (input !== undefined) {
        throw new SigningError('OUTPUT_NAME_COLLISION', `'${file}' would overwrite the input '${input}' — ${fix}`, {
          path: file,
        });
      }
      const other = outputs.get(key(output));
      if (other !== undefined) {
        throw new SigningError(
          'OUTPUT_NAME_COLLISION',
          `'${other}' and '${file}' would both write '${output}' — ${fix}`,
          {
            path: file,
          },
        );
      }
      outputs.set(key(output), file);
    }
  }
}
