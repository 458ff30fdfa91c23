/**
 * Flags (and the environment variables the option table names) into the core's typed configs.
 * Validation lives in the table's rows, the same for the action and the components.
 */
import * as options from '../core/options/config.ts';
import { readOption, type OptionSource } from '../core/options/spec.ts';
import { OPTIONS } from '../core/options/table.ts';
import { InputError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { RegistryClientOptions } from '../core/oci/client.ts';
import { defaultDockerConfigDir } from '../core/oci/docker-config.ts';
import type { FlagValues } from './args.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A string flag's value, '' when unset. */
export function flagString(values: FlagValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value.trim() : '';
}

export function cliOptionSource(values: FlagValues, env: Env): OptionSource {
  return {
    env,
    given: (row) => {
      const value = values[row.flag ?? row.name];
      return typeof value === 'boolean' ? String(value) : (value ?? '');
    },
    spell: (row) => `--${row.flag ?? row.name}`,
  };
}

export function parseVaultConfig(
  values: FlagValues,
  { env, cwd }: { readonly env: Env; readonly cwd: string },
): options.VaultConnection {
  return options.parseVaultConnection(cliOptionSource(values, env), { cwd });
}

export function parseLoginConfig(values: FlagValues, env: Env): options.LoginOptions {
  return options.parseLoginOptions(cliOptionSource(values, env));
}

export function parseAttestationConfig(
  values: FlagValues,
  { env, cwd }: { readonly env: Env; readonly cwd: string },
): readonly options.AttestationRequest[] {
  return options.parseAttestationRequests(cliOptionSource(values, env), { cwd });
}

/** --attestation-name: the files' attestation file name; '' for the defaults. */
export function parseAttestationName(values: FlagValues, env: Env): string {
  return readOption(cliOptionSource(values, env), OPTIONS['attestation-name']);
}

export function parseProxyConfig(
  values: FlagValues,
  { env, cwd }: { readonly env: Env; readonly cwd: string },
): options.ProxyOptions {
  return options.parseProxyOptions(cliOptionSource(values, env), { cwd });
}

export function parseTransitConfig(values: FlagValues, env: Env): options.TransitOptions {
  return options.parseTransitOptions(cliOptionSource(values, env));
}

export interface BlobSigningConfig extends options.TransitOptions, options.BlobOutputOptions {
  readonly patterns: readonly string[];
}

export function parseSigningConfig(
  values: FlagValues,
  input: { readonly env: Env; readonly positionals: readonly string[]; readonly cwd: string },
): BlobSigningConfig {
  const { env } = input;
  const patterns = input.positionals.map((p) => p.trim()).filter((p) => p !== '');
  if (patterns.length === 0) {
    throw new InputError("no FILE given — name the files to sign, e.g. spiffe-vault sign-blob 'dist/*.tar.gz'");
  }
  const source = cliOptionSource(values, env);
  return Object.freeze({
    patterns: Object.freeze(patterns),
    ...options.parseTransitOptions(source),
    ...options.parseBlobOutputOptions(source, { cwd: input.cwd }),
  });
}

export function parseImageSigningConfig(values: FlagValues, env: Env) {
  return options.parseImageSigningOptions(cliOptionSource(values, env));
}

/** Registry access for sign-image and verify-image: Docker config credentials, insecure hosts. */
export function registryOptions(
  values: FlagValues,
  options: { readonly env: Env; readonly logger: Logger; readonly timeoutMs?: number },
): RegistryClientOptions {
  const { env } = options;
  return {
    dockerConfigDir: defaultDockerConfigDir(env),
    insecureHosts: parseImageSigningConfig(values, env).registryInsecure,
    proxyEnv: env,
    logger: options.logger,
    ...(options.timeoutMs !== undefined ? { retryDeadlineMs: options.timeoutMs } : {}),
  };
}
