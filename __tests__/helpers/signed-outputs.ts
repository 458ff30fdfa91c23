// What a stopped signing run left in a folder: every output complete and valid, no temp file.
import { verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A workspace with `count` small files in out/. */
export function blobWorkspace(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'faults-blobs-'));
  mkdirSync(join(dir, 'out'));
  for (let i = 0; i < count; i++)
    writeFileSync(join(dir, 'out', `artifact-${i}.bin`), `artifact ${i} ${Math.random()}\n`);
  return dir;
}

export interface OutputCheck {
  readonly signatures: number;
  readonly bundles: number;
  /** Problems: a temp file left, a `.sig` that does not verify, a bundle without its `.sig`… */
  readonly problems: readonly string[];
}

/** Checks every `.sig` (and `.sigstore.json`) in `dir` against its file in `filesDir` and the key. */
export function checkOutputs(
  dir: string,
  options: { filesDir: string; publicKeyPem: string; bundles: boolean },
): OutputCheck {
  const names = readdirSync(dir);
  const problems: string[] = [];
  let signatures = 0;
  let bundles = 0;
  for (const name of names) {
    if (name.endsWith('.tmp') || name.startsWith('.')) problems.push(`left behind: ${name}`);
    if (name.endsWith('.sig')) {
      signatures++;
      if (options.bundles && !names.includes(`${name.slice(0, -'.sig'.length)}.sigstore.json`))
        problems.push(`a .sig without its bundle: ${name}`);
      const data = readFileSync(join(options.filesDir, name.slice(0, -'.sig'.length)));
      const signature = Buffer.from(readFileSync(join(dir, name), 'utf8'), 'base64');
      if (!verify('sha256', data, options.publicKeyPem, signature)) problems.push(`does not verify: ${name}`);
    }
    if (name.endsWith('.sigstore.json')) {
      bundles++;
      const base = name.slice(0, -'.sigstore.json'.length);
      if (!names.includes(`${base}.sig`)) problems.push(`a bundle without its .sig: ${name}`);
      try {
        JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch {
        problems.push(`not JSON: ${name}`);
      }
    }
  }
  return { signatures, bundles, problems };
}
