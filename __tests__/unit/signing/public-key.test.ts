import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SigningError } from '../../../src/core/signing/errors.ts';
import { checkPublicKeyFile, writePublicKey } from '../../../src/core/signing/public-key.ts';
import { rejection } from '../../helpers/rejection.ts';

const dir = mkdtempSync(join(tmpdir(), 'svs-pub-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('writePublicKey', () => {
  test('writes <key>.pub with the PEM (newline-terminated), mode 0644', async () => {
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

describe('<key>.pub holding another key (after a rotation) is never overwritten', () => {
  const rotated = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const rotatedPem = rotated.export({ type: 'spki', format: 'pem' }).toString();
  let n = 0;
  const freshDir = () => {
    const d = join(dir, `rotation-${++n}`);
    mkdirSync(d);
    return d;
  };

  test('the same key (in any PEM layout) is left as it is; check and write agree', async () => {
    const d = freshDir();
    const options = { dir: d, keyName: 'cosign', keyVersion: 1, publicKeyPem: pem };
    writeFileSync(join(d, 'cosign.pub'), pem.replace(/\n/g, '\r\n'));
    assert.equal(await checkPublicKeyFile(options), join(d, 'cosign.pub'));
    assert.equal(await writePublicKey(options), join(d, 'cosign.pub'));
    assert.equal(readFileSync(join(d, 'cosign.pub'), 'utf8'), pem.replace(/\n/g, '\r\n'), 'untouched');
  });

  test('version 2 after version 1 wrote the file: PUBLIC_KEY_CONFLICT, before signing and at writing', async () => {
    const d = freshDir();
    await writePublicKey({ dir: d, keyName: 'cosign', keyVersion: 1, publicKeyPem: pem });
    const v2 = { dir: d, keyName: 'cosign', keyVersion: 2, publicKeyPem: rotatedPem };
    const error = await rejection(checkPublicKeyFile(v2), SigningError, 'PUBLIC_KEY_CONFLICT');
    assert.equal(error.path, join(d, 'cosign.pub'));
    assert.match(error.message, /version 2 of transit key 'cosign'/);
    await rejection(writePublicKey(v2), SigningError, 'PUBLIC_KEY_CONFLICT');
    assert.equal(readFileSync(join(d, 'cosign.pub'), 'utf8'), pem, 'version 1 is still there');
  });

  test('a file that is no public key at all (or a private key) is not overwritten either', async () => {
    const d = freshDir();
    const options = { dir: d, keyName: 'cosign', keyVersion: 1, publicKeyPem: pem };
    for (const content of ['notes', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()]) {
      writeFileSync(join(d, 'cosign.pub'), content);
      const error = await rejection(checkPublicKeyFile(options), SigningError, 'PUBLIC_KEY_CONFLICT');
      assert.ok(!error.message.includes('PRIVATE KEY'), 'the file content is never quoted');
      assert.equal(readFileSync(join(d, 'cosign.pub'), 'utf8'), content);
    }
  });

  test('no file yet: the check passes and writes nothing', async () => {
    const d = freshDir();
    assert.equal(
      await checkPublicKeyFile({ dir: d, keyName: 'k', keyVersion: 1, publicKeyPem: pem }),
      join(d, 'k.pub'),
    );
    assert.throws(() => statSync(join(d, 'k.pub')), { code: 'ENOENT' });
  });
});
