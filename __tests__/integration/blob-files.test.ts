// Real cosign (the pinned v3.1.2) accepts the .sig files and Sigstore bundles signBlobs writes,
// verified offline against the signer's public key, and rejects tampered files. No Vault: a
// local P-256 key stands in for the transit key, so this needs no stack.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signBlobs, writePublicKey, type SignedBlob } from '../../src/core/signing/index.ts';
import { loadStackEnv, describeRun, repoRoot, run, type RunResult } from '../helpers/stack-env.ts';
import { FakeDigestSigner } from '../unit/signing/fake-signer.ts';

const work = mkdtempSync(join(tmpdir(), 'svs-blob-files-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The stack's cosign when a stack is up, else the pinned one from the tool cache. */
function findCosign(): string {
  try {
    return join(loadStackEnv().STACK_BIN, 'cosign');
  } catch {
    const r = run('bash', [join(repoRoot, 'scripts', 'install-tools.sh'), 'cosign'], { timeoutMs: 30 * 60_000 });
    assert.equal(r.status, 0, describeRun('install-tools.sh cosign', r));
    return join(r.stdout.trim().split('\n').pop() ?? '', 'cosign');
  }
}

let cosignPath = '';
// cosign must work offline: an empty HOME (no TUF cache) and proxies that go nowhere.
const offlineEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: join(work, 'home'),
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
};
const cosign = (args: string[]): RunResult => run(cosignPath, args, { env: offlineEnv });

function verifySig(pub: string, blob: SignedBlob, file = blob.path): RunResult {
  return cosign(['verify-blob', '--key', pub, '--signature', blob.signaturePath, '--insecure-ignore-tlog=true', file]);
}
function verifyBundle(pub: string, blob: SignedBlob, file = blob.path): RunResult {
  return cosign(['verify-blob', '--bundle', blob.bundlePath ?? '', '--key', pub, '--insecure-ignore-tlog=true', file]);
}

describe('cosign verify-blob accepts what signBlobs writes', () => {
  const dir = join(work, 'artifacts');
  const files = ['empty.txt', 'small.txt', 'big.bin', 'sub/app.tar.gz'].map((f) => join(dir, f));
  let signer: FakeDigestSigner;
  let pub = '';
  let signed: SignedBlob[] = [];

  before(async () => {
    cosignPath = findCosign();
    assert.ok(existsSync(cosignPath), `no cosign at ${cosignPath}`);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    mkdirSync(offlineEnv.HOME ?? '', { recursive: true });
    writeFileSync(files[0] ?? '', '');
    writeFileSync(files[1] ?? '', 'hello world\n');
    writeFileSync(files[2] ?? '', randomBytes(5 * 1024 * 1024 + 3));
    writeFileSync(files[3] ?? '', randomBytes(4096));
    signer = new FakeDigestSigner({ files, keyVersion: 2 });
    signed = await signBlobs({ files, signer, groupSize: 3 });
    pub = await writePublicKey({
      dir: work,
      keyName: 'release',
      keyVersion: signer.keyVersion,
      publicKeyPem: signer.publicKeyPem,
    });
  });

  test('cosign runs (the pinned v3.1.2 is built with -trimpath: its version reads devel)', (t) => {
    const r = cosign(['version']);
    assert.equal(r.status, 0, describeRun('cosign version', r));
    t.diagnostic(`cosign: ${realpathSync(cosignPath)}`);
  });

  test('--signature <name>.sig: every file verifies', () => {
    for (const blob of signed) {
      const r = verifySig(pub, blob);
      assert.equal(r.status, 0, describeRun(`verify-blob --signature ${blob.path}`, r));
      assert.match(r.stderr, /Verified OK/);
    }
  });

  test('--bundle <name>.sigstore.json: every file verifies (no trusted root, no network)', () => {
    for (const blob of signed) {
      const r = verifyBundle(pub, blob);
      assert.equal(r.status, 0, describeRun(`verify-blob --bundle ${blob.path}`, r));
      assert.match(r.stderr, /Verified OK/);
    }
  });

  test('outputs in a signature directory verify too', async () => {
    const sigDir = join(work, 'signatures');
    const inDir = await signBlobs({ files: files.slice(1, 3), signer, signatureDir: sigDir });
    for (const blob of inDir) {
      assert.equal(verifySig(pub, blob).status, 0, describeRun('verify-blob --signature', verifySig(pub, blob)));
      assert.equal(verifyBundle(pub, blob).status, 0, describeRun('verify-blob --bundle', verifyBundle(pub, blob)));
    }
  });

  test('a tampered file (one byte appended) fails both forms', () => {
    const tampered = join(work, 'tampered');
    for (const blob of signed) {
      writeFileSync(tampered, Buffer.concat([readFileSync(blob.path), Buffer.from('!')]));
      assert.notEqual(verifySig(pub, blob, tampered).status, 0, `--signature accepted a tampered ${blob.path}`);
      assert.notEqual(verifyBundle(pub, blob, tampered).status, 0, `--bundle accepted a tampered ${blob.path}`);
    }
  });

  test('another key fails both forms', async () => {
    const other = new FakeDigestSigner({ files: [] });
    const otherPub = await writePublicKey({
      dir: work,
      keyName: 'other',
      keyVersion: 1,
      publicKeyPem: other.publicKeyPem,
    });
    const blob = signed[1] as SignedBlob;
    assert.notEqual(verifySig(otherPub, blob).status, 0);
    assert.notEqual(verifyBundle(otherPub, blob).status, 0);
  });
});
