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
  DEFAULT_CREDENTIAL_HELPER_TIMEOUT_MS,
  DOCKER_HUB_SERVER_URL,
  helperProgram,
  runCredentialHelper,
  type CredentialHelperRun,
} from './credential-helper.ts';
export { RegistryCredentialStore, type RegistryCredentialStoreOptions } from './credentials.ts';
export {
  DOCKER_CONFIG_FILE,
  credentialSourceFor,
  credentialsFor,
  defaultDockerConfigDir,
  normalizeConfigHost,
  readDockerConfig,
  type CredentialSource,
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
  type FetchedManifest,
  type ManifestJson,
  type RepositoryRef,
} from './manifests.ts';
export { uploadBlob } from './blob-upload.ts';
export { confirmStored, readBack, type ReadBack } from './read-back.ts';
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
