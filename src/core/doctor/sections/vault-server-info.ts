/**
 * What a Vault server's unauthenticated answers say about it: which server it is, its version,
 * sealed or not, and its place in an HA cluster. The tell between the two servers, from their real
 * answers (HashiCorp Vault v1.21.4 and OpenBao v2.6.2, dev servers; the unit tests hold them):
 * HashiCorp Vault's sys/health carries `enterprise` (false for the Community Edition), OpenBao's
 * does not; OpenBao's sys/seal-status carries `commit_date` where Vault's has `build_date`.
 */
import type { ServerInfo } from '../plan.ts';

/** `sys/health` (asked to answer 200 in every state). */
export interface HealthAnswer {
  readonly initialized?: boolean;
  readonly sealed?: boolean;
  readonly standby?: boolean;
  readonly performance_standby?: boolean;
  readonly version?: string;
  readonly enterprise?: boolean;
}

/** `sys/seal-status`. */
export interface SealStatusAnswer {
  readonly type?: string;
  readonly initialized?: boolean;
  readonly sealed?: boolean;
  /** Key shares needed (threshold) and given so far. */
  readonly t?: number;
  readonly n?: number;
  readonly progress?: number;
  readonly version?: string;
  readonly build_date?: string;
  readonly commit_date?: string;
  readonly recovery_seal?: boolean;
}

/** `sys/leader`. */
export interface LeaderAnswer {
  readonly ha_enabled?: boolean;
  readonly is_self?: boolean;
  readonly leader_address?: string;
}

/** Which server answered, from sys/health and sys/seal-status (either may be missing). */
export function serverInfoOf(seal: SealStatusAnswer, health: HealthAnswer | undefined): ServerInfo {
  const flavour = flavourOf(seal, health);
  return {
    flavour,
    version: seal.version ?? health?.version ?? '?',
    enterprise: health?.enterprise === true,
    sealed: seal.sealed === true,
    standby: health?.standby === true,
    performanceStandby: health?.performance_standby === true,
  };
}

/** The server's own CLI, for the commands a fix names: `bao` for OpenBao, else `vault`. */
export function cliOf(info: ServerInfo): 'bao' | 'vault' {
  return info.flavour === 'openbao' ? 'bao' : 'vault';
}

function flavourOf(seal: SealStatusAnswer, health: HealthAnswer | undefined): ServerInfo['flavour'] {
  if (typeof health?.enterprise === 'boolean') return 'vault';
  if (seal.commit_date !== undefined) return 'openbao';
  if (seal.build_date !== undefined) return 'vault';
  // OpenBao's versions start at 2.0; HashiCorp Vault's are 1.x.
  return majorVersion(seal.version ?? health?.version) >= 2 ? 'openbao' : 'unknown';
}

function majorVersion(version: string | undefined): number {
  return Number(/^v?(\d+)\./.exec(version ?? '')?.[1] ?? 0);
}

/** "OpenBao 2.6.2", "HashiCorp Vault 1.21.4 (Community Edition)". */
export function describeServer(info: ServerInfo): string {
  switch (info.flavour) {
    case 'openbao':
      return `OpenBao ${info.version}`;
    case 'vault':
      return `HashiCorp Vault ${info.version} (${info.enterprise ? 'Enterprise' : 'Community Edition'})`;
    case 'unknown':
      return `a server of version ${info.version} that is neither recognisably HashiCorp Vault nor OpenBao`;
  }
}

export type HaRole = 'active' | 'standby' | 'performance-standby';

/** The node's place in the cluster, and a line about what that means for a run. */
export function haRoleOf(info: ServerInfo, leader: LeaderAnswer | undefined): { role: HaRole; detail: string } {
  const leaderAt = leader?.leader_address ? ` (active node: ${leader.leader_address})` : '';
  if (info.performanceStandby) {
    return {
      role: 'performance-standby',
      detail: `performance standby${leaderAt}: it serves reads itself and forwards writes (login, sign) to the active node`,
    };
  }
  if (info.standby) {
    return { role: 'standby', detail: `standby${leaderAt}: it forwards every request to the active node` };
  }
  if (leader?.ha_enabled === true) return { role: 'active', detail: 'active node of an HA cluster' };
  return { role: 'active', detail: 'active (a single node: HA is not enabled)' };
}

/** "sealed: 0 of 3 key shares given (shamir)", "sealed (auto-unseal 'awskms')". */
export function describeSeal(seal: SealStatusAnswer): string {
  const type = seal.type ?? 'shamir';
  if (type !== 'shamir') return `sealed (auto-unseal with the '${type}' seal)`;
  return `sealed: ${seal.progress ?? 0} of ${seal.t ?? '?'} key shares given (of ${seal.n ?? '?'})`;
}
