/**
 * Generates src/core/spiffe/generated/workload.json from proto/workload.proto.
 *
 *   node scripts/gen-proto.ts          write the descriptor
 *   node scripts/gen-proto.ts --check  exit 1 if the committed descriptor is stale
 *
 * The descriptor is protobufjs JSON (what `@grpc/proto-loader`'s `fromJSON` takes), with
 * google/protobuf/struct.proto resolved from protobufjs's built-in well-known types, so the client
 * needs no .proto file at run time and survives bundling. Output is deterministic: object keys are
 * sorted, message fields are listed by field number, two-space indent, trailing newline.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const ROOT = join(import.meta.dirname, '..');
const PROTO = join(ROOT, 'proto', 'workload.proto');
const OUTPUT = join(ROOT, 'src', 'core', 'spiffe', 'generated', 'workload.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isFieldMap(value: { [key: string]: Json }): boolean {
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every(
      (entry) =>
        typeof entry === 'object' && entry !== null && !Array.isArray(entry) && typeof entry['id'] === 'number',
    )
  );
}

/** Recursively sorts keys; a map of field definitions is ordered by field number instead. */
export function canonicalize(value: Json): Json {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (isFieldMap(value)) {
    const id = (key: string) => (value[key] as { id: number }).id;
    keys.sort((a, b) => id(a) - id(b));
  } else {
    keys.sort();
  }
  const out: { [key: string]: Json } = {};
  for (const key of keys) out[key] = canonicalize(value[key] as Json);
  return out;
}

export async function generateDescriptor(protoPath: string = PROTO): Promise<string> {
  const root = new protobuf.Root();
  await root.load(protoPath, { keepCase: true });
  root.resolveAll();
  const json = root.toJSON({ keepComments: false }) as unknown as Json;
  return `${JSON.stringify(canonicalize(json), null, 2)}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`gen-proto: unknown argument(s) ${unknown.join(' ')}; usage: gen-proto.ts [--check]\n`);
    return 2;
  }
  const generated = await generateDescriptor();
  const relative = OUTPUT.slice(ROOT.length + 1);
  if (check) {
    const current = await readFile(OUTPUT, 'utf8').catch(() => null);
    if (current === generated) {
      process.stdout.write(`gen-proto: ${relative} is up to date\n`);
      return 0;
    }
    process.stderr.write(
      `gen-proto: ${relative} is ${current === null ? 'missing' : 'stale'}; ` +
        'run `node scripts/gen-proto.ts` and commit the result\n',
    );
    return 1;
  }
  await mkdir(dirname(OUTPUT), { recursive: true });
  await writeFile(OUTPUT, generated);
  process.stdout.write(`gen-proto: wrote ${relative}\n`);
  return 0;
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
