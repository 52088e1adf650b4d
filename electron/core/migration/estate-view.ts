import type { Cluster, EstateSnapshot, Host, Vm } from '../../../shared/model/estate.ts';
import { holdsMemory } from '../estate/host-usage.ts';
import { familyOf } from './migration-model.ts';
import type { PlannerHost, PlannerVm } from './drain-planner.ts';

/** What the migration services read from the estate store (EstateStore satisfies it). */
export interface EstateView {
  snapshot(): EstateSnapshot;
  getVm(id: string): Vm | undefined;
  getHost(id: string): Host | undefined;
  vms(): IterableIterator<Vm>;
  hosts(): IterableIterator<Host>;
}

/** The estate model carries no preferred/possible owners and no AntiAffinityClassNames. */
export const CONSTRAINT_NOTES = [
  'The estate model does not carry preferred or possible owners: every Up node of the cluster is treated as a possible owner.',
  'The estate model does not carry anti-affinity groups: VMs of one workload family (name without its number, e.g. EHRDB) are kept apart instead.',
] as const;

export function clusterOf(estate: EstateView, clusterId: string): Cluster | undefined {
  return estate.snapshot().clusters[clusterId];
}

export function clusterHosts(estate: EstateView, clusterId: string): Host[] {
  const out: Host[] = [];
  for (const host of estate.hosts()) if (host.clusterId === clusterId) out.push(host);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function vmsByHost(estate: EstateView, clusterId: string): Map<string, Vm[]> {
  const out = new Map<string, Vm[]>();
  for (const vm of estate.vms()) {
    if (vm.clusterId !== clusterId) continue;
    let list = out.get(vm.hostId);
    if (!list) out.set(vm.hostId, (list = []));
    list.push(vm);
  }
  return out;
}

/** A host as the planner sees it; `incomingBytes` is memory of migrations already on their way in. */
export function plannerHost(host: Host, incomingBytes = 0): PlannerHost {
  return {
    id: host.id, name: host.name, state: host.state,
    capacityBytes: host.memoryBytes - host.hostReserveBytes,
    usedBytes: host.memoryAssignedBytes + incomingBytes,
    logicalProcessors: host.logicalProcessors, vcpuAssigned: host.vcpuAssigned,
    busyCores: (host.cpuUsagePct / 100) * host.logicalProcessors,
    maxVmMigrations: host.maxVmMigrations, performance: host.migrationPerformance,
  };
}

export function plannerVm(vm: Vm): PlannerVm {
  return {
    id: vm.id, name: vm.name, memoryBytes: vm.memoryBytes, cpuCount: vm.cpuCount,
    busyCores: (vm.cpuCount * vm.cpuUsagePct) / 100, priority: vm.priority, tier: vm.tier,
    running: holdsMemory(vm), antiAffinityClass: familyOf(vm.name), possibleOwners: null, preferredOwners: null,
  };
}

export function classCounts(byHost: ReadonlyMap<string, readonly Vm[]>): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [hostId, vms] of byHost) {
    const counts = new Map<string, number>();
    for (const vm of vms) {
      const family = familyOf(vm.name);
      if (family) counts.set(family, (counts.get(family) ?? 0) + 1);
    }
    out.set(hostId, counts);
  }
  return out;
}
