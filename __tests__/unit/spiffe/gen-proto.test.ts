import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fromJSON } from '@grpc/proto-loader';
import type { INamespace } from 'protobufjs';
import { canonicalize, generateDescriptor } from '../../../scripts/gen-proto.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const committed = join(repoRoot, 'src', 'core', 'spiffe', 'generated', 'workload.json');

describe('scripts/gen-proto.ts', () => {
  it('the committed descriptor is what the generator produces from proto/workload.proto', async () => {
    assert.equal(await generateDescriptor(), await readFile(committed, 'utf8'));
  });

  it('is deterministic and ends with a newline', async () => {
    const a = await generateDescriptor();
    assert.equal(a, await generateDescriptor());
    assert.ok(a.endsWith('}\n'));
  });

  it('sorts keys and orders fields by number', () => {
    const out = JSON.stringify(
      canonicalize({ b: 1, a: { fields: { z: { id: 2, type: 'x' }, y: { type: 'x', id: 1 } } } }),
    );
    assert.equal(out, '{"a":{"fields":{"y":{"id":1,"type":"x"},"z":{"id":2,"type":"x"}}},"b":1}');
  });

  it('describes the Workload API as the spec does: no package, paths /SpiffeWorkloadAPI/<Method>', async () => {
    const definition = fromJSON(JSON.parse(await generateDescriptor()) as INamespace, { keepCase: true });
    const service = definition['SpiffeWorkloadAPI'] as unknown as Record<
      string,
      { path: string; responseStream: boolean }
    >;
    assert.deepEqual(
      Object.fromEntries(Object.entries(service).map(([name, m]) => [name, [m.path, m.responseStream]])),
      {
        FetchJWTSVID: ['/SpiffeWorkloadAPI/FetchJWTSVID', false],
        FetchJWTBundles: ['/SpiffeWorkloadAPI/FetchJWTBundles', true],
        ValidateJWTSVID: ['/SpiffeWorkloadAPI/ValidateJWTSVID', false],
        FetchX509SVID: ['/SpiffeWorkloadAPI/FetchX509SVID', true],
        FetchX509Bundles: ['/SpiffeWorkloadAPI/FetchX509Bundles', true],
      },
    );
    const json = JSON.parse(await generateDescriptor()) as {
      nested: Record<string, { fields?: Record<string, { id: number }> }>;
    };
    const ids = (type: string) =>
      Object.fromEntries(Object.entries(json.nested[type]?.fields ?? {}).map(([k, v]) => [k, v.id]));
    assert.deepEqual(ids('JWTSVIDRequest'), { audience: 1, spiffe_id: 2 });
    assert.deepEqual(ids('JWTSVID'), { spiffe_id: 1, svid: 2, hint: 3 });
    assert.deepEqual(ids('JWTBundlesResponse'), { bundles: 1 });
    assert.deepEqual(ids('X509BundlesResponse'), { crl: 1, bundles: 2 });
    assert.deepEqual(ids('X509SVID'), { spiffe_id: 1, x509_svid: 2, x509_svid_key: 3, bundle: 4, hint: 5 });
  });

  it('--check exits 0 when up to date and 1 when the descriptor is stale', async () => {
    const ok = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-proto.ts'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    // A copy of the repository layout with a stale descriptor.
    const dir = await mkdtemp(join(tmpdir(), 'svs-genproto-'));
    try {
      await mkdir(join(dir, 'scripts'));
      await mkdir(join(dir, 'proto'));
      await mkdir(join(dir, 'src', 'core', 'spiffe', 'generated'), { recursive: true });
      await copyFile(join(repoRoot, 'scripts', 'gen-proto.ts'), join(dir, 'scripts', 'gen-proto.ts'));
      await copyFile(join(repoRoot, 'proto', 'workload.proto'), join(dir, 'proto', 'workload.proto'));
      await writeFile(join(dir, 'src', 'core', 'spiffe', 'generated', 'workload.json'), '{}\n');
      await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      const stale = spawnSync(process.execPath, [join(dir, 'scripts', 'gen-proto.ts'), '--check'], {
        encoding: 'utf8',
      });
      assert.equal(stale.status, 1, `${stale.stdout}${stale.stderr}`);
      assert.match(stale.stderr, /stale/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
