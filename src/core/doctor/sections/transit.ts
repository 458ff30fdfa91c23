/** Transit checks: the key exists, cosign can use its type, the token may sign with it. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { keyUrlPath } from '../../vault/transit-errors.ts';
import { transitKeyFromResponse } from '../../vault/transit-key.ts';
import { fail, failFromFinding, ok, skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';

export const transitSection: DoctorSection = {
  area: 'transit',
  checks: ['transit.key'],
  async run(ctx) {
    const { transit, connection } = ctx.plan;
    if (!transit) return;
    const { vault, token } = ctx.state;
    if (!vault || !token) {
      ctx.add(skip('transit.key', 'transit key', 'needs a token'));
      return;
    }
    const target = { address: connection.vaultAddr, transitPath: transit.transitPath, key: transit.transitKey };
    try {
      const response = await vault.request({ method: 'GET', path: keyUrlPath(target), token: token.token });
      const info = transitKeyFromResponse(response, target);
      ctx.add(
        ok(
          'transit.key',
          'transit key',
          `${transit.transitPath}/keys/${transit.transitKey}: ${info.type}, latest version ${info.latestVersion}`,
        ),
      );
    } catch (error: unknown) {
      const finding = findingOf(error);
      ctx.add(
        finding
          ? failFromFinding('transit.key', 'transit key', finding)
          : fail('transit.key', 'transit key', describeError(error)),
      );
    }
  },
};
