import type { EventQueue, ScheduledEvent } from './event-queue.ts';

/**
 * Guests booting at once share their host's CPU and their cluster's storage. Up to a number of
 * "slots" each boot runs at full speed; past that each gets its fair share of the slots, and the
 * resource also thrashes (queue depths, cache misses, retried I/O), so the total throughput FALLS
 * as more boots pile on. That is what makes a boot storm slower than a paced start, and why a
 * failover orchestrator limits boots per host and per cluster. (Modelling choices, not measurements.)
 */
export const BOOT_STORM_MODEL = {
  /** Boots a DR cluster's shared storage serves at full speed (all-flash CSV). */
  storageSlots: 16,
  /** Boots a host's CPUs serve at full speed. */
  hostSlots: 4,
  /** Throughput lost per unit of oversubscription (n/slots - 1). */
  thrash: 0.1,
} as const;

/** Speed of each of `n` boots sharing `slots` (1 = as fast as booting alone). */
export function shareOf(n: number, slots: number, thrash: number = BOOT_STORM_MODEL.thrash): number {
  if (n <= slots) return 1;
  return (slots / n) / (1 + thrash * (n / slots - 1));
}

interface Boot {
  id: string;
  host: string;
  cluster: string;
  /** Milliseconds of booting left at full speed. */
  remaining: number;
  rate: number;
  since: number;
  done: () => void;
  event: ScheduledEvent | null;
}

/**
 * Boots in progress as a fluid model: each boot is an amount of work progressing at a rate set by
 * the boots sharing its host and cluster; when one starts or ends, every boot of that cluster is
 * brought up to date and its completion rescheduled.
 */
export class BootStorm {
  private readonly queue: EventQueue;
  private readonly byCluster = new Map<string, Map<string, Boot>>();
  private readonly hostCount = new Map<string, number>();
  private readonly active = new Map<string, Boot>();

  constructor(queue: EventQueue) {
    this.queue = queue;
  }

  /** Starts booting `id`; `done` runs when `workMs` of full-speed booting has been served. */
  start(id: string, host: string, cluster: string, workMs: number, done: () => void): void {
    this.cancel(id);
    const boot: Boot = { id, host, cluster, remaining: workMs, rate: 1, since: this.queue.now, done, event: null };
    let members = this.byCluster.get(cluster);
    if (!members) { members = new Map(); this.byCluster.set(cluster, members); }
    this.settle(members);
    members.set(id, boot);
    this.active.set(id, boot);
    this.hostCount.set(host, (this.hostCount.get(host) ?? 0) + 1);
    this.reschedule(members);
  }

  /** The boot stopped before it finished (power off, host crash): its share goes to the others. */
  cancel(id: string): void {
    const boot = this.active.get(id);
    if (!boot) return;
    this.remove(boot);
  }

  /** Boots in progress are operations in flight: a snapshot is taken only when there are none. */
  get idle(): boolean { return this.active.size === 0; }

  saveHostCounts(): [string, number][] { return [...this.hostCount]; }

  restoreHostCounts(entries: [string, number][]): void {
    this.hostCount.clear();
    for (const [host, n] of entries) this.hostCount.set(host, n);
  }

  booting(cluster: string): number {
    return this.byCluster.get(cluster)?.size ?? 0;
  }

  private remove(boot: Boot): void {
    const members = this.byCluster.get(boot.cluster)!;
    this.settle(members);
    boot.event?.cancel();
    members.delete(boot.id);
    this.active.delete(boot.id);
    this.hostCount.set(boot.host, this.hostCount.get(boot.host)! - 1);
    this.reschedule(members);
  }

  /** Credits every boot of the cluster with the work served since its rate last changed. */
  private settle(members: Map<string, Boot>): void {
    const now = this.queue.now;
    for (const boot of members.values()) {
      boot.remaining = Math.max(0, boot.remaining - (now - boot.since) * boot.rate);
      boot.since = now;
    }
  }

  private reschedule(members: Map<string, Boot>): void {
    const storage = shareOf(members.size, BOOT_STORM_MODEL.storageSlots);
    for (const boot of members.values()) {
      boot.rate = Math.min(storage, shareOf(this.hostCount.get(boot.host)!, BOOT_STORM_MODEL.hostSlots));
      boot.event?.cancel();
      boot.event = this.queue.after(boot.remaining / boot.rate, () => {
        boot.event = null;
        this.remove(boot);
        boot.done();
      });
    }
  }
}
