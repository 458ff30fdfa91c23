/**
 * The action's inputs (INPUT_* variables, '' when unset) through the shared option table into
 * one typed config. Nothing here validates: the table's rows do, for every front end alike.
 */
import {
  parseBlobOutputOptions,
  parseImageSigningOptions,
  parseLoginOptions,
  parseTransitOptions,
  parseVaultConnection,
  type BlobOutputOptions,
  parseAttestationRequests,
  parseProxyOptions,
  type AttestationRequest,
  type ImageSigningOptions,
  type LoginOptions,
  type ProxyOptions,
  type TransitOptions,
  type VaultConnection,
} from '../core/options/config.ts';
import { InputError } from '../core/errors.ts';
import { readOption, type OptionSource } from '../core/options/spec.ts';
import { OPTIONS } from '../core/options/table.ts';

export interface ActionConfig {
  /** Check the set-up instead of logging in (the `doctor` input). */
  readonly doctor: boolean;
  readonly connection: VaultConnection;
  readonly login: LoginOptions;
  readonly transit: TransitOptions;
  /** sign-blobs patterns; empty for a run that signs no file. */
  readonly blobs: readonly string[];
  readonly blobOutput: BlobOutputOptions;
  /** sign-images references; empty for a run that signs no image. */
  readonly images: readonly string[];
  readonly imageSigning: ImageSigningOptions;
  /** Attestations to sign about every signed file and image; empty for none. */
  readonly attestations: readonly AttestationRequest[];
  /** attestation-name: the files' attestation file name; '' for the defaults. */
  readonly attestationName: string;
  readonly exportToken: boolean;
  readonly outputToken: boolean;
  readonly revoke: boolean;
  /** A command line to run with the token in its environment only; '' for none. */
  readonly run: string;
  /** Later steps (and `run`) reach Vault through a job-local proxy instead of holding a token. */
  readonly proxy: boolean;
  readonly proxyOptions: ProxyOptions;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An input as the runner passes it: `INPUT_<NAME>` (spaces as _, upper case). */
export function actionInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export function actionOptionSource(env: Env): OptionSource {
  return { env, given: (row) => actionInput(env, row.name), spell: (row) => row.name };
}

/** Relative paths (files to sign, signature-dir, PEM files) are relative to `workspace`. */
export function parseActionConfig(env: Env, workspace: string): ActionConfig {
  const source = actionOptionSource(env);
  const run = readOption(source, OPTIONS.run);
  const proxy = readOption(source, OPTIONS.proxy);
  const exportToken = readOption(source, OPTIONS['export-token']);
  if (proxy && exportToken === true) {
    throw new InputError(
      'proxy and export-token are both true: with proxy, later steps reach Vault through the proxy and need no token — remove export-token',
    );
  }
  const blobs = readOption(source, OPTIONS['sign-blobs']);
  const images = readOption(source, OPTIONS['sign-images']);
  const attestations = parseAttestationRequests(source, { cwd: workspace });
  if (attestations.length > 0 && blobs.length === 0 && images.length === 0) {
    const asked = attestations[0]?.predicate.kind === 'provenance' ? 'provenance' : 'attest-predicate';
    throw new InputError(
      `${asked}: nothing to attest — an attestation is about what sign-blobs or sign-images signs: give one of them too`,
    );
  }
  return Object.freeze({
    doctor: readOption(source, OPTIONS.doctor),
    connection: parseVaultConnection(source, { cwd: workspace }),
    login: parseLoginOptions(source),
    transit: parseTransitOptions(source),
    blobs,
    blobOutput: parseBlobOutputOptions(source, { cwd: workspace }),
    images,
    imageSigning: parseImageSigningOptions(source),
    attestations,
    attestationName: readOption(source, OPTIONS['attestation-name']),
    // With `run`, the token goes to that command only, unless export-token says otherwise; with
    // `proxy`, to no step at all.
    exportToken: exportToken ?? (run === '' && !proxy),
    outputToken: readOption(source, OPTIONS['output-token']),
    revoke: readOption(source, OPTIONS.revoke),
    run,
    proxy,
    proxyOptions: parseProxyOptions(source, { cwd: workspace }),
  });
}
