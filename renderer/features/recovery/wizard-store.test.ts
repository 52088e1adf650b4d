import { describe, expect, it } from 'vitest';
import { DrillChecklistDraftSchema } from '../../../shared/model/drill-session.ts';
import { drillChecklistDraft, EMPTY_CHECKLIST } from './wizard-store.ts';

describe('the drill checklist as typed', () => {
  it('sends nothing when nothing was filled in, so a drill can still start without one', () => {
    expect(drillChecklistDraft(EMPTY_CHECKLIST)).toBeNull();
    expect(drillChecklistDraft(null)).toBeNull();
  });

  it('drops unnamed rows, splits application lists, and is what the core accepts', () => {
    const draft = drillChecklistDraft({
      attendees: [{ name: ' C. Infra ', role: 'infra', applications: '' }, { name: '', role: 'dba', applications: 'x' }, { name: 'B. Owner', role: 'application-owner', applications: 'EHR, , LIS ' }],
      signOffRoles: ['infra', 'application-owner'],
      applications: 'EHR,LIS',
    });
    expect(draft).toEqual({
      attendees: [{ name: 'C. Infra', role: 'infra', applications: [] }, { name: 'B. Owner', role: 'application-owner', applications: ['EHR', 'LIS'] }],
      signOffRoles: ['infra', 'application-owner'],
      applications: ['EHR', 'LIS'],
    });
    expect(DrillChecklistDraftSchema.safeParse(draft).success).toBe(true);
  });
});
