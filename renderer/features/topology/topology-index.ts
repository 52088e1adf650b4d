import type { Cluster, EstateSnapshot, Host, Site } from '../../../shared/model/estate.ts';

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
  return Math.max(0, host.memoryBytes - host.hostReserveBytes);
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
