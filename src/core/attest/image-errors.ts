/** What goes wrong writing image attestations: a registry that refuses them, or stores nothing. */
import { CodedError } from '../errors.ts';

export const IMAGE_ATTESTATION_ERROR_CODES = [
  /** The registry answered the bundle referrer or `.att` tag push with an error. */
  'ATTESTATION_PUSH_REFUSED',
  /** The registry accepted the push, but reading it back does not find what was written. */
  'ATTESTATION_NOT_STORED',
  /** Nothing to attest: no provenance and no predicate were asked for. */
  'NO_ATTESTATIONS_REQUESTED',
] as const;
export type ImageAttestationErrorCode = (typeof IMAGE_ATTESTATION_ERROR_CODES)[number];

export class ImageAttestationError extends CodedError<ImageAttestationErrorCode> {
  /** `registry/repository@digest` the failure is about, when there is one. */
  readonly image: string | undefined;

  constructor(code: ImageAttestationErrorCode, message: string, options?: { cause?: unknown; image?: string }) {
    super(code, message, options);
    this.image = options?.image;
  }
}
