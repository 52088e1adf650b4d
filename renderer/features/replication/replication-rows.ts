import type { EstateSnapshot, Replication, Vm } from '../../../shared/model/estate.ts';
import type { ReplicationHealth, ReplicationState } from '../../../shared/model/hyperv-enums.ts';

export type EstateTables = Pick<EstateSnapshot, 'sites' | 'clusters' | 'hosts' | 'vms'>;

/**
 * One line of the replication grid: a protected VM (its primary copy in a Simple relationship),
 * with the DR copy's host and extended-replication status. Every figure is read from the estate
 * as the core decided it; nothing here judges health or RPO.
 */
export interface ReplicationRow {
  /** Record id of the protected (primary) copy: the id the replication channels take. */
  id: string;
  vmId: string;
  name: string;
  nameLower: string;
  tier: 0 | 1 | 2;
  siteId: string;
  siteName: string;
  clusterId: string;
  clusterName: string;
  hostId: string;
  hostName: string;
  replicaRecordId: string | null;
  replicaHostId: string | null;
  replicaHostName: string;
  replicaClusterName: string;
  state: ReplicationState;
  health: ReplicationHealth;
  frequencySec: number;
  lastReplicationTime: number | null;
  pendingBytes: number;
  rpoTargetSec: number | null;
  rpoMet: boolean | null;
  rpoBreachAt: number | null;
  /** The DR copy's replication onward to the cloud; null when the VM is not extended. */
  extended: Replication | null;
  vm: Vm;
}

/** The protected copy of a VM: primary side of the Simple relationship. */
function isProtectedCopy(vm: Vm): boolean {
  return vm.replication !== null && vm.replication.mode === 'Primary' && vm.replication.relationship === 'Simple';
}

/** Which records belong to one VM, and which are protected. Rebuilt only when the estate's structure changes. */
export interface ReplicationLayout {
  protectedIds: string[];
  /** vmId → id of the Replica copy (the DR copy). */
  replicaByVmId: Map<string, string>;
}

export function layoutReplication(vms: EstateTables['vms']): ReplicationLayout {
  const protectedIds: string[] = [];
  const replicaByVmId = new Map<string, string>();
  for (const vm of Object.values(vms)) {
    if (isProtectedCopy(vm)) protectedIds.push(vm.id);
    else if (vm.replication?.mode === 'Replica' && vm.replication.relationship === 'Simple') replicaByVmId.set(vm.vmId, vm.id);
  }
  return { protectedIds, replicaByVmId };
}

/**
 * Rows for every protected VM. Rows are cached on the identity of the two records they read, so a
 * patch batch touching ten VMs makes ten new row objects and the grid re-renders ten rows.
 * The cache must be dropped (a new one passed) when names or placement change.
 */
export type RowCache = WeakMap<Vm, { replica: Vm | undefined; row: ReplicationRow }>;

export function buildRows(tables: EstateTables, layout: ReplicationLayout, cache: RowCache): ReplicationRow[] {
  const rows: ReplicationRow[] = [];
  for (const id of layout.protectedIds) {
    const vm = tables.vms[id];
    if (!vm || !vm.replication) continue;
    const replicaId = layout.replicaByVmId.get(vm.vmId);
    const replica = replicaId ? tables.vms[replicaId] : undefined;
    const hit = cache.get(vm);
    if (hit && hit.replica === replica) {
      rows.push(hit.row);
      continue;
    }
    const row = makeRow(vm, vm.replication, replica, tables);
    cache.set(vm, { replica, row });
    rows.push(row);
  }
  return rows;
}

function makeRow(vm: Vm, r: Replication, replica: Vm | undefined, tables: EstateTables): ReplicationRow {
  const replicaHost = replica ? tables.hosts[replica.hostId] : undefined;
  const replicaCluster = replica ? tables.clusters[replica.clusterId] : undefined;
  return {
    id: vm.id,
    vmId: vm.vmId,
    name: vm.name,
    nameLower: vm.name.toLowerCase(),
    tier: vm.tier,
    siteId: vm.siteId,
    siteName: tables.sites[vm.siteId]?.name ?? vm.siteId,
    clusterId: vm.clusterId,
    clusterName: tables.clusters[vm.clusterId]?.name ?? vm.clusterId,
    hostId: vm.hostId,
    hostName: tables.hosts[vm.hostId]?.name ?? vm.hostId,
    replicaRecordId: replica?.id ?? null,
    replicaHostId: replica?.hostId ?? null,
    replicaHostName: replicaHost?.name ?? (replica ? replica.hostId : ''),
    replicaClusterName: replicaCluster?.name ?? '',
    state: r.state,
    health: r.health,
    frequencySec: r.frequencySec,
    lastReplicationTime: r.lastReplicationTime,
    pendingBytes: r.pendingBytes,
    rpoTargetSec: vm.rpo?.targetSec ?? null,
    rpoMet: vm.rpo ? vm.rpo.met : null,
    rpoBreachAt: vm.rpo?.breachAt ?? null,
    extended: replica?.extendedReplication ?? null,
    vm,
  };
}

// ---- filter ----

export type HealthFilter = 'all' | 'attention' | ReplicationHealth | 'rpo-missed';

export interface RowFilter {
  health: HealthFilter;
  siteId: string;
  clusterId: string;
  tier: 'all' | '0' | '1' | '2';
  state: string;
  text: string;
}

