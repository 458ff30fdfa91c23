/**
 * The key checks: `transit.key` (it exists and the token may read it), `transit.key-type` (only
 * ecdsa-p256 is what cosign's hashivault:// and Sigstore verifiers take), `transit.key-version`
 * (the version to sign with is one Vault signs with) and `transit.key-settings` (what a signer
 * should know: an exportable key can leave Vault, a deletable one can be destroyed).
 */
import { diagnoseKeyRead } from '../../diagnose/transit.ts';
import { describeError } from '../../errors.ts';
import { CodedError } from '../../errors.ts';
import { policyLines, type Grant } from '../../policy/grants.ts';
import { VaultHttpError } from '../../vault/errors.ts';
import { createKeyCommand, keyPath, type TransitTarget } from '../../vault/transit-errors.ts';
import {
  publicKeyOf,
  resolveKeyVersion,
  SUPPORTED_TRANSIT_KEY_TYPE,
  transitKeyFromResponse,
  type TransitKeyInfo,
} from '../../vault/transit-key.ts';
import { fail, failFromFinding, ok, skip, warn, type CheckResult } from '../check.ts';
import type { Answer } from './transit-probe.ts';

export interface KeyCheckContext {
  readonly target: TransitTarget;
  /** --key-version; undefined for the latest. */
  readonly requestedVersion: number | undefined;
  /** capabilities-self says the token may not read the key (transit.capabilities says what to add). */
  readonly readDenied: boolean;
  /** The grants a key of another name would need (for the lines that go with a new key). */
  readonly grantsFor: (key: string) => readonly Grant[];
  /** Where new policy lines go (transit.capabilities' wording). */
  readonly addLinesFix: string;
}

export function keyChecks(key: Answer<unknown>, ctx: KeyCheckContext): CheckResult[] {
  const { target } = ctx;
  if ('error' in key) {
    if (ctx.readDenied && key.error instanceof VaultHttpError && key.error.status === 403) {
      return [skip('transit.key', 'transit key', 'the token may not read it (see transit.capabilities)')];
    }
    const check =
      key.error instanceof VaultHttpError
        ? failFromFinding('transit.key', 'transit key', diagnoseKeyRead(key.error, target))
        : fail('transit.key', 'transit key', describeError(key.error));
    return [check];
  }
  let info: TransitKeyInfo;
  try {
    info = transitKeyFromResponse(key.value, target);
  } catch (error: unknown) {
    return [fail('transit.key', 'transit key', describeError(error), codeOf(error))];
  }
  const checks = [ok('transit.key', 'transit key', `${keyPath(target)}, latest version ${info.latestVersion}`)];
  if (info.type !== SUPPORTED_TRANSIT_KEY_TYPE) return [...checks, typeUnsupported(info.type, ctx)];
  checks.push(ok('transit.key-type', 'key type', `${info.type} (what cosign's hashivault:// signs with)`));
  checks.push(versionCheck(info, ctx));
  checks.push(settingsCheck(key.value, target));
  return checks;
}

/** The key cannot sign for cosign: a new ecdsa-p256 key, its policy lines, and the flag to use it. */
function typeUnsupported(type: string, ctx: KeyCheckContext): CheckResult {
  const { target } = ctx;
  const newKey = `${target.key}-p256`;
  const create = createKeyCommand({ ...target, key: newKey });
  return fail(
    'transit.key-type',
    'key type',
    `${keyPath(target)} is of type '${type}': only ${SUPPORTED_TRANSIT_KEY_TYPE} keys sign what cosign and Sigstore verifiers accept`,
    {
      code: 'TRANSIT_KEY_TYPE_UNSUPPORTED',
      reason: 'key-type',
      fix:
        `a key's type cannot change: create an ${SUPPORTED_TRANSIT_KEY_TYPE} key (\`${create}\`), sign with it ` +
        `(\`--transit-key ${newKey}\`) and grant its paths — ${ctx.addLinesFix}`,
      commands: [create],
      policy: policyLines(ctx.grantsFor(newKey)),
    },
  );
}

function versionCheck(info: TransitKeyInfo, ctx: KeyCheckContext): CheckResult {
  const { target, requestedVersion } = ctx;
  const bounds = `latest ${info.latestVersion}, min_encryption_version ${info.minEncryptionVersion}, min_decryption_version ${info.minDecryptionVersion}`;
  try {
    const version = resolveKeyVersion(info, { requested: requestedVersion, target });
    publicKeyOf(info, { version, target });
    const pinned = requestedVersion === undefined ? 'the latest' : '--key-version';
    return ok('transit.key-version', 'key version', `signs with version ${version}, ${pinned} (${bounds})`);
  } catch (error: unknown) {
    // The message is "what — fix", the house form of a coded error.
    const [seen, ...fix] = describeError(error).split(' — ');
    return fail('transit.key-version', 'key version', seen ?? '', {
      ...codeOf(error),
      ...(fix.length ? { fix: fix.join(' — ') } : {}),
      commands: [`vault read ${keyPath(target)}`],
    });
  }
}

interface KeySettingsWire {
  exportable?: unknown;
  deletion_allowed?: unknown;
  auto_rotate_period?: unknown;
}

/** What matters to a signer beyond the type: whether the key can leave Vault, or be deleted. */
function settingsCheck(response: unknown, target: TransitTarget): CheckResult {
  const data = (response as { data?: KeySettingsWire } | undefined)?.data ?? {};
  const rotate = typeof data.auto_rotate_period === 'number' ? data.auto_rotate_period : 0;
  const rotation =
    rotate > 0
      ? `rotates every ${rotate} s (pin --key-version where verifiers hold one public key)`
      : 'no automatic rotation';
  const seen: string[] = [];
  const fixes: string[] = [];
  const commands: string[] = [];
  if (data.exportable === true) {
    const create = createKeyCommand({ ...target, key: `${target.key}-p256` });
    seen.push(`the private key is exportable (${target.transitPath}/export/signing-key/${target.key})`);
    fixes.push(
      `exportable cannot be turned off: for a key that never leaves Vault create a new one (\`${create}\`) and sign with it`,
    );
    commands.push(create);
  }
  if (data.deletion_allowed === true) {
    const config = `vault write ${keyPath(target)}/config deletion_allowed=false`;
    seen.push('deletion is allowed (a token with delete on the key can destroy it)');
    fixes.push(`forbid deletion (\`${config}\`)`);
    commands.push(config);
  }
  if (!seen.length) return ok('transit.key-settings', 'key settings', `not exportable, not deletable, ${rotation}`);
  return warn('transit.key-settings', 'key settings', `${seen.join('; ')}; ${rotation}`, {
    fix: fixes.join('; '),
    commands,
  });
}

function codeOf(error: unknown): { code?: string } {
  return error instanceof CodedError ? { code: error.code as string } : {};
}
