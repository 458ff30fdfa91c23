/**
 * Generates the Workload API's protobuf codecs from proto/workload.proto with protobufjs-cli:
 * src/core/spiffe/generated/workload.js (static encoders and decoders on protobufjs/minimal)
 * and workload.d.ts (their types).
 *
 *   node scripts/gen-proto.ts          write both files
 *   node scripts/gen-proto.ts --check  exit 1 if the committed files are stale
 *
 * Static code rather than a descriptor loaded at run time: reflection (protobufjs + proto-loader)
 * cost ~30 ms of every start of the action, static code needs only protobufjs/minimal.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pbjs, pbts } from 'protobufjs-cli';

const ROOT = join(import.meta.dirname, '..');
const PROTO = join(ROOT, 'proto', 'workload.proto');
const OUTPUT_DIR = join(ROOT, 'src', 'core', 'spiffe', 'generated');
const JS = 'workload.js';
const DTS = 'workload.d.ts';

const PBJS_ARGS = [
  '--target=static-module',
  '--wrap=es6',
  '--keep-case',
  // Our own registry name, so no other protobufjs user in the bundle shares it.
  '--root=spiffe-workload-api',
  // Only encode and decode: the client builds plain objects and reads fields.
  '--no-create',
  '--no-verify',
  '--no-convert',
  '--no-delimited',
  '--no-service',
];

function run(main: (args: string[], callback: (error: Error | null, output?: string) => void) => void, args: string[]) {
  return new Promise<string>((resolve, reject) =>
    main(args, (error, output) => (error ? reject(error) : resolve(output ?? ''))),
  );
}

/**
 * Node's ESM loader needs the file extension, and reads a CommonJS module's exports from its
 * default export (protobufjs/minimal assigns them through an alias the named-export scan misses).
 */
function forNodeEsm(js: string): string {
  const from = 'import * as $protobuf from "protobufjs/minimal";';
  if (!js.includes(from)) throw new Error(`gen-proto: pbjs output lacks '${from}'`);
  return js.replace(from, 'import $protobuf from "protobufjs/minimal.js";');
}

export async function generateCodecs(protoPath: string = PROTO): Promise<Record<string, string>> {
  const work = await mkdtemp(join(tmpdir(), 'gen-proto-'));
  try {
    // pbts reads the types from the JSDoc comments; the committed JavaScript goes without them.
    const commented = join(work, 'commented.js');
    await run(pbjs.main, [...PBJS_ARGS, `--out=${commented}`, protoPath]);
    const dts = await run(pbts.main, ['--no-comments', commented]);
    const js = await run(pbjs.main, [...PBJS_ARGS, '--no-comments', protoPath]);
    return { [JS]: forNodeEsm(js), [DTS]: dts };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`gen-proto: unknown argument(s) ${unknown.join(' ')}; usage: gen-proto.ts [--check]\n`);
    return 2;
  }
  const generated = await generateCodecs();
  const relative = (name: string) => join(OUTPUT_DIR, name).slice(ROOT.length + 1);
  if (check) {
    let stale = 0;
    for (const [name, content] of Object.entries(generated)) {
      const current = await readFile(join(OUTPUT_DIR, name), 'utf8').catch(() => null);
      if (current === content) continue;
      stale++;
      process.stderr.write(`gen-proto: ${relative(name)} is ${current === null ? 'missing' : 'stale'}\n`);
    }
    if (stale === 0) {
      process.stdout.write(`gen-proto: ${Object.keys(generated).map(relative).join(', ')} up to date\n`);
      return 0;
    }
    process.stderr.write('gen-proto: run `npm run proto:gen` and commit the result\n');
    return 1;
  }
  await mkdir(OUTPUT_DIR, { recursive: true });
  for (const [name, content] of Object.entries(generated)) {
    await writeFile(join(OUTPUT_DIR, name), content);
    process.stdout.write(`gen-proto: wrote ${relative(name)}\n`);
  }
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
