import type { Cluster, EstateSnapshot, Host, Site, Vm } from '../../../shared/model/estate.ts';

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
 * The estate arranged for the tree: children in display order, per-cluster sums, copies of each
 * VM by vmId, and a lowercase name index for search. Rebuilt when a table changes identity.
 */
export interface TopologyIndex {
  sites: Site[];
  clustersBySite: Map<string, Cluster[]>;
  hostsByCluster: Map<string, Host[]>;
  vmsByHost: Map<string, Vm[]>;
  copiesByVmId: Map<string, Vm[]>;
  clusterTotals: Map<string, ClusterTotals>;
  /** Parallel arrays: searchNames[i] is vms[i].name lowercased. */
  searchVms: Vm[];
  searchNames: string[];
}

const SITE_ROLE_ORDER: Record<Site['role'], number> = { primary: 0, dr: 1, cloud: 2 };
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function hostUsableMemory(host: Host): number {
  return Math.max(0, host.memoryBytes - host.hostReserveBytes);
}

export function buildTopologyIndex(tables: EstateTables): TopologyIndex {
  const sites = Object.values(tables.sites).sort((a, b) => SITE_ROLE_ORDER[a.role] - SITE_ROLE_ORDER[b.role] || byName(a, b));

  const clustersBySite = new Map<string, Cluster[]>();
  for (const site of sites) {
    const clusters = site.clusterIds.map((id) => tables.clusters[id]).filter((c): c is Cluster => c !== undefined);
    clustersBySite.set(site.id, clusters.sort(byName));
  }

  const hostsByCluster = new Map<string, Host[]>();
  const clusterTotals = new Map<string, ClusterTotals>();
  for (const cluster of Object.values(tables.clusters)) {
    const hosts = cluster.hostIds.map((id) => tables.hosts[id]).filter((h): h is Host => h !== undefined).sort(byName);
    hostsByCluster.set(cluster.id, hosts);
    const totals: ClusterTotals = {
      hostCount: hosts.length, vmCount: 0, runningVmCount: 0, logicalProcessors: 0, busyCores: 0,
      memoryAssignedBytes: 0, memoryUsableBytes: 0,
    };
    for (const h of hosts) {
      totals.vmCount += h.vmCount;
      totals.runningVmCount += h.runningVmCount;
      totals.logicalProcessors += h.logicalProcessors;
      totals.busyCores += (h.cpuUsagePct / 100) * h.logicalProcessors;
      totals.memoryAssignedBytes += h.memoryAssignedBytes;
      totals.memoryUsableBytes += hostUsableMemory(h);
    }
    clusterTotals.set(cluster.id, totals);
  }

  const vmsByHost = new Map<string, Vm[]>();
  const copiesByVmId = new Map<string, Vm[]>();
  const searchVms: Vm[] = [];
  for (const vm of Object.values(tables.vms)) {
    push(vmsByHost, vm.hostId, vm);
    push(copiesByVmId, vm.vmId, vm);
    searchVms.push(vm);
  }
  for (const list of vmsByHost.values()) list.sort(byName);
  searchVms.sort(byName);
  const searchNames = searchVms.map((vm) => vm.name.toLowerCase());

  return { sites, clustersBySite, hostsByCluster, vmsByHost, copiesByVmId, clusterTotals, searchVms, searchNames };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Ids of the VMs whose name contains `query` (case-insensitive); null for an empty query. */
export function matchVms(index: TopologyIndex, query: string): Set<string> | null {
  const needle = query.trim().toLowerCase();
  if (needle === '') return null;
  const ids = new Set<string>();
  const { searchNames, searchVms } = index;
  for (let i = 0; i < searchNames.length; i++) {
    if (searchNames[i]!.includes(needle)) ids.add(searchVms[i]!.id);
  }
  return ids;
}