export const EMPTY_FILTER: RowFilter = { health: 'all', siteId: '', clusterId: '', tier: 'all', state: '', text: '' };

export function isFiltering(f: RowFilter): boolean {
  return f.health !== 'all' || f.siteId !== '' || f.clusterId !== '' || f.tier !== 'all' || f.state !== '' || f.text.trim() !== '';
}

export function filterRows(rows: ReplicationRow[], f: RowFilter): ReplicationRow[] {
  if (!isFiltering(f)) return rows;
  const needle = f.text.trim().toLowerCase();
  const tier = f.tier === 'all' ? null : Number(f.tier);
  return rows.filter((r) => {
    if (f.health === 'attention') { if (r.health !== 'Warning' && r.health !== 'Critical') return false; }
    else if (f.health === 'rpo-missed') { if (r.rpoMet !== false) return false; }
    else if (f.health !== 'all' && r.health !== f.health) return false;
    if (f.siteId && r.siteId !== f.siteId) return false;
    if (f.clusterId && r.clusterId !== f.clusterId) return false;
    if (tier !== null && r.tier !== tier) return false;
    if (f.state && r.state !== f.state) return false;
    if (needle && !r.nameLower.includes(needle) && !r.hostName.toLowerCase().includes(needle) && !r.replicaHostName.toLowerCase().includes(needle)) return false;
    return true;
  });
}

// ---- sort ----

export type SortKey = 'name' | 'tier' | 'host' | 'replicaHost' | 'state' | 'health' | 'frequency' | 'lastReplication' | 'pending' | 'rpo' | 'extended';
export interface RowSort { key: SortKey; dir: 'asc' | 'desc' }

const HEALTH_RANK: Record<ReplicationHealth, number> = { Critical: 3, Warning: 2, Normal: 1, NotApplicable: 0 };
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The natural order of each column; 'desc' reverses it. Ties fall back to the name. */
const COMPARE: Record<SortKey, (a: ReplicationRow, b: ReplicationRow) => number> = {
  name: (a, b) => byText(a.nameLower, b.nameLower),
  tier: (a, b) => a.tier - b.tier,
  host: (a, b) => byText(a.hostName, b.hostName),
  replicaHost: (a, b) => byText(a.replicaHostName, b.replicaHostName),
  state: (a, b) => byText(a.state, b.state),
  // Worst first when ascending: an engineer sorts by health to see what is wrong.
  health: (a, b) => HEALTH_RANK[b.health] - HEALTH_RANK[a.health],
  frequency: (a, b) => a.frequencySec - b.frequencySec,
  // Oldest last replication first: never-replicated before everything.
  lastReplication: (a, b) => (a.lastReplicationTime ?? -Infinity) - (b.lastReplicationTime ?? -Infinity),
  pending: (a, b) => b.pendingBytes - a.pendingBytes,
  // Missed first, then by how soon the RPO breaks.
  rpo: (a, b) => rpoRank(a) - rpoRank(b) || (a.rpoBreachAt ?? Infinity) - (b.rpoBreachAt ?? Infinity),
  extended: (a, b) => extendedRank(b) - extendedRank(a),
};
function extendedRank(r: ReplicationRow): number {
  return r.extended ? HEALTH_RANK[r.extended.health] : -1;
}
function rpoRank(r: ReplicationRow): number {
  return r.rpoMet === false ? 0 : r.rpoMet === true ? 1 : 2;
}

export function sortRows(rows: ReplicationRow[], sort: RowSort): ReplicationRow[] {
  const cmp = COMPARE[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * cmp(a, b) || byText(a.nameLower, b.nameLower) || byText(a.id, b.id));
}

// ---- group ----

export type GroupBy = 'none' | 'cluster' | 'host';

export type GridItem =
  | { type: 'group'; key: string; label: string; sub: string; count: number; warning: number; critical: number; collapsed: boolean }
  | { type: 'row'; key: string; row: ReplicationRow };

/** Rows in display order, with a header line per group; groups keep the sort inside them. */
export function arrangeRows(rows: ReplicationRow[], groupBy: GroupBy, collapsed: ReadonlySet<string>): GridItem[] {
  if (groupBy === 'none') return rows.map((row) => ({ type: 'row', key: row.id, row }));
  const groups = new Map<string, { label: string; sub: string; rows: ReplicationRow[] }>();
  for (const row of rows) {
    const key = groupBy === 'cluster' ? row.clusterId : row.hostId;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { label: groupBy === 'cluster' ? row.clusterName : row.hostName, sub: groupBy === 'cluster' ? row.siteName : row.clusterName, rows: [] }));
    g.rows.push(row);
  }
  const items: GridItem[] = [];
  for (const [key, g] of [...groups].sort((a, b) => byText(a[1].label, b[1].label))) {
    const gk = `group:${key}`;
    const isCollapsed = collapsed.has(gk);
    let warning = 0;
    let critical = 0;
    for (const r of g.rows) { if (r.health === 'Warning') warning++; else if (r.health === 'Critical') critical++; }
    items.push({ type: 'group', key: gk, label: g.label, sub: g.sub, count: g.rows.length, warning, critical, collapsed: isCollapsed });
    if (!isCollapsed) for (const row of g.rows) items.push({ type: 'row', key: row.id, row });
  }
  return items;
}
