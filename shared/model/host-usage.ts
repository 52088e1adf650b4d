import type { Host, Vm } from './estate.ts';

export type HostInventory = Omit<Host, DerivedHostField>;
type DerivedHostField = 'memoryAssignedBytes' | 'vcpuAssigned' | 'cpuUsagePct' | 'vmCount' | 'runningVmCount';
export type HostUsage = Pick<Host, DerivedHostField>;

/** States in which a VM holds memory on its host (Saved VMs release it to disk). */
const HOLDS_MEMORY = new Set<Vm['state']>(['Running', 'Starting', 'Stopping', 'Paused', 'Pausing', 'Resuming', 'Saving', 'Reset', 'FastSaving']);

/**
 * Memory the parent partition keeps when the host does not say otherwise: Hyper-V does not report
 * it (it is a registry setting); this is the common default reserve. (Unverified.)
 */
export const DEFAULT_HOST_RESERVE_BYTES = 8 * 1024 ** 3;

/** Memory VMs may use on a host: its memory minus the parent partition's reserve. The one rule. */
export function usableMemoryBytes(host: Pick<Host, 'memoryBytes' | 'hostReserveBytes'>): number {
  return host.memoryBytes - host.hostReserveBytes;
}

export function holdsMemory(vm: Vm): boolean {
  return HOLDS_MEMORY.has(vm.state);
}

/** Capacity figures for a host, computed once in the core so every view agrees on them. */
export function hostUsage(host: HostInventory, vms: Iterable<Vm>): HostUsage {
  let memoryAssignedBytes = 0;
  let vcpuAssigned = 0;
  let busyCores = 0;
  let vmCount = 0;
  let runningVmCount = 0;
  for (const vm of vms) {
    vmCount += 1;
    if (!holdsMemory(vm)) continue;
    runningVmCount += 1;
    memoryAssignedBytes += vm.memoryBytes;
    vcpuAssigned += vm.cpuCount;
    busyCores += (vm.cpuCount * vm.cpuUsagePct) / 100;
  }
  const cpuUsagePct = host.state === 'Down' ? 0 : Math.min(100, Math.round((busyCores / host.logicalProcessors) * 1000) / 10);
  return { memoryAssignedBytes, vcpuAssigned, cpuUsagePct, vmCount, runningVmCount };
}
