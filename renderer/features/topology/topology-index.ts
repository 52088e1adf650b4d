import type { Cluster, EstateSnapshot, Host, Site, Vm } from '../../../shared/model/estate.ts';
import { usableMemoryBytes } from '../../../shared/model/host-usage.ts';

export type EstateTables = Pick<EstateSnapshot, 'sites' | 'clusters' | 'hosts' | 'vms'>;

export interface ClusterTotals {
  hostCount: number;
  vmCount: number;
  runningVmCount: number;
  logicalProcessors: number;
  /** Busy cores summed over hosts, so the cluster percentage weighs big hosts more. */
  busyCores: number;
  memoryAssignedBytes: number;
  /** Memory VMs may use: host memory minus the parent partition's reserve. */
  memoryUsableBytes: number;
}

/**
 * Where each VM record sits and what it is called, by id only. Rebuilding it for 30,000 records
 * costs tens of milliseconds (two sorts), so it is reused while no VM was added, removed, renamed
 * or moved; state and replication changes do not touch it. Views read the records from the tables.
 */
export interface VmLayout {
  vmsByHost: Map<string, string[]>;
  copiesByVmId: Map<string, string[]>;
  /** Parallel arrays sorted by name: searchNames[i] is the lowercased name of record searchIds[i]. */
  searchIds: string[];
  searchNames: string[];
}

/**
 * The estate arranged for the tree: children in display order. Only ids, names and membership are
 * read from the entities here, so it is rebuilt on structural changes, not on every figure.
 */
export interface TopologyIndex {
  sites: Site[];
  clustersBySite: Map<string, Cluster[]>;
  hostsByCluster: Map<string, Host[]>;
  vms: VmLayout;
}

const SITE_ROLE_ORDER: Record<Site['role'], number> = { primary: 0, dr: 1, cloud: 2 };
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function hostUsableMemory(host: Host): number {
  return Math.max(0, usableMemoryBytes(host));
}

export function buildTopologyIndex(
  tables: Pick<EstateTables, 'sites' | 'clusters' | 'hosts'> & { vms?: EstateTables['vms'] },
  vmLayout: VmLayout = layoutVms(tables.vms ?? {}),
): TopologyIndex {
  const sites = Object.values(tables.sites).sort((a, b) => SITE_ROLE_ORDER[a.role] - SITE_ROLE_ORDER[b.role] || byName(a, b));

  const clustersBySite = new Map<string, Cluster[]>();
  for (const site of sites) {
    const clusters = site.clusterIds.map((id) => tables.clusters[id]).filter((c): c is Cluster => c !== undefined);
    clustersBySite.set(site.id, clusters.sort(byName));
  }

  const hostsByCluster = new Map<string, Host[]>();
  for (const cluster of Object.values(tables.clusters)) {
    const hosts = cluster.hostIds.map((id) => tables.hosts[id]).filter((h): h is Host => h !== undefined).sort(byName);
    hostsByCluster.set(cluster.id, hosts);
  }
  return { sites, clustersBySite, hostsByCluster, vms: vmLayout };
}

/** Per-cluster sums from the current host records (which change with every usage tick). */
export function clusterTotalsOf(index: TopologyIndex, hosts: EstateTables['hosts']): Map<string, ClusterTotals> {
  const totalsByCluster = new Map<string, ClusterTotals>();
  for (const [clusterId, members] of index.hostsByCluster) {
    const totals: ClusterTotals = {
      hostCount: members.length, vmCount: 0, runningVmCount: 0, logicalProcessors: 0, busyCores: 0,
      memoryAssignedBytes: 0, memoryUsableBytes: 0,
    };
    for (const member of members) {
      const h = hosts[member.id];
      if (!h) continue;
      totals.vmCount += h.vmCount;
      totals.runningVmCount += h.runningVmCount;
      totals.logicalProcessors += h.logicalProcessors;
      totals.busyCores += (h.cpuUsagePct / 100) * h.logicalProcessors;
      totals.memoryAssignedBytes += h.memoryAssignedBytes;
      totals.memoryUsableBytes += hostUsableMemory(h);
    }
    totalsByCluster.set(clusterId, totals);
  }
  return totalsByCluster;

}

export function layoutVms(vms: EstateTables['vms']): VmLayout {
  const records = Object.values(vms).sort(byName);
  const vmsByHost = new Map<string, string[]>();
  const copiesByVmId = new Map<string, string[]>();
  const searchIds: string[] = new Array(records.length);
  const searchNames: string[] = new Array(records.length);
  records.forEach((vm, i) => {
    push(vmsByHost, vm.hostId, vm.id);
    push(copiesByVmId, vm.vmId, vm.id);
    searchIds[i] = vm.id;
    searchNames[i] = vm.name.toLowerCase();
  });
  return { vmsByHost, copiesByVmId, searchIds, searchNames };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Ids of the VMs whose name contains `query` (case-insensitive); null for an empty query. */
export function matchVms(layout: VmLayout, query: string): Set<string> | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const ids = new Set<string>();
  const { searchNames, searchIds } = layout;
  for (let i = 0; i < searchNames.length; i++) {
    if (searchNames[i]!.includes(needle)) ids.add(searchIds[i]!);
  }
  return ids;
}

