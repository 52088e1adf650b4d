import { ownEntry } from '../../../shared/model/own-entry.ts';
import type { Cluster, EstateSnapshot, Host, Vm } from '../../../shared/model/estate.ts';
import { holdsMemory, usableMemoryBytes } from '../../../shared/model/host-usage.ts';
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

/** What the plan says when the backend does not report placement rules (BackendInfo.placementRules). */
export const CONSTRAINT_NOTES = [
  'This backend does not report preferred or possible owners: every Up node of the cluster is treated as a possible owner.',
  'This backend does not report AntiAffinityClassNames: VMs of one workload family (name without its number, e.g. EHRDB) are kept apart instead.',
] as const;

/** Whether VMs carry their own anti-affinity classes and owners (else they are guessed as above). */
export function placementRulesKnown(estate: EstateView): boolean {
  return estate.snapshot().backend.placementRules === true;
}

/** A VM's anti-affinity class as the planner uses it: the first of its AntiAffinityClassNames. */
export function antiAffinityOf(vm: Vm, known: boolean): string | null {
  return known ? vm.antiAffinity?.[0] ?? null : familyOf(vm.name);
}

export function clusterOf(estate: EstateView, clusterId: string): Cluster | undefined {
  return ownEntry(estate.snapshot().clusters, clusterId);
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
    capacityBytes: usableMemoryBytes(host),
    usedBytes: host.memoryAssignedBytes + incomingBytes,
    logicalProcessors: host.logicalProcessors, vcpuAssigned: host.vcpuAssigned,
    busyCores: (host.cpuUsagePct / 100) * host.logicalProcessors,
    maxVmMigrations: host.maxVmMigrations, performance: host.migrationPerformance,
  };
}

export function plannerVm(vm: Vm, known = true): PlannerVm {
  return {
    id: vm.id, name: vm.name, memoryBytes: vm.memoryBytes, cpuCount: vm.cpuCount,
    busyCores: (vm.cpuCount * vm.cpuUsagePct) / 100, priority: vm.priority, tier: vm.tier,
    running: holdsMemory(vm), antiAffinityClass: antiAffinityOf(vm, known),
    possibleOwners: known ? vm.possibleOwners ?? null : null, preferredOwners: known ? vm.preferredOwners ?? null : null,
  };
}

export function classCounts(byHost: ReadonlyMap<string, readonly Vm[]>, known = true): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [hostId, vms] of byHost) {
    const counts = new Map<string, number>();
    for (const vm of vms) {
      const cls = antiAffinityOf(vm, known);
      if (cls) counts.set(cls, (counts.get(cls) ?? 0) + 1);
    }
    out.set(hostId, counts);
  }
  return out;
}
