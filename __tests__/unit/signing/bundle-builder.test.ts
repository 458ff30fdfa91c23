// The bundle-assembly stage: one signer call per batch, the bytes every bundle has always had
// (captured before the stage existed), and witnesses merged into the verification material.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import type { Witness } from '@sigstore/sign';
import { cosignKeyHint } from '../../../src/core/ecdsa.ts';
import {
  BundleBuilder,
  bundleJson,
  dssePreAuthEncoding,
  type BundleArtifact,
} from '../../../src/core/signing/bundle-builder.ts';
import { cosignSignStatement, IN_TOTO_PAYLOAD_TYPE } from '../../../src/core/signing/image-bundle.ts';
import type { DigestSigner } from '../../../src/core/signing/types.ts';
import { verifyBundleWithKey } from '../../helpers/sigstore-verify.ts';
import { rejection } from '../../helpers/rejection.ts';
import { SigningError } from '../../../src/core/signing/errors.ts';

const SIGNATURE = Buffer.from(
  'MEUCIGaJm7jXCkwF63uOCJE0tQjFxsryAidgcOrIIZrC8IwvAiEAtQaa7CCeUWge0PNcVA073IMFgQxpx8U43s/A7y0IMus=',
  'base64',
);
const HINT = '5Oe4Qs1ZlL/zcE2mho5Nh9ruqmYGvYlQMlBVZwEpZu8=';
const D = 'sha256:5e49cc928cc85817927b8730f5bd921a4642c10601ebe669c5237dc43b9d8dc0';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** A signer that must not be asked to sign: for assembling bundles from given signatures. */
function keyOnly(keyHint = HINT, publicKeyPem = ''): DigestSigner {
  return { keyVersion: 1, keyHint, publicKeyPem, signDigests: () => assert.fail('signDigests should not be called') };
}

/** A signer over real data: it knows each digest's bytes, and signs them as Vault signs the digest. */
function localSigner(known: readonly Buffer[]) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const byDigest = new Map(known.map((data) => [sha256(data).toString('hex'), data]));
  const calls: Buffer[][] = [];
  const signer: DigestSigner = {
    keyVersion: 3,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyHint: cosignKeyHint(publicKey),
    signDigests: async (digests) => {
      calls.push([...digests]);
      return digests.map((d) => sign('sha256', byDigest.get(d.toString('hex')) ?? assert.fail('unknown'), privateKey));
    },
  };
  return { signer, calls };
}

describe('BundleBuilder bytes (what cosign and @sigstore/verify were shown to accept)', () => {
  test('a message-signature bundle: v0.3, the key hint, no tlog entries, as before the stage', async () => {
    const artifact: BundleArtifact = { kind: 'message-digest', digest: Buffer.alloc(32, 7) };
    const bundle = await new BundleBuilder({ signer: keyOnly() }).assemble(artifact, SIGNATURE);
    assert.equal(
      bundleJson(bundle),
      `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"${HINT}"},"timestampVerificationData":{}},"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="},"signature":"${SIGNATURE.toString('base64')}"}}`,
    );
  });

  test('a DSSE bundle: the statement, no keyid on the signature (cosign skips unknown keyids)', async () => {
    const payload = cosignSignStatement(D, { env: 'ci' });
    const artifact: BundleArtifact = { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE, payload };
    const bundle = await new BundleBuilder({ signer: keyOnly() }).assemble(artifact, SIGNATURE);
    assert.equal(
      bundleJson(bundle),
      `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"${HINT}"},"timestampVerificationData":{}},"dsseEnvelope":{"payload":"${payload.toString('base64')}","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"${SIGNATURE.toString('base64')}"}]}}`,
    );
  });
});

describe('BundleBuilder.sign', () => {
  test('files and statements in one signer call; each bundle verifies with @sigstore/verify', async () => {
    const file = Buffer.from('a file\n');
    const statement = cosignSignStatement(D);
    const pae = dssePreAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement);
    assert.ok(pae.toString().startsWith(`DSSEv1 28 application/vnd.in-toto+json ${statement.length} {`));
    const { signer, calls } = localSigner([file, pae]);
    const builder = new BundleBuilder({ signer });
    const artifacts: BundleArtifact[] = [
      { kind: 'message-digest', digest: sha256(file) },
      { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE, payload: statement },
    ];
    const signatures = await builder.sign(artifacts);
    assert.deepEqual(calls, [[sha256(file), sha256(pae)]]);
    const [fileBundle, statementBundle] = await Promise.all(
      artifacts.map((a, i) => builder.assemble(a, signatures[i] as Buffer)),
    );
    await verifyBundleWithKey(bundleJson(fileBundle!), file, signer.publicKeyPem, signer.keyHint);
    await verifyBundleWithKey(bundleJson(statementBundle!), statement, signer.publicKeyPem, signer.keyHint);
    assert.deepEqual(await builder.sign([]), []);
    assert.equal(calls.length, 1, 'nothing to sign: no call');
  });

  const badAnswers: [string, (signatures: Buffer[]) => unknown][] = [
    ['one signature short', (s) => s.slice(1)],
    ['raw r||s instead of DER', (s) => [Buffer.alloc(64, 1), ...s.slice(1)]],
    ['not an array', () => 'nope'],
  ];
  for (const [name, answer] of badAnswers) {
    test(`a signer answering ${name}: SIGNER_RESPONSE_INVALID`, async () => {
      const data = [Buffer.from('a'), Buffer.from('b')];
      const { signer } = localSigner(data);
      const inner = signer.signDigests.bind(signer);
      const lying: DigestSigner = { ...signer, signDigests: async (d) => answer(await inner(d)) as Buffer[] };
      const artifacts = data.map((d): BundleArtifact => ({ kind: 'message-digest', digest: sha256(d) }));
      await rejection(new BundleBuilder({ signer: lying }).sign(artifacts), SigningError, 'SIGNER_RESPONSE_INVALID');
    });
  }
});

describe('BundleBuilder witnesses', () => {
  test('each witness testifies to the content with the PEM; entries and timestamps land in the bundle', async () => {
    const seen: { content: unknown; key: string }[] = [];
    const tlogEntry = { logIndex: '7' } as never;
    const timestamp = { signedTimestamp: Buffer.from('ts') };
    const witnesses: Witness[] = [
      { testify: async (content, key) => (seen.push({ content, key }), { tlogEntries: [tlogEntry] }) },
      { testify: async () => ({ rfc3161Timestamps: [timestamp] }) },
    ];
    const signer = keyOnly(HINT, 'PEM');
    const artifact: BundleArtifact = { kind: 'message-digest', digest: Buffer.alloc(32, 1) };
    const bundle = await new BundleBuilder({ signer, witnesses }).assemble(artifact, SIGNATURE);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.key, 'PEM');
    assert.deepEqual(seen[0]?.content, bundle.content);
    assert.deepEqual(bundle.verificationMaterial.tlogEntries, [tlogEntry]);
    assert.deepEqual(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps, [timestamp]);
  });

  test('a failing witness fails the bundle', async () => {
    const witnesses: Witness[] = [{ testify: async () => Promise.reject(new Error('tlog down')) }];
    const artifact: BundleArtifact = { kind: 'message-digest', digest: Buffer.alloc(32, 1) };
    await assert.rejects(
      new BundleBuilder({ signer: keyOnly(), witnesses }).assemble(artifact, SIGNATURE),
      /tlog down/,
    );
  });
});
