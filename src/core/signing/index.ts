/** The signing area's public surface: file patterns, digests, blob and image signatures, bundles. */
export { writeFileAtomic, DEFAULT_ATOMIC_FILE_MODE, type WriteFileAtomicOptions } from './atomic-file.ts';
export {
  DEFAULT_HASH_CONCURRENCY,
  DEFAULT_SIGNING_GROUP_SIZE,
  OUTPUT_FILE_MODE,
  signBlobs,
  type SignBlobsOptions,
} from './blob-signing.ts';
export {
  DEFAULT_DIGEST_CHUNK_SIZE,
  assertReadableFile,
  sha256File,
  type DigestOptions,
  type FileDigest,
} from './digest.ts';
export { SigningError, type SigningErrorCode } from './errors.ts';
export { BundleBuilder, bundleJson, type BundleArtifact, type BundleBuilderOptions } from './bundle-builder.ts';
export { BUNDLE_SUFFIX, SIGNATURE_SUFFIX, blobOutputPaths, type BlobOutputPaths } from './output-paths.ts';
export {
  DEFAULT_IF_NO_FILES_FOUND,
  IF_NO_FILES_FOUND_VALUES,
  checkFilesFound,
  resolveFilePatterns,
  type IfNoFilesFound,
  type PatternMatch,
  type ResolveFilePatternsOptions,
  type ResolvedFiles,
} from './patterns.ts';
export {
  DEFAULT_IMAGE_SIGNATURE_FORMAT,
  DEFAULT_REGISTRY_CONCURRENCY,
  IMAGE_SIGNATURE_FORMATS,
  signImages,
  type ImageSignatureFormat,
  type SignImagesOptions,
  type SignedImage,
} from './images.ts';
export { checkPublicKeyFile, publicKeyFileName, writePublicKey, type WritePublicKeyOptions } from './public-key.ts';
export type { DigestSigner, SignedBlob } from './types.ts';
