/**
 * What a broken or hostile registry cannot make the client read or follow. Answers are read into
 * memory, so each kind has a ceiling; the reading stops there (REGISTRY_ANSWER_TOO_LARGE).
 */

/**
 * Manifests and indexes, including the referrers API's index: the distribution spec has
 * registries accept manifests of at least 4 MiB and lets them refuse larger ones.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A token service's answer: a JSON object holding one token (a few KiB in practice). */
export const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/** Any other answer read whole: blobs read back (signature and attestation layers), error bodies. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Redirects followed for one blob read (registries send blob reads to storage elsewhere: one hop). */
export const MAX_REDIRECTS = 3;
