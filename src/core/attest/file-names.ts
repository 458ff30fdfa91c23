/**
 * Where the attestations about a run's files go, and what each file is called in a statement.
 * Defaults: `provenance.intoto.sigstore.json` for SLSA provenance, `<predicate file
 * name>.intoto.sigstore.json` for a predicate (a trailing `.json` dropped), in signature-dir,
 * else in the workspace (the CLI: the working directory).
 */
import { basename, isAbsolute, relative, sep } from 'node:path';
import type { AttestationRequest } from '../options/config.ts';
import { blobOutputPaths } from '../signing/output-paths.ts';
import { SigningError } from '../signing/errors.ts';

export const ATTESTATION_SUFFIX = '.intoto.sigstore.json';
export const PROVENANCE_NAME = 'provenance';

export interface AttestationPathOptions {
  /** Absolute folder the attestations go to. */
  readonly dir: string;
  /** `attestation-name`: the first attestation's name; '' for the defaults. */
  readonly name: string;
}

/** One absolute path per request, in order. */
export function attestationPaths(requests: readonly AttestationRequest[], options: AttestationPathOptions): string[] {
  const stems = requests.map((request) =>
    request.predicate.kind === 'provenance' ? PROVENANCE_NAME : predicateStem(request.predicate.path),
  );
  const named = stems.map((stem, i) => {
    if (options.name === '') return stem;
    // The name is the first attestation's; a second one (the predicate beside provenance) is
    // told apart by its own name.
    return i === 0 ? options.name : `${options.name}.${stem}`;
  });
  const dir = options.dir.endsWith(sep) ? options.dir : options.dir + sep;
  return named.map((stem) => `${dir}${stem}${ATTESTATION_SUFFIX}`);
}

function predicateStem(path: string | undefined): string {
  if (!path) return 'predicate';
  const name = basename(path).replace(/\.json$/i, '');
  return name === '' || name === PROVENANCE_NAME ? `${PROVENANCE_NAME}-predicate` : name;
}

/**
 * Refuses, before anything is signed, an attestation that would overwrite one of the files, one
 * of their signature outputs, or another attestation.
 */
export function checkAttestationPaths(
  paths: readonly string[],
  options: {
    readonly files: readonly string[];
    /** The signature outputs are written too (sign-blob), in this folder ('' = next to each file). */
    readonly signatures?: { readonly signatureDir: string; readonly writeBundle: boolean } | undefined;
  },
): void {
  const caseInsensitive = process.platform === 'darwin' || process.platform === 'win32';
  const key = (p: string) => (caseInsensitive ? p.toLowerCase() : p);
  const taken = new Map<string, string>();
  for (const file of options.files) {
    taken.set(key(file), `the input '${file}'`);
    if (options.signatures) {
      const outputs = blobOutputPaths(file, options.signatures.signatureDir || undefined);
      taken.set(key(outputs.signaturePath), `the signature of '${file}'`);
      if (options.signatures.writeBundle) taken.set(key(outputs.bundlePath), `the bundle of '${file}'`);
    }
  }
  for (const path of paths) {
    const other = taken.get(key(path));
    if (other !== undefined) {
      throw new SigningError(
        'OUTPUT_NAME_COLLISION',
        `the attestation '${path}' would overwrite ${other} — give attestation-name (--attestation-name) another name`,
        { path },
      );
    }
    taken.set(key(path), `the attestation '${path}'`);
  }
}

/**
 * A file's name in a statement: its path relative to `base` (the workspace, or the working
 * directory) with `/` separators, as given; a file outside `base` by its absolute path.
 */
export function subjectName(file: string, base: string): string {
  const rel = relative(base, file);
  const name = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return sep === '/' ? name : name.split(sep).join('/');
}
