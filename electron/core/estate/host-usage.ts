import type { Host, Vm } from '../../../shared/model/estate.ts';

export type HostInventory = Omit<Host, DerivedHostField>;
type DerivedHostField = 'memoryAssignedBytes' | 'vcpuAssigned' | 'cpuUsagePct' | 'vmCount' | 'runningVmCount';
export type HostUsage = Pick<Host, DerivedHostField>;

/** States in which a VM holds memory on its host (Saved VMs release it to disk). */
const HOLDS_MEMORY = new Set<Vm['state']>(['Running', 'Starting', 'Stopping', 'Paused', 'Pausing', 'Resuming', 'Saving', 'Reset', 'FastSaving']);

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
