import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { writePublicKey } from '../../../src/core/signing/public-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'svs-pub-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('writePublicKey', () => {
  test('writes <key>-v<version>.pub with the PEM (newline-terminated), mode 0644', async () => {
    const path = await writePublicKey({ dir, keyName: 'release', keyVersion: 2, publicKeyPem: pem.trimEnd() });
    assert.equal(path, join(dir, 'release.pub'));
    assert.equal(readFileSync(path, 'utf8'), pem);
    assert.equal(statSync(path).mode & 0o777, 0o644);
  });

  test('refuses key names that are not file names, bad versions, private keys', async () => {
    for (const keyName of ['', '..', 'a/b', 'a\\b']) {
      await assert.rejects(writePublicKey({ dir, keyName, keyVersion: 1, publicKeyPem: pem }), RangeError);
    }
    await assert.rejects(writePublicKey({ dir, keyName: 'k', keyVersion: 0, publicKeyPem: pem }), RangeError);
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await assert.rejects(
      writePublicKey({ dir, keyName: 'k', keyVersion: 1, publicKeyPem: privatePem }),
      (e: unknown) => e instanceof SigningError && e.code === 'PUBLIC_KEY_INVALID',
    );
  });

  test('a missing directory: OUTPUT_WRITE_FAILED naming the path', async () => {
    await assert.rejects(
      writePublicKey({ dir: join(dir, 'nope'), keyName: 'k', keyVersion: 1, publicKeyPem: pem }),
      (e: unknown) => e instanceof SigningError && e.code === 'OUTPUT_WRITE_FAILED' && /k\.pub/.test(e.message),
    );
  });
});
