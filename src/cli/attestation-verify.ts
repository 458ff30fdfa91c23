/**
 * verify-attestation's checks, offline with a public key: the DSSE signature of an attestation
 * bundle, then the statement (subject digests, predicate type, builder ID). What an artifact
 * kind (files; images) adds is only how its digests and bundles are found: see
 * attestation-targets.ts.
 */
import type { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import { cosignKeyHint } from '../core/ecdsa.ts';
import { describeError } from '../core/errors.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../core/attest/statement.ts';
import {
  builderIdOf,
  checkBuilderId,
  checkPredicateType,
  parseStatement,
  type ParsedStatement,
} from '../core/attest/statement-checks.ts';
import { singleKeyVerifier } from '../core/signing/key-verifier.ts';
import { CliError } from './errors.ts';

/** What the statement must say besides naming the artifacts. */
export interface StatementExpectations {
  /** The predicate type URI (from --type); undefined accepts any. */
  readonly predicateType?: string | undefined;
  /** --builder-id glob; undefined for no check. */
  readonly builderId?: string | undefined;
}

/**
 * Checks a key-based Sigstore bundle holding a DSSE envelope of an in-toto statement with
 * @sigstore/verify (the signature over the envelope's PAE, with `key`), and returns the statement.
 */
export function verifyAttestationBundle(bundle: Bundle, key: KeyObject): ParsedStatement {
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new CliError(
      'BUNDLE_INVALID',
      'the bundle holds a signature over a file, not an attestation — check it with verify-blob, or give the NAME.intoto.sigstore.json',
    );
  }
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'publicKey') {
    throw new CliError(
      'BUNDLE_INVALID',
      'the bundle is keyless (it holds a certificate): verify it with cosign verify-blob-attestation --certificate-identity …',
    );
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new CliError('BUNDLE_INVALID', `the envelope's payload is ${envelope.payloadType}, not an in-toto statement`);
  }
  try {
    singleKeyVerifier(key).verify(toSignedEntity(bundle));
  } catch (error: unknown) {
    const ours = cosignKeyHint(key);
    const hint = material.publicKey.hint;
    const otherKey = hint && hint !== ours ? ` (the bundle names key hint ${hint}, the given key is ${ours})` : '';
    throw new CliError(
      'SIGNATURE_INVALID',
      `the attestation's signature does not verify with the key${otherKey}: ${describeError(error)} — another key (version) signed it, or it was changed`,
      { cause: error },
    );
  }
  return parseStatement(envelope.payload);
}

/** The predicate type and builder checks; returns the builder ID when the statement has one. */
export function checkExpectations(statement: ParsedStatement, expected: StatementExpectations): string | undefined {
  if (expected.predicateType !== undefined) checkPredicateType(statement, expected.predicateType);
  if (expected.builderId !== undefined) return checkBuilderId(statement, expected.builderId);
  return builderIdOf(statement);
}
