import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateCodecs } from '../../../scripts/gen-proto.ts';
import { JWTBundlesResponse, JWTSVIDRequest, JWTSVIDResponse } from '../../../src/core/spiffe/generated/workload.js';
import { workloadApiService } from '../../helpers/workload-proto.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const generatedDir = join(repoRoot, 'src', 'core', 'spiffe', 'generated');

describe('scripts/gen-proto.ts', () => {
  it('the committed codecs are what the generator produces from proto/workload.proto, every time', async () => {
    const generated = await generateCodecs();
    assert.deepEqual(Object.keys(generated).sort(), ['workload.d.ts', 'workload.js']);
    for (const [name, content] of Object.entries(generated)) {
      assert.equal(content, await readFile(join(generatedDir, name), 'utf8'), name);
    }
    assert.deepEqual(await generateCodecs(), generated);
  });

  it('the generated codecs and proto-loader (reading the .proto) agree on the wire bytes', () => {
    const service = workloadApiService();
    const fetchJwtSvid = service['FetchJWTSVID'];
    const fetchJwtBundles = service['FetchJWTBundles'];
    assert.ok(fetchJwtSvid && fetchJwtBundles);
    assert.equal(fetchJwtSvid.path, '/SpiffeWorkloadAPI/FetchJWTSVID');
    assert.equal(fetchJwtBundles.path, '/SpiffeWorkloadAPI/FetchJWTBundles');

    const request = { audience: ['vault', 'other'], spiffe_id: 'spiffe://example.org/a' };
    const ours = Buffer.from(JWTSVIDRequest.encode(request).finish());
    assert.deepEqual(ours, fetchJwtSvid.requestSerialize(request));

    const svids = [
      { spiffe_id: 'spiffe://example.org/a', svid: 'header.payload.sig', hint: 'h' },
      { spiffe_id: 'spiffe://example.org/b', svid: 'x.y.z', hint: '' },
    ];
    const decoded = JWTSVIDResponse.decode(fetchJwtSvid.responseSerialize({ svids }));
    assert.deepEqual(
      decoded.svids.map((s) => ({ spiffe_id: s.spiffe_id, svid: s.svid, hint: s.hint })),
      svids,
    );

    const jwks = Buffer.from('{"keys":[]}');
    const bundles = JWTBundlesResponse.decode(
      fetchJwtBundles.responseSerialize({ bundles: { 'spiffe://example.org': jwks } }),
    );
    assert.deepEqual(Object.keys(bundles.bundles), ['spiffe://example.org']);
    assert.deepEqual(Buffer.from(bundles.bundles['spiffe://example.org'] ?? []), jwks);
  });

  it('--check exits 0 when up to date and 1 when a generated file is stale', async () => {
    const ok = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'gen-proto.ts'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    // A copy of the repository layout with a stale codec.
    const dir = await mkdtemp(join(tmpdir(), 'svs-genproto-'));
    try {
      const generated = join(dir, 'src', 'core', 'spiffe', 'generated');
      await mkdir(join(dir, 'scripts'));
      await mkdir(join(dir, 'proto'));
      await mkdir(generated, { recursive: true });
      await copyFile(join(repoRoot, 'scripts', 'gen-proto.ts'), join(dir, 'scripts', 'gen-proto.ts'));
      await copyFile(join(repoRoot, 'proto', 'workload.proto'), join(dir, 'proto', 'workload.proto'));
      await copyFile(join(generatedDir, 'workload.d.ts'), join(generated, 'workload.d.ts'));
      await writeFile(join(generated, 'workload.js'), '// stale\n');
      await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
      const stale = spawnSync(process.execPath, [join(dir, 'scripts', 'gen-proto.ts'), '--check'], {
        encoding: 'utf8',
      });
      assert.equal(stale.status, 1, `${stale.stdout}${stale.stderr}`);
      assert.match(stale.stderr, /workload\.js is stale/);
      assert.doesNotMatch(stale.stderr, /workload\.d\.ts/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
