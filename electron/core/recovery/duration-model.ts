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
  /** Each boot already in progress on the same host stretches a new boot by this share. */
  hostContention: number;
  /** ...and each one on the same cluster (shared storage). */
  storageContention: number;
  appStartSec: number;
  databaseAppStartSec: number;
}

export const DEFAULT_DURATION_MODEL: DurationModel = {
  failoverSec: 8, powerOnSec: 3, bootBaseSec: 40, bootPerGiBSec: 0.25,
  hostContention: 0.35, storageContention: 0.06, appStartSec: 30, databaseAppStartSec: 90,
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
 * Boot order for one group started all at once. A boot is slowed by the boots already running when
 * it starts, so the cost of the VM started last depends only on which VMs are in the group: the
 * reverse greedy (Lawler) that puts last whichever VM suffers least there minimises the slowest VM.
 */
export function bootOrder(vms: readonly BootCandidate[], m: DurationModel = DEFAULT_DURATION_MODEL): string[] {
  const remainingHost = new Map<string, number>();
  const remainingCluster = new Map<string, number>();
  for (const vm of vms) {
    remainingHost.set(vm.host, (remainingHost.get(vm.host) ?? 0) + 1);
    remainingCluster.set(vm.cluster, (remainingCluster.get(vm.cluster) ?? 0) + 1);
  }
  const left = vms.slice().sort((a, b) => (a.name < b.name ? -1 : 1));
  const reversed: string[] = [];
  while (left.length > 0) {
    let best = 0;
    let bestCost = Infinity;
    for (let i = 0; i < left.length; i++) {
      const vm = left[i]!;
      const cost = bootBaseSec(vm, m) * (1 + m.hostContention * (remainingHost.get(vm.host)! - 1) + m.storageContention * (remainingCluster.get(vm.cluster)! - 1)) + appStartSec(vm, m);
      if (cost < bestCost) { bestCost = cost; best = i; }
    }
    const [vm] = left.splice(best, 1);
    remainingHost.set(vm!.host, remainingHost.get(vm!.host)! - 1);
    remainingCluster.set(vm!.cluster, remainingCluster.get(vm!.cluster)! - 1);
    reversed.push(vm!.name);
  }
  return reversed.reverse();
}

/**
 * A lower bound on a group's time from its start to its last VM healthy, valid for any schedule:
 * the slowest VM alone; and, per host and per cluster, the boot-storm bound — with n boots sharing
 * a resource whose contention is k per boot in progress, the last one started takes at least
 * base·(1 + k·c) after the c still booting, and finishing the others first costs more than that.
 */
export function groupLowerBoundSec(vms: readonly BootCandidate[], m: DurationModel = DEFAULT_DURATION_MODEL): number {
  if (vms.length === 0) return 0;
  let bound = 0;
  for (const vm of vms) bound = Math.max(bound, uncontendedSec(vm, m));
  const storm = (members: BootCandidate[], k: number) => {
    let base = Infinity;
    let app = Infinity;
    for (const vm of members) { base = Math.min(base, bootBaseSec(vm, m)); app = Math.min(app, appStartSec(vm, m)); }
    return m.failoverSec + m.powerOnSec + base * (1 + k * (members.length - 1)) + app;
  };
  for (const members of groupBy(vms, (v) => v.host).values()) bound = Math.max(bound, storm(members, m.hostContention + m.storageContention));
  for (const members of groupBy(vms, (v) => v.cluster).values()) bound = Math.max(bound, storm(members, m.storageContention));
  return bound;
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
