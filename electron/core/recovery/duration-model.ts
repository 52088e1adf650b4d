/**
 * How long a VM takes to come back, for ordering a group (longest first, boot storms in mind) and
 * for the lower bound a run is judged against. The defaults are calibration guesses for Hyper-V
 * hosts (the lab uses the same shape); correct them from measured runs, not in the scheduler.
 */
export interface DurationModel {
  failoverSec: number;
  powerOnSec: number;
  bootBaseSec: number;
  bootPerGiBSec: number;
  /**
   * Boots a DR host and a DR cluster's shared storage serve at full speed. Past them every boot
   * slows down and, thrashing, the total gets slower too: the orchestrator's default boot limits.
   */
  hostBootSlots: number;
  storageBootSlots: number;
  appStartSec: number;
  databaseAppStartSec: number;
}

export const DEFAULT_DURATION_MODEL: DurationModel = {
  failoverSec: 8, powerOnSec: 3, bootBaseSec: 40, bootPerGiBSec: 0.25,
  hostBootSlots: 4, storageBootSlots: 16, appStartSec: 30, databaseAppStartSec: 90,
};

export interface BootCandidate {
  name: string;
  host: string;
  cluster: string;
  memoryBytes: number;
  database: boolean;
}

const GiB = 1024 ** 3;

export function bootBaseSec(vm: BootCandidate, m: DurationModel): number {
  return m.bootBaseSec + (vm.memoryBytes / GiB) * m.bootPerGiBSec;
}

export function appStartSec(vm: BootCandidate, m: DurationModel): number {
  return vm.database ? m.databaseAppStartSec : m.appStartSec;
}

/** Failover → healthy with nothing else booting. */
export function uncontendedSec(vm: BootCandidate, m: DurationModel): number {
  return m.failoverSec + m.powerOnSec + bootBaseSec(vm, m) + appStartSec(vm, m);
}

/**
 * Boot order inside a group: whatever takes longest from boot to healthy goes first (longest
 * processing time first), so the slots are never left waiting on one long boot at the end and the
 * slow-starting databases get their application start out of the way early.
 */
export function bootOrder(vms: readonly BootCandidate[], m: DurationModel = DEFAULT_DURATION_MODEL): string[] {
  return vms
    .map((vm) => ({ name: vm.name, cost: bootBaseSec(vm, m) + appStartSec(vm, m) }))
    .sort((a, b) => b.cost - a.cost || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((v) => v.name);
}

/** Boots allowed at once: the plan's own limits, else what the hardware serves at full speed. */
export function bootLimits(settings: { maxBootsPerHost: number | null; maxBootsPerCluster: number | null }, m: DurationModel = DEFAULT_DURATION_MODEL): { perHost: number; perCluster: number } {
  return { perHost: settings.maxBootsPerHost ?? m.hostBootSlots, perCluster: settings.maxBootsPerCluster ?? m.storageBootSlots };
}

/**
 * A lower bound on a group's time from its start to its last VM healthy, valid for any schedule:
 * the slowest VM alone; and, per host and per cluster, the work bound — a resource never serves
 * more boot-seconds per second than its slots (sharing only slows it down), the first boot cannot
 * begin before a failover and a power-on, and the last one still has an application start after it.
 */
export function groupLowerBoundSec(vms: readonly BootCandidate[], m: DurationModel = DEFAULT_DURATION_MODEL): number {
  return groupBottleneck(vms, m)?.sec ?? 0;
}

/**
 * Which term of groupLowerBoundSec binds: the slowest VM alone, one host's boot slots, or one
 * cluster's storage boot slots — what a prediction names as the group's bottleneck.
 */
export function groupBottleneck(vms: readonly BootCandidate[], m: DurationModel = DEFAULT_DURATION_MODEL): { kind: 'vm' | 'host' | 'storage'; name: string; sec: number } | null {
  if (vms.length === 0) return null;
  let best: { kind: 'vm' | 'host' | 'storage'; name: string; sec: number } = { kind: 'vm', name: vms[0]!.name, sec: -1 };
  const consider = (kind: 'vm' | 'host' | 'storage', name: string, sec: number) => { if (sec > best.sec) best = { kind, name, sec }; };
  for (const vm of vms) consider('vm', vm.name, uncontendedSec(vm, m));
  const work = (members: BootCandidate[], slots: number) => {
    let total = 0;
    let app = Infinity;
    for (const vm of members) { total += bootBaseSec(vm, m); app = Math.min(app, appStartSec(vm, m)); }
    return m.failoverSec + m.powerOnSec + total / slots + app;
  };
  for (const [host, members] of groupBy(vms, (v) => v.host)) consider('host', host, work(members, m.hostBootSlots));
  for (const [cluster, members] of groupBy(vms, (v) => v.cluster)) consider('storage', cluster, work(members, m.storageBootSlots));
  return best;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item); else out.set(k, [item]);
  }
  return out;
}
