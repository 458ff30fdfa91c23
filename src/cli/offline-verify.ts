// Offline checks of what sign-blob writes, with a public key: no Vault, no network, no TUF.
import { createHash, createVerify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import { cosignKeyHint, describeKeyType, isP256Key, readPublicKeyPem } from '../core/ecdsa.ts';
import { describeError, InputError } from '../core/errors.ts';
import { singleKeyVerifier } from '../core/signing/key-verifier.ts';
import { CliError } from './errors.ts';

export interface VerifiedFile {
  /** Lowercase hex SHA-256 of the file. */
  readonly sha256: string;
}

/** An ECDSA P-256 public key from PEM text; `source` names the flag in errors. */
export function parseP256PublicKey(source: string, pem: string): KeyObject {
  const read = readPublicKeyPem(pem);
  if (!read.ok && read.problem === 'private-key') {
    throw new InputError(`${source}: this is a private key — give the public key (the KEY.pub that sign-blob writes)`);
  }
  if (!read.ok) {
    throw new InputError(
      `${source}: not a public key PEM (${describeError(read.cause)}) — give the KEY.pub that sign-blob writes`,
      { cause: read.cause },
    );
  }
  if (!isP256Key(read.key)) {
    throw new InputError(
      `${source}: a ${describeKeyType(read.key)} key, but Vault transit ecdsa-p256 signatures need an ECDSA P-256 public key`,
    );
  }
  return read.key;
}

/** Checks a `.sig` (standard base64 of a DER ECDSA signature over SHA-256 of the file), streaming. */
export async function verifySignatureFile(options: {
  readonly file: string;
  readonly signatureText: string;
  readonly key: KeyObject;
}): Promise<VerifiedFile> {
  const text = options.signatureText.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new CliError(
      'SIGNATURE_INVALID',
      'the signature file is not standard base64 — give the FILE.sig that sign-blob (or cosign sign-blob) wrote',
    );
  }
  const signature = Buffer.from(text, 'base64');
  const hash = createHash('sha256');
  const verifier = createVerify('sha256');
  for await (const chunk of createReadStream(options.file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    verifier.update(chunk);
  }
  let valid: boolean;
  try {
    valid = verifier.verify({ key: options.key, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  const sha256 = hash.digest('hex');
  if (!valid) {
    throw new CliError(
      'SIGNATURE_INVALID',
      `the signature does not match '${options.file}' (sha256 ${sha256}) and the key — the file changed, or another key (version) signed it`,
    );
  }
  return { sha256 };
}

/** Checks a key-based Sigstore bundle (message signature, no tlog) over the file, with @sigstore/verify. */
export async function verifyBundleFile(options: {
  readonly file: string;
  readonly bundleText: string;
  readonly key: KeyObject;
}): Promise<VerifiedFile> {
  const bundle = parseBundle(options.bundleText);
  if (bundle.content.$case !== 'messageSignature') {
    throw new CliError(
      'BUNDLE_INVALID',
      'the bundle holds a DSSE envelope (an attestation), not a signature over a file — give the FILE.sigstore.json that sign-blob wrote',
    );
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') {
    throw new CliError(
      'BUNDLE_INVALID',
      'the bundle is keyless (it holds a certificate): verify it with cosign verify-blob --certificate-identity … --certificate-oidc-issuer …',
    );
  }
  const artifact = await readFile(options.file);
  const sha256 = createHash('sha256').update(artifact).digest('hex');
  const verifier = singleKeyVerifier(options.key);
  try {
    verifier.verify(toSignedEntity(bundle, artifact));
  } catch (error: unknown) {
    const ours = cosignKeyHint(options.key);
    const hint = material.publicKey.hint;
    const otherKey = hint && hint !== ours ? ` (the bundle names key hint ${hint}, the given key is ${ours})` : '';
    throw new CliError(
      'SIGNATURE_INVALID',
      `the bundle does not verify '${options.file}' (sha256 ${sha256}) with the key${otherKey}: ${describeError(error)} — the file changed, or another key (version) signed it`,
      { cause: error },
    );
  }
  return { sha256 };
}

/** A Sigstore bundle from its JSON text (BUNDLE_INVALID when it is none). */
export function parseBundle(text: string): Bundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error: unknown) {
    throw new CliError('BUNDLE_INVALID', `the bundle is not JSON: ${describeError(error)}`, { cause: error });
  }
  try {
    return bundleFromJSON(json);
  } catch (error: unknown) {
    throw new CliError('BUNDLE_INVALID', `not a Sigstore bundle: ${describeError(error)}`, { cause: error });
  }
}