// ---- Replication overlay: health, pairs and DR headroom, for display ----------------------------
//
// Nothing here decides health: each count is of `vm.replication.health` as the core set it. The host
// figure is a tally of those values (never a new verdict), pairs follow the copies that share a
// vmId, and headroom is arithmetic on memory figures the core reported.
//
// Work is proportional to what is on screen, not to the estate: the tree asks only for its visible
// rows, and each answer is kept until one of the records it was made from changes identity (the
// store replaces a record only when a patch touched it). A batch that changed nothing a visible row
// depends on costs a few identity checks; unchanged answers keep their identity, so memoised rows
// do not re-render.

export type HealthWord = 'Normal' | 'Warning' | 'Critical';

export interface HealthTally {
  normal: number;
  warning: number;
  critical: number;
  /** Copies without a replication relationship (or NotApplicable). */
  other: number;
  /** The worst value reported by the core among the copies, or null when none is replicated. */
  worst: HealthWord | null;
}

/** The partners of one VM copy: the copy it replicates from and the copies it feeds. */
export interface CopyLinks {
  /** Host ids of the upstream copy (a replica's primary, an extended replica's replica). */
  fromHostIds: string[];
  /** Host ids of the downstream copies (a primary's replica, a replica's extended replica). */
  toHostIds: string[];
  /** Server names from the replication settings, when the partner copy is not in this estate. */
  fromFallback: string | null;
  toFallback: string | null;
}

export interface ReplicaHeadroom {
  replicaCount: number;
  /** Sum of memoryBytes of the replica copies placed on the cluster's hosts. */
  replicaMemoryBytes: number;
  /** Sum over the cluster's hosts of memory minus the parent-partition reserve. */
  usableBytes: number;
}

type OverlayTables = Pick<EstateTables, 'hosts' | 'vms'>;
type Mode = NonNullable<Vm['replication']>['mode'];
const UPSTREAM: Partial<Record<Mode, Mode>> = { Replica: 'Primary', ExtendedReplica: 'Replica', TestReplica: 'Replica' };
const DOWNSTREAM: Partial<Record<Mode, Mode>> = { Primary: 'Replica', Replica: 'ExtendedReplica' };
const REPLICA_MODES: ReadonlySet<Mode> = new Set(['Replica', 'ExtendedReplica']);
const NO_IDS: string[] = [];

interface Memo<T> { inputs: Array<object | undefined>; value: T }

/** True when `inputs` still holds exactly these records; `read(i)` gives the current record i. */
function sameInputs(inputs: Array<object | undefined>, count: number, read: (i: number) => object | undefined): boolean {
  if (inputs.length !== count) return false;
  for (let i = 0; i < count; i++) if (inputs[i] !== read(i)) return false;
  return true;
}

/** Health tallies, pairs and headroom for one topology index, computed on demand and kept. */
export class ReplicationOverlay {
  private readonly tallies = new Map<string, Memo<HealthTally>>();
  private readonly links = new Map<string, Memo<CopyLinks | null>>();
  private readonly headrooms = new Map<string, Memo<ReplicaHeadroom | null>>();

  readonly index: TopologyIndex;

  constructor(index: TopologyIndex) {
    this.index = index;
  }

