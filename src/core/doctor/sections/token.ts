/** Token checks: policies, TTL, type (service or batch), renewable, revoke-self allowed. */
import { findingOf } from '../../diagnose/finding.ts';
import { describeError } from '../../errors.ts';
import { lookupSelf } from '../../vault/token.ts';
import { fail, failFromFinding, ok, skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';

export const tokenSection: DoctorSection = {
  area: 'token',
  checks: ['token.lookup'],
  async run(ctx) {
    const { vault, token } = ctx.state;
    if (!vault || !token) {
      ctx.add(skip('token.lookup', 'token', 'needs a login'));
      return;
    }
    try {
      const lookup = await lookupSelf(vault, token.token);
      ctx.add(ok('token.lookup', 'token', `policies ${JSON.stringify(lookup.policies)}, ttl ${lookup.ttlSeconds} s`));
    } catch (error: unknown) {
      const finding = findingOf(error);
      ctx.add(
        finding
          ? failFromFinding('token.lookup', 'token', finding)
          : fail('token.lookup', 'token', describeError(error)),
      );
    }
  },
};
