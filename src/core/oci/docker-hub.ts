/** Docker Hub's names. */
export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's registry API answers. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
/** How go-containerregistry, and so cosign, name Docker Hub in references and payloads. */
export const DOCKER_HUB_CANONICAL = 'index.docker.io';
/** Names of Docker Hub in references and Docker config keys. */
export const DOCKER_HUB_ALIASES_FOR_CONFIG: ReadonlySet<string> = new Set([
  DOCKER_HUB,
  DOCKER_HUB_CANONICAL,
  DOCKER_HUB_API_HOST,
]);
