/** Image references (registry/repository:tag@digest) parsed strictly, with Docker Hub's defaults. */
import { OciError } from './errors.ts';
import { DOCKER_HUB, DOCKER_HUB_ALIASES_FOR_CONFIG, DOCKER_HUB_API_HOST, DOCKER_HUB_CANONICAL } from './docker-hub.ts';
import { SHA256_DIGEST } from './media-types.ts';

/** A parsed image reference. `registry` is how the user's host is named (Docker Hub: docker.io). */
export interface ImageReference {
  /** host[:port]; `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Path in the registry, e.g. `library/alpine`. */
  readonly repository: string;
  /** The tag named, when one was (`latest` when neither a tag nor a digest was given). */
  readonly tag?: string;
  /** `sha256:<hex>` when the reference names a digest (wins over a tag). */
  readonly digest?: string;
}

const DOCKER_HUB_ALIASES = DOCKER_HUB_ALIASES_FOR_CONFIG;
// The distribution reference grammar: path components of lowercase alphanumerics with
// separators (., _, __, runs of -); tags up to 128 word characters, dots and dashes.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const HOST =
  /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;

/**
 * `[host[:port]/]path[:tag][@sha256:hex]`, with Docker's defaults: a first component without a
 * dot, a colon or `localhost` is not a host (so `alpine` is `docker.io/library/alpine:latest`).
 */
export function parseImageReference(reference: string): ImageReference {
  const input = reference.trim();
  const invalid = (why: string) =>
    new OciError(
      'IMAGE_REFERENCE_INVALID',
      `'${reference}' is not an image reference: ${why} — use e.g. registry.example.com/team/app:1.0 or …/app@sha256:<64 hex>`,
    );
  if (input === '' || /\s/.test(input)) throw invalid('it is empty or contains whitespace');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) throw invalid('leave out the scheme (https://)');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) throw invalid(`the digest '${digest}' is not sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(`the tag '${tag}' is not valid`);
  }

  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const isHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = isHost ? first : DOCKER_HUB;
  let repository = isHost ? rest.slice(slash + 1) : rest;
  if (isHost && !HOST.test(registry)) throw invalid(`the registry host '${registry}' is not valid`);
  if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '' || !repository.split('/').every((c) => COMPONENT.test(c))) {
    throw invalid(`the repository '${repository}' is not valid (lowercase letters, digits, '.', '_', '-' and '/')`);
  }
  if (repository.length > 255) throw invalid('the repository is longer than 255 characters');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `registry/repository`, e.g. `docker.io/library/alpine`. */
export function repositoryName(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The repository as cosign names it (go-containerregistry: Docker Hub is `index.docker.io`). */
export function cosignRepositoryName(ref: Pick<ImageReference, 'registry' | 'repository'>): string {
  return `${ref.registry === DOCKER_HUB ? DOCKER_HUB_CANONICAL : ref.registry}/${ref.repository}`;
}

/** `repo@digest` or `repo:tag`. */
export function formatReference(ref: ImageReference): string {
  const name = repositoryName(ref);
  return ref.digest ? `${name}@${ref.digest}` : `${name}:${ref.tag ?? 'latest'}`;
}

/** host[:port] the registry API answers on. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/** The host name without a port or IPv6 brackets. */
export function hostName(hostAndPort: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(hostAndPort);
  if (v6?.[1]) return v6[1];
  return hostAndPort.replace(/:\d+$/, '');
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: spoken to over plain http, always. */
export function isLoopbackHost(hostAndPort: string): boolean {
  const name = hostName(hostAndPort).toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    name === '::1' ||
    name === '0:0:0:0:0:0:0:1'
  );
}
