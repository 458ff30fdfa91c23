/** What `doctor` is asked to check, and what the checks hand on to later ones. */
import type { Logger } from '../logger.ts';
import type { RegistryClientOptions } from '../oci/client.ts';
import type { LoginOptions, TransitOptions, VaultConnection } from '../options/config.ts';
import type { JwtSvid } from '../spiffe/jwt-svid.ts';
import type { WorkloadApiClient } from '../spiffe/client.ts';
import type { X509Svid } from '../spiffe/x509-svid.ts';
import type { VaultClient } from '../vault/client.ts';
import type { VaultToken } from '../vault/token.ts';
import type { CheckResult, DoctorArea } from './check.ts';
import type { JwtRoleFields } from './sections/login-role.ts';

/** Requests of a check give up after this (a preflight must not wait out a run's deadline). */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 10_000;

/** How long a check's Vault requests may retry: the run's own timeout, at most the doctor's. */
export function checkDeadlineMs(connection: Pick<VaultConnection, 'timeoutMs'>): number {
  return Math.min(connection.timeoutMs, DEFAULT_DOCTOR_TIMEOUT_MS);
}

export interface DoctorPlan {
  readonly connection: VaultConnection;
  readonly login: LoginOptions;
  /** The transit key to check for signing; undefined: no transit checks. */
  readonly transit?: TransitOptions | undefined;
  /** Also check what `cosign verify --key hashivault://` needs (transit verify). */
  readonly verify: boolean;
  /** Images whose registries must take a push; [] for none. */
  readonly images: readonly string[];
  readonly registry: RegistryClientOptions;
  /**
   * A token for read-only looks at what the CI token can rarely read: the JWT role, the JWT
   * config and the list of auth methods (an admin's VAULT_TOKEN). Never used to log in or sign.
   */
  readonly readToken?: string | undefined;
}

export interface DoctorDeps {
  readonly logger: Logger;
  /** Masks a secret the moment it exists (the adapter's setSecret or redaction). */
  readonly onSecret: (secret: string) => void;
  /** HTTP(S)_PROXY / NO_PROXY as the adapter's environment has them. */
  readonly proxyEnv: Readonly<Record<string, string | undefined>>;
}

/** What the server told us about itself (from sys/health and sys/seal-status). */
export interface ServerInfo {
  readonly flavour: 'vault' | 'openbao' | 'unknown';
  readonly version: string;
  /** HashiCorp Vault Enterprise (namespaces); false for the Community Edition and OpenBao. */
  readonly enterprise: boolean;
  readonly sealed: boolean;
  readonly standby: boolean;
  readonly performanceStandby: boolean;
}

/** Filled in by the checks for the ones after them; the runner frees what it holds at the end. */
export interface DoctorState {
  workload?: WorkloadApiClient;
  /** The JWT-SVID (jwt login). Its `token` is a secret. */
  jwtSvid?: JwtSvid;
  /** The X.509-SVID (cert login). Its private key is a secret. */
  x509Svid?: X509Svid;
  /** Vault answered (the server checks passed far enough for a login to be worth trying). */
  vault?: VaultClient;
  server?: ServerInfo;
  /** The token the login check minted (a secret); revoked when the checks end. */
  token?: VaultToken;
  /** The minted token's type as the login answered it ('service' or 'batch'). */
  tokenType?: string;
  /** The login's role as the read token saw it (only when a read token was given). */
  jwtRole?: JwtRoleFields;
}

export interface DoctorContext {
  readonly plan: DoctorPlan;
  readonly deps: DoctorDeps;
  readonly state: DoctorState;
  /** Records one check's result (in order). */
  add(check: CheckResult): void;
}

/** One link of the chain. */
export interface DoctorSection {
  readonly area: DoctorArea;
  /** Every check id it may report (the troubleshooting guide has a section for each). */
  readonly checks: readonly string[];
  run(ctx: DoctorContext): Promise<void>;
}
