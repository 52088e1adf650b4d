import type { EstateSnapshot, Site, Vm } from '../../../shared/model/estate.ts';
import { layoutReplication } from '../replication/replication-rows.ts';

/**
 * What one heatmap cell says about a protected VM, worst first. Read from what the core decided
 * (replication health as Hyper-V reports it, RPO compliance from the core's rpo status); the wall
 * judges nothing itself.
 */
export const CELL_STATUSES = ['critical', 'breach', 'warning', 'idle', 'ok'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export const CELL_LABEL: Record<CellStatus, string> = {
  critical: 'Critical', breach: 'RPO missed', warning: 'Warning', idle: 'Not replicating', ok: 'Healthy',
};

/**
 * Health Critical outranks a missed RPO (replication itself has failed); a missed RPO outranks a
 * Warning (the data-loss promise is already broken, not merely at risk).
 */
export function cellStatus(vm: Vm): CellStatus {
  const r = vm.replication;
  if (!r || r.health === 'NotApplicable') return 'idle';
  if (r.health === 'Critical') return 'critical';
  if (vm.rpo && !vm.rpo.met) return 'breach';
  if (r.health === 'Warning') return 'warning';
  return 'ok';
}

export interface HeatCluster {
  id: string;
  name: string;
  /** Record ids of the protected copies placed in this cluster, by name: a cell never moves. */
  vmIds: string[];
}
export interface HeatSite {
  id: string;
  name: string;
  role: Site['role'];
  clusters: HeatCluster[];
}

const ROLE_ORDER: Record<Site['role'], number> = { primary: 0, dr: 1, cloud: 2 };
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { numeric: true });

/**
 * Every protected VM (the primary copy of a Simple relationship, as the replication grid counts
 * them) grouped site → cluster. Rebuilt only when the estate's structure changes.
 */
export function groupHeatmap(estate: Pick<EstateSnapshot, 'sites' | 'clusters' | 'vms'>): HeatSite[] {
  const bySite = new Map<string, Map<string, Vm[]>>();
  for (const id of layoutReplication(estate.vms).protectedIds) {
    const vm = estate.vms[id]!;
    let clusters = bySite.get(vm.siteId);
    if (!clusters) bySite.set(vm.siteId, (clusters = new Map()));
    let vms = clusters.get(vm.clusterId);
    if (!vms) clusters.set(vm.clusterId, (vms = []));
    vms.push(vm);
  }
  const sites: HeatSite[] = [];
  for (const [siteId, clusters] of bySite) {
    const site = estate.sites[siteId];
    const heatClusters: HeatCluster[] = [];
    for (const [clusterId, vms] of clusters) {
      heatClusters.push({ id: clusterId, name: estate.clusters[clusterId]?.name ?? clusterId, vmIds: vms.sort(byName).map((vm) => vm.id) });
    }
    sites.push({ id: siteId, name: site?.name ?? siteId, role: site?.role ?? 'primary', clusters: heatClusters.sort(byName) });
  }
  return sites.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || byName(a, b));
}

export type StatusTally = Record<CellStatus, number>;

/** How many cells say what, for the legend. */
export function tallyStatuses(sites: readonly HeatSite[], vms: EstateSnapshot['vms']): StatusTally {
  const tally: StatusTally = { critical: 0, breach: 0, warning: 0, idle: 0, ok: 0 };
  for (const site of sites) {
    for (const cluster of site.clusters) {
      for (const id of cluster.vmIds) {
        const vm = vms[id];
        if (vm) tally[cellStatus(vm)] += 1;
      }
    }
  }
  return tally;
}
