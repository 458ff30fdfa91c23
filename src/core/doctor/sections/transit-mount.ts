/**
 * `transit.mount`: a transit secrets engine is mounted at the transit path. The mount's type comes
 * from sys/internal/ui/mounts; a token with no right below the mount cannot read it (Vault then
 * answers 403, as it does for a path where nothing is mounted), and the key read tells instead:
 * 404 "no handler for route" means nothing is mounted there.
 */
import { diagnoseKeyRead } from '../../diagnose/transit.ts';
import { answerOf } from '../../diagnose/vault.ts';
import { isNoRouteAnswer } from '../../diagnose/vault-answers.ts';
import { VaultHttpError } from '../../vault/errors.ts';
import { createKeyCommand, type TransitTarget } from '../../vault/transit-errors.ts';
import { fail, failFromFinding, ok, skip, type CheckResult } from '../check.ts';
import type { TransitProbe } from './transit-probe.ts';

const ID = 'transit.mount';
const TITLE = 'transit mount';

export function mountCheck(probe: Pick<TransitProbe, 'mount' | 'key'>, target: TransitTarget): CheckResult {
  const wanted = `${target.transitPath}/`;
  if ('value' in probe.mount) {
    const { type, path } = probe.mount.value;
    if (path === wanted && type === 'transit') return ok(ID, TITLE, `'${wanted}' is a transit secrets engine`);
    const seen =
      path === wanted
        ? `'${wanted}' is a ${type} secrets engine, not transit`
        : `nothing is mounted at '${wanted}': the path is inside the ${type} engine at '${path}'`;
    return fail(ID, TITLE, seen, {
      code: 'TRANSIT_KEY_NOT_FOUND',
      reason: 'mount-not-transit',
      fix:
        `point --transit-path at the transit engine (\`vault secrets list\`), or enable transit at a free path ` +
        `(\`vault secrets enable -path=PATH transit\`)`,
      commands: ['vault secrets list'],
    });
  }
  const key = probe.key;
  if ('error' in key && key.error instanceof VaultHttpError && isNoRouteAnswer(key.error)) {
    const check = failFromFinding(ID, TITLE, diagnoseKeyRead(key.error, target));
    // Nothing mounted means no key either: the fix that passes creates both.
    return { ...check, commands: [...(check.commands ?? []), createKeyCommand(target)] };
  }
  if ('value' in key || (key.error instanceof VaultHttpError && key.error.status === 404)) {
    return ok(ID, TITLE, `something is mounted at '${wanted}' (its type: ${answerOf(probe.mount.error)})`);
  }
  if (key.error instanceof VaultHttpError && key.error.status === 403) {
    return skip(ID, TITLE, `the token has no right below '${wanted}' to tell (see transit.capabilities)`);
  }
  return skip(ID, TITLE, `could not tell: ${answerOf(key.error)}`);
}
