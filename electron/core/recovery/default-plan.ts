import type { PlanDraft } from '../../../shared/model/recovery-plan.ts';
import { PlanDraftSchema } from '../../../shared/model/recovery-plan.ts';

export const DEFAULT_PLAN_ID = 'full-site';

/** Out of the box: the whole site, tier by tier, as the hospital's runbook orders it. */
export function fullSitePlan(): PlanDraft {
  return PlanDraftSchema.parse({
    name: 'Full site',
    description: 'Every replicated VM, tier 0 (patient care) first, then tier 1, then tier 2.',
    groups: [
      { name: 'Tier 0 — patient care', members: [{ query: 'tier:0' }] },
      { name: 'Tier 1 — business', members: [{ query: 'tier:1' }] },
      { name: 'Tier 2 — can wait', members: [{ query: 'tier:2' }] },
    ],
  });
}