  /** Tally of the replication health of the VM copies placed on a host. */
  hostHealth(hostId: string, tables: OverlayTables): HealthTally {
    const ids = this.index.vms.vmsByHost.get(hostId) ?? NO_IDS;
    const read = (i: number) => tables.vms[ids[i]!];
    const memo = this.tallies.get(hostId);
    if (memo && sameInputs(memo.inputs, ids.length, read)) return memo.value;
    const tally: HealthTally = { normal: 0, warning: 0, critical: 0, other: 0, worst: null };
    const inputs: Array<Vm | undefined> = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const vm = (inputs[i] = tables.vms[ids[i]!]);
      if (!vm) continue;
      switch (vm.replication?.health) {
        case 'Normal': tally.normal++; break;
        case 'Warning': tally.warning++; break;
        case 'Critical': tally.critical++; break;
        default: tally.other++;
      }
    }
    tally.worst = tally.critical > 0 ? 'Critical' : tally.warning > 0 ? 'Warning' : tally.normal > 0 ? 'Normal' : null;
    const value = memo && sameTally(memo.value, tally) ? memo.value : tally;
    this.tallies.set(hostId, { inputs, value });
    return value;
  }

  /** Where the partner copies of one VM record are; null when it is not replicated. */
  copyLinks(vmRecordId: string, tables: OverlayTables): CopyLinks | null {
    const vm = tables.vms[vmRecordId];
    if (!vm) return null;
    const copies = this.index.vms.copiesByVmId.get(vm.vmId) ?? NO_IDS;
    // Inputs: the record itself, then every copy sharing its vmId (modes and hosts decide the pair).
    const read = (i: number) => (i === 0 ? vm : tables.vms[copies[i - 1]!]);
    const memo = this.links.get(vmRecordId);
    if (memo && sameInputs(memo.inputs, copies.length + 1, read)) return memo.value;
    const inputs = Array.from({ length: copies.length + 1 }, (_, i) => read(i));
    const next = linksOf(vm, copies, tables.vms);
    const value = memo?.value && next && sameLinks(memo.value, next) ? memo.value : next;
    this.links.set(vmRecordId, { inputs, value });
    return value;
  }

  /**
   * Memory the replica copies on a cluster would need if all were started, against usable host
   * memory; null when no replica is placed there. Recomputed once per table version (a visible DR
   * cluster line costs one walk over its VMs per patch batch), kept identical while the sums hold.
   */
  headroom(clusterId: string, tables: OverlayTables): ReplicaHeadroom | null {
    const memo = this.headrooms.get(clusterId);
    if (memo && memo.inputs[0] === tables.hosts && memo.inputs[1] === tables.vms) return memo.value;
    let replicaCount = 0;
    let replicaMemoryBytes = 0;
    let usableBytes = 0;
    for (const member of this.index.hostsByCluster.get(clusterId) ?? []) {
      const h = tables.hosts[member.id];
      if (h) usableBytes += hostUsableMemory(h);
      for (const id of this.index.vms.vmsByHost.get(member.id) ?? NO_IDS) {
        const vm = tables.vms[id];
        if (!vm?.replication || !REPLICA_MODES.has(vm.replication.mode)) continue;
        replicaCount++;
        replicaMemoryBytes += vm.memoryBytes;
      }
    }
    const before = memo?.value;
    const value = replicaCount === 0 ? null
      : before && before.replicaCount === replicaCount && before.replicaMemoryBytes === replicaMemoryBytes && before.usableBytes === usableBytes ? before
      : { replicaCount, replicaMemoryBytes, usableBytes };
    this.headrooms.set(clusterId, { inputs: [tables.hosts, tables.vms], value });
    return value;
  }

  /**
   * The hosts holding the partner copies of the VMs on one host, most copies first: 'to' the copies
   * they feed (replicas of a primary host's VMs), 'from' the copies they come from.
   */
  partnerHosts(hostId: string, direction: 'to' | 'from', tables: OverlayTables): Array<{ hostId: string; count: number }> {
    const counts = new Map<string, number>();
    for (const id of this.index.vms.vmsByHost.get(hostId) ?? NO_IDS) {
      const link = this.copyLinks(id, tables);
      for (const other of (direction === 'to' ? link?.toHostIds : link?.fromHostIds) ?? NO_IDS) counts.set(other, (counts.get(other) ?? 0) + 1);
    }
    return [...counts].map(([h, count]) => ({ hostId: h, count })).sort((a, b) => b.count - a.count || (a.hostId < b.hostId ? -1 : 1));
  }
}

function linksOf(vm: Vm, copies: string[], vms: EstateTables['vms']): CopyLinks | null {
  const r = vm.replication;
  if (!r || r.mode === 'None') return null;
  const up = UPSTREAM[r.mode];
  const down = DOWNSTREAM[r.mode];
  const hasDown = down !== undefined && (r.mode !== 'Replica' || vm.extendedReplication !== null);
  const fromHostIds: string[] = [];
  const toHostIds: string[] = [];
  for (const copyId of copies) {
    if (copyId === vm.id) continue;
    const copy = vms[copyId];
    const mode = copy?.replication?.mode;
    if (!copy || mode === undefined) continue;
    if (mode === up) fromHostIds.push(copy.hostId);
    else if (hasDown && mode === down) toHostIds.push(copy.hostId);
  }
  const fromFallback = up !== undefined && fromHostIds.length === 0 ? r.primaryServer : null;
  const toFallback = hasDown && toHostIds.length === 0
    ? (r.mode === 'Replica' ? vm.extendedReplication?.replicaServer ?? null : r.replicaServer)
    : null;
  return { fromHostIds, toHostIds, fromFallback, toFallback };
}

function sameTally(a: HealthTally, b: HealthTally): boolean {
  return a.normal === b.normal && a.warning === b.warning && a.critical === b.critical && a.other === b.other;
}
function sameLinks(a: CopyLinks, b: CopyLinks): boolean {
  return sameIds(a.fromHostIds, b.fromHostIds) && sameIds(a.toHostIds, b.toHostIds) && a.fromFallback === b.fromFallback && a.toFallback === b.toFallback;
}
function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
