import { isIncident, type Alert } from '../../../shared/model/replication.ts';

export type AlertFilter = 'unacknowledged' | 'open' | 'all';

export interface IncidentGroup {
  incident: Alert;
  /** The VM alerts filed under it that pass the filter, in list order. */
  members: Alert[];
  critical: number;
  /** Distinct VMs among the members (a VM can have both a health and an RPO alert). */
  vms: number;
  /** Members per tier 0, 1, 2. */
  byTier: [number, number, number];
}

const passes: Record<AlertFilter, (a: Alert) => boolean> = {
  unacknowledged: (a) => a.acknowledged === null,
  open: (a) => a.clearedAt === null,
  all: () => true,
};

/**
 * The list as the panel shows it: incidents with the VM alerts they explain, then VM alerts no
 * incident explains. `alerts` is in the core's order (compareAlerts), which both parts keep. An
 * incident is shown while it or any of its VM alerts passes the filter, so what is left to
 * acknowledge is never shown without its cause.
 */
export function groupAlerts(alerts: readonly Alert[], filter: AlertFilter): { groups: IncidentGroup[]; loose: Alert[] } {
  const keep = passes[filter];
  const groups = new Map<string, IncidentGroup>();
  for (const a of alerts) if (isIncident(a)) groups.set(a.id, { incident: a, members: [], critical: 0, vms: 0, byTier: [0, 0, 0] });
  const loose: Alert[] = [];
  for (const a of alerts) {
    if (isIncident(a) || !keep(a)) continue;
    const group = a.incidentId ? groups.get(a.incidentId) : undefined;
    if (!group) { loose.push(a); continue; }
    group.members.push(a);
    if (a.severity === 'critical') group.critical += 1;
    if (a.tier !== null) group.byTier[a.tier] += 1;
  }
  for (const g of groups.values()) g.vms = new Set(g.members.map((a) => a.vmId)).size;
  return { groups: [...groups.values()].filter((g) => keep(g.incident) || g.members.length > 0), loose };
}

export interface AlertCounts {
  /** Not acknowledged yet, ongoing or not: what asks for someone's attention. */
  unacknowledged: number;
  /** Ongoing, critical and not acknowledged. */
  critical: number;
  /** Ongoing although acknowledged: seen, but the estate is not healthy yet. */
  acknowledgedOngoing: number;
}

export function countAlerts(alerts: readonly Alert[]): AlertCounts {
  const counts: AlertCounts = { unacknowledged: 0, critical: 0, acknowledgedOngoing: 0 };
  for (const a of alerts) {
    if (a.acknowledged === null) {
      counts.unacknowledged += 1;
      if (a.severity === 'critical' && a.clearedAt === null) counts.critical += 1;
    } else if (a.clearedAt === null) {
      counts.acknowledgedOngoing += 1;
    }
  }
  return counts;
}

const KIND_LABEL: Record<Alert['kind'], string> = {
  'wan-link': 'WAN link down', site: 'Site lost', cluster: 'Cluster degraded', host: 'Host down', rpo: 'RPO', health: 'Health',
  'drill-overdue': 'Drill overdue',
};

export function alertKindLabel(kind: Alert['kind']): string {
  return KIND_LABEL[kind];
}

/** What the channels made of an alert, in a few words; null when nothing was sent. */
export function deliverySummary(alert: Alert): string | null {
  if (alert.delivery.length === 0) return null;
  return alert.delivery.map((d) => `${d.channel === 'smtp' ? 'Mail' : 'Webhook'} ${d.outcome === 'delivered' ? 'delivered' : `not delivered after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${d.detail}`}`).join(' · ');
}
