/** The image signature formats, apart from the signing code so input parsing stays light. */
export type ImageSignatureFormat = 'legacy' | 'bundle' | 'both';
export const IMAGE_SIGNATURE_FORMATS: readonly ImageSignatureFormat[] = ['legacy', 'bundle', 'both'];
/**
 * `legacy`, the one format every cosign verifies with just `--key`: v2 reads only the `.sig` tag
 * (v2.6 first looks for bundle referrers and, when it finds one, wants `--trusted-root` or TUF
 * over the network), and v3 falls back to the `.sig` tag when an image has no bundle referrer.
 * `both` adds the bundle for v3 (needed when the image already has other bundles, since v3 then
 * reads only bundles) at the cost of v2.6 wanting a trusted root; `bundle` is for v3 only.
 */
export const DEFAULT_IMAGE_SIGNATURE_FORMAT: ImageSignatureFormat = 'legacy';
