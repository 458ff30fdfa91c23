/** The registry client: references, authentication, manifests, blobs and referrers. */
export {
  RegistryClient,
  DEFAULT_REGISTRY_REQUEST_TIMEOUT_MS,
  sha256Digest,
  type RegistryClientOptions,
  type RegistryRequest,
} from './client.ts';
export { parseAuthChallenge, type AuthChallenge } from './challenge.ts';
export {
  DOCKER_CONFIG_FILE,
  credentialsFor,
  defaultDockerConfigDir,
  normalizeConfigHost,
  readDockerConfig,
  type DockerConfigCredentials,
  type RegistryCredentials,
} from './docker-config.ts';
export { OciError, RegistryHttpError, isRetryableRegistryError, type OciErrorCode } from './errors.ts';
export {
  blobExists,
  getBlob,
  getManifest,
  putManifest,
  resolveImage,
  uploadBlob,
  type FetchedManifest,
  type ManifestJson,
  type RepositoryRef,
} from './manifests.ts';
export * from './media-types.ts';
export { DOCKER_HUB, DOCKER_HUB_API_HOST, DOCKER_HUB_CANONICAL } from './docker-hub.ts';
export {
  apiHost,
  cosignRepositoryName,
  formatReference,
  isLoopbackHost,
  parseImageReference,
  repositoryName,
  type ImageReference,
} from './reference.ts';
export { listReferrers, pushReferrer, referrersTag, type Referrers } from './referrers.ts';
