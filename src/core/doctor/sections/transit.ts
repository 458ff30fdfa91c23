/**
 * Transit checks, with the token the login minted: the mount is a transit engine, the token holds
 * the rights signing (and --verify) needs, and the key exists, has a type cosign can use, a
 * version Vault signs with, and settings a signer should know about.
 */
import { signingGrants, verifyGrants, type Grant } from '../../policy/grants.ts';
import type { TransitTarget } from '../../vault/transit-errors.ts';
import { skip } from '../check.ts';
import type { DoctorContext, DoctorSection } from '../plan.ts';
import { addLinesFix, capabilitiesCheck, missingGrants } from './transit-capabilities.ts';
import { keyChecks } from './transit-key.ts';
import { mountCheck } from './transit-mount.ts';
import { probeTransit } from './transit-probe.ts';

export const TRANSIT_CHECK_IDS = [
  'transit.mount',
  'transit.capabilities',
  'transit.key',
  'transit.key-type',
  'transit.key-version',
  'transit.key-settings',
] as const;

export const transitSection: DoctorSection = {
  area: 'transit',
  checks: TRANSIT_CHECK_IDS,
  async run(ctx) {
    const { transit, connection } = ctx.plan;
    if (!transit) return;
    const { vault, token } = ctx.state;
    if (!vault || !token) {
      ctx.add(skip('transit.key', 'transit key', 'needs a token (see login)'));
      return;
    }
    const target: TransitTarget = {
      address: connection.vaultAddr,
      transitPath: transit.transitPath,
      key: transit.transitKey,
    };
    const grantsFor = (key: string) => neededGrants(ctx, { ...target, key });
    const grants = grantsFor(target.key);
    const probe = await probeTransit(vault, { token: token.token, target, grants });
    const mount = mountCheck(probe, target);
    ctx.add(mount);
    const rights = { grants, policies: token.policies, login: ctx.plan.login };
    ctx.add(capabilitiesCheck(probe.capabilities, rights));
    if (mount.status === 'fail') {
      ctx.add(skip('transit.key', 'transit key', 'needs the mount (see transit.mount)'));
      return;
    }
    const readGrant = grants.filter((grant) => grant.capabilities.includes('read'));
    const readDenied = 'value' in probe.capabilities && missingGrants(probe.capabilities.value, readGrant).length > 0;
    for (const check of keyChecks(probe.key, {
      target,
      requestedVersion: transit.keyVersion,
      readDenied,
      grantsFor,
      addLinesFix: addLinesFix(rights),
    })) {
      ctx.add(check);
    }
  },
};

/** What the run the options describe needs: signing, and verifying through Vault with --verify. */
function neededGrants(ctx: DoctorContext, target: TransitTarget): readonly Grant[] {
  return [...signingGrants(target), ...(ctx.plan.verify ? verifyGrants(target) : [])];
}
