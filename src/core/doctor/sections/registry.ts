/** Registry checks (when images are named): reachable, credentials found, push allowed. */
import { skip } from '../check.ts';
import type { DoctorSection } from '../plan.ts';

export const registrySection: DoctorSection = {
  area: 'registry',
  checks: ['registry.push'],
  async run(ctx) {
    for (const image of ctx.plan.images) ctx.add(skip('registry.push', 'registry', `${image}: not checked yet`));
  },
};
