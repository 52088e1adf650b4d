import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/model/replication.ts';
import { countAlerts, deliverySummary, groupAlerts } from './alert-groups.ts';

const base: Alert = { id: '', kind: 'rpo', severity: 'warning', vmId: 'v', vmName: 'v', tier: 2, message: '', raisedAt: 0, raisedWallAt: 0, clearedAt: null, acknowledged: null, incidentId: null, delivery: [] };
const ack = { by: 'op', at: 1 };

describe('alert groups', () => {
  const wan: Alert = { ...base, id: 'I1', kind: 'wan-link', severity: 'critical', tier: null };
  const list: Alert[] = [
    wan,
    { ...base, id: 'A1', severity: 'critical', tier: 0, incidentId: 'I1' },
    { ...base, id: 'A2', tier: 2, incidentId: 'I1', acknowledged: ack },
    { ...base, id: 'A3', tier: 1 },
  ];

  it('files VM alerts under their incident and counts them by severity and tier; the rest stay loose', () => {
    const { groups, loose } = groupAlerts(list, 'all');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.members.map((a) => a.id)).toEqual(['A1', 'A2']);
    expect(groups[0]!.critical).toBe(1);
    expect(groups[0]!.byTier).toEqual([1, 0, 1]);
    expect(loose.map((a) => a.id)).toEqual(['A3']);
  });

  it('keeps an acknowledged incident in view while VM alerts under it are not acknowledged', () => {
    const { groups } = groupAlerts([{ ...wan, acknowledged: ack }, ...list.slice(1)], 'unacknowledged');
    expect(groups.map((g) => [g.incident.id, g.members.map((a) => a.id)])).toEqual([['I1', ['A1']]]);
  });

  it('counts acknowledged-but-ongoing apart from unacknowledged, so seen is never shown as healthy', () => {
    const all = list.map((a) => ({ ...a, acknowledged: ack }));
    expect(countAlerts(all)).toEqual({ unacknowledged: 0, critical: 0, acknowledgedOngoing: 4 });
    expect(countAlerts(list)).toEqual({ unacknowledged: 3, critical: 2, acknowledgedOngoing: 1 });
  });

  it('says whether a channel delivered the alert', () => {
    expect(deliverySummary(base)).toBeNull();
    expect(deliverySummary({ ...base, delivery: [{ channel: 'webhook', outcome: 'delivered', at: 1, attempts: 2, detail: 'HTTP 200' }, { channel: 'smtp', outcome: 'failed', at: 1, attempts: 4, detail: 'relay refused' }] }))
      .toBe('Webhook delivered · Mail not delivered after 4 attempts: relay refused');
  });
});
