/**
 * A registry's credentials, looked up once per registry (and only when a registry asks for
 * them) the way the docker CLI looks them up: credentials given in the options, else the Docker
 * config's `credHelpers` entry for the host, else its `credsStore`, else its `auths` entry.
 * Credentials are never logged; only where they came from is.
 */
import type { Logger } from '../logger.ts';
import { helperProgram, runCredentialHelper } from './credential-helper.ts';
import {
  credentialSourceFor,
  credentialsFor,
  type DockerConfigCredentials,
  type RegistryCredentials,
} from './docker-config.ts';

export interface RegistryCredentialStoreOptions {
  /** Credentials per registry (as named in references); they win over the Docker config. */
  readonly explicit?: Readonly<Record<string, RegistryCredentials>>;
  readonly config?: DockerConfigCredentials;
  /** The environment credential helpers run in; default this process's. */
  readonly helperEnv?: Readonly<Record<string, string | undefined>>;
  readonly helperTimeoutMs?: number;
  readonly logger: Logger;
}

interface Lookup {
  readonly credentials: RegistryCredentials | undefined;
  /** Where they came from, for messages: "the options", the config path, or the helper. */
  readonly origin: string;
}

export class RegistryCredentialStore {
  private readonly options: RegistryCredentialStoreOptions;
  private readonly lookups = new Map<string, Promise<Lookup>>();
  private readonly settled = new Map<string, Lookup>();

  constructor(options: RegistryCredentialStoreOptions) {
    this.options = options;
  }

  /** The credentials for a registry, or undefined; a helper runs at most once per registry. */
  async get(registry: string): Promise<RegistryCredentials | undefined> {
    let lookup = this.lookups.get(registry);
    if (!lookup) {
      lookup = this.lookUp(registry).then((found) => {
        this.settled.set(registry, found);
        return found;
      });
      // A failed helper is asked again by the next request rather than failing it from a cache.
      lookup.catch(() => this.lookups.delete(registry));
      this.lookups.set(registry, lookup);
    }
    return (await lookup).credentials;
  }

  /**
   * For messages: where the credentials that were sent to `registry` came from, or undefined
   * when none were found there (or none were looked up yet).
   */
  originOf(registry: string): string | undefined {
    const found = this.settled.get(registry);
    return found?.credentials ? found.origin : undefined;
  }

  /** The Docker config file read, if any. */
  get configPath(): string | undefined {
    return this.options.config?.path;
  }

  private async lookUp(registry: string): Promise<Lookup> {
    const { explicit, config, logger } = this.options;
    const given = explicit?.[registry];
    if (given) return { credentials: given, origin: 'the options' };
    if (!config) return { credentials: undefined, origin: 'no Docker config' };
    const source = credentialSourceFor(config, registry);
    const inFile = credentialsFor(config, registry);
    if (source.kind === 'auths') return { credentials: inFile, origin: config.path ?? 'the Docker config' };
    const program = helperProgram(source.helper);
    const origin = `${program} (${source.setting} in ${config.path ?? 'the Docker config'})`;
    logger.debug(`asking ${origin} for the credentials of ${registry}`);
    try {
      const credentials = await runCredentialHelper({
        helper: source.helper,
        registry,
        ...(this.options.helperEnv ? { env: this.options.helperEnv } : {}),
        ...(this.options.helperTimeoutMs ? { timeoutMs: this.options.helperTimeoutMs } : {}),
      });
      logger.debug(`${program} ${credentials ? 'gave' : 'has no'} credentials for ${registry}`);
      return { credentials, origin };
    } catch (error: unknown) {
      // The helper is not installed but the file has the registry's credentials: use them.
      if (inFile && isMissingProgram(error)) {
        logger.warning(`${program} is not on PATH; using the auths entry for ${registry} in ${config.path}`);
        return { credentials: inFile, origin: config.path ?? 'the Docker config' };
      }
      throw error;
    }
  }
}

function isMissingProgram(error: unknown): boolean {
  return (error as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code === 'ENOENT';
}
