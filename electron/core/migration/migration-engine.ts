import type { MigrationItem, MigrationType, ThroughputPoint } from '../../../shared/model/migration.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { BackendClock, HyperVBackend, MigrationJobInfo } from '../backends/backend-port.ts';
import { holdsMemory, usableMemoryBytes } from '../../../shared/model/host-usage.ts';
import type { EstateView } from './estate-view.ts';
import { DEFAULT_MIGRATION_MODEL, liveMigration, quickMigrationSec, type MigrationModel } from './migration-model.ts';

/** Whoever asked for a migration decides what happens when it cannot go where it was planned. */
export interface ItemOwner {
  /** Issue-time: the destination cannot take it (down, full). Another destination id, or null. */
  redirect(item: EngineItem, why: string): string | null;
  /**
   * Optional, issue-time: the source has a free slot but the planned destination's slots are all
   * taken. Another destination (none of `busy`) the VM may go to now, or null to wait for it.
   */
  retarget?(item: EngineItem, busy: ReadonlySet<string>): string | null;
  /** The item reached a final state (completed, failed, cancelled, skipped). */
  settled(item: EngineItem): void;
  /** While true, the owner's queued items are not started. */
  held(): boolean;
}

export interface EngineItem extends MigrationItem {
  memoryBytes: number;
  backend: HyperVBackend;
  owner: ItemOwner;
  jobId: string | null;
  /** Job ids of this VM seen before it was issued: they belong to earlier moves. */
  preexisting: Set<string>;
  issuedAt: number | null;
  lastObs: { at: number; percent: number } | null;
  verifyTicks: number;
  /** Destinations that failed for this VM during this operation. */
  excluded: Set<string>;
}

interface NewItem {
  vmId: string;
  destHostId: string;
  type: MigrationType;
  operationId: string;
  purpose: 'drain' | 'failback';
  order: number;
  predictedSec: number;
  attempt?: number;
  excluded?: Set<string>;
  front?: boolean;
}

interface EngineOptions {
  backend: HyperVBackend;
  estate: EstateView;
  clock: BackendClock;
  /** Called (synchronously) after anything in the queue of these clusters changed. */
  onChange(clusterIds: ReadonlySet<string>): void;
  pollMs?: number;
  model?: MigrationModel;
}

const FINAL = new Set<MigrationItem['state']>(['completed', 'failed', 'cancelled', 'skipped']);
const KEEP_FINISHED = 3000;

/**
 * The console's migration queue. Holds every migration a drain or failback asked for and starts
 * each one (Move-ClusterVirtualMachineRole -MigrationType Live -Wait 0) only when its source and its
 * destination have a free slot, so nothing waits in a host queue the console cannot cancel from.
 * Progress comes from Msvm_MigrationJob; a move is reported done only when the VM is seen on the
 * destination. Runs in the core: it carries on whether or not a console is connected.
 */
export class MigrationEngine {
  private readonly options: EngineOptions;
  private readonly model: MigrationModel;
  readonly items = new Map<string, EngineItem>();
  private queue: string[] = [];
  private jobs: MigrationJobInfo[] = [];
  private readonly claimed = new Set<string>();
  private readonly seenByVm = new Map<string, Set<string>>();
  private readonly throughput = new Map<string, ThroughputPoint[]>();
  private nextId = 1;
  private ticking = false;
  private again = false;
  private loopScheduled = false;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(options: EngineOptions) {
    this.options = options;
    this.model = options.model ?? DEFAULT_MIGRATION_MODEL;
    this.unsubscribe = options.backend.onEvents((events) => {
      if (events.some((e) => e.kind.startsWith('migration.') || e.kind.startsWith('cluster.node'))) this.kick();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
  }

  get pollMs(): number { return this.options.pollMs ?? 1000; }

  enqueue(specs: readonly NewItem[], backend: HyperVBackend, owner: ItemOwner): EngineItem[] {
    const now = this.options.clock.now();
    const created: EngineItem[] = [];
    const touched = new Set<string>();
    for (const spec of specs) {
      const vm = this.options.estate.getVm(spec.vmId);
      if (!vm) throw new ContractError('not-found', `There is no VM with id "${spec.vmId}".`, spec.vmId);
      const item: EngineItem = {
        id: `mv-${this.nextId++}`, vmId: vm.id, vmName: vm.name, clusterId: vm.clusterId,
        sourceHostId: vm.hostId, destHostId: spec.destHostId, type: spec.type, state: 'queued',
        operationId: spec.operationId, purpose: spec.purpose, order: spec.order, attempt: spec.attempt ?? 1,
        bytesTotal: this.bytesFor(vm.memoryBytes, vm.tier, spec.type, vm.hostId), bytesDone: 0, percent: 0, bytesPerSec: null, etaSec: null,
        predictedSec: spec.predictedSec, queuedAt: now, startedAt: null, finishedAt: null, message: null,
        memoryBytes: vm.memoryBytes, backend, owner, jobId: null, preexisting: new Set(), issuedAt: null, lastObs: null, verifyTicks: 0,
        excluded: spec.excluded ?? new Set(),
      };
      this.items.set(item.id, item);
      if (spec.front) this.queue.unshift(item.id); else this.queue.push(item.id);
      created.push(item);
      touched.add(item.clusterId);
    }
    this.trim();
    this.options.onChange(touched);
    this.kick();
    return created;
  }

  /** Cancels a queued item; one already handed to the host cannot be taken back. */
  cancel(itemId: string, reason = 'cancelled by the operator'): EngineItem {
    const item = this.items.get(itemId);
    if (!item) throw new ContractError('not-found', `There is no migration with id "${itemId}".`, 'itemId');
    if (item.state !== 'queued') {
      throw new ContractError('invalid-state', `The migration of '${item.vmName}' is ${item.state}; only queued migrations can be cancelled.`, 'itemId');
    }
    this.settle(item, 'cancelled', reason);
    return item;
  }

  /** A migration of this VM is queued or running. */
  hasActive(vmId: string): boolean {
    for (const item of this.items.values()) if (item.vmId === vmId && (item.state === 'queued' || item.state === 'running')) return true;
    return false;
  }

  /** Memory of migrations still on their way into a host (not yet shown there by the estate). */
  incomingBytes(hostId: string): number {
    let bytes = 0;
    for (const item of this.items.values()) {
      if (item.destHostId === hostId && (item.state === 'running' || item.state === 'queued') && item.type !== 'offline') bytes += item.memoryBytes;
    }
    return bytes;
  }

  /** Migrations started elsewhere (another console, the cluster itself) that the hosts report. */
  externalJobs(): MigrationJobInfo[] {
    return this.jobs.filter((j) => !this.claimed.has(j.InstanceId));
  }

  throughputOf(clusterId: string): ThroughputPoint[] {
    return this.throughput.get(clusterId) ?? [];
  }

  /** Runs the loop soon (coalesced). */
  kick(): void {
    if (this.disposed) return;
    if (this.ticking) { this.again = true; return; }
    if (this.loopScheduled) return;
    this.loopScheduled = true;
    queueMicrotask(() => { this.loopScheduled = false; void this.tick(); });
  }

  private active(): boolean {
    for (const item of this.items.values()) if (!FINAL.has(item.state)) return true;
    return this.jobs.some((j) => j.JobState === 'Running' || j.JobState === 'Queued');
  }

  private async tick(): Promise<void> {
    if (this.disposed || this.ticking) return;
    this.ticking = true;
    try {
      do {
        this.again = false;
        const touched = new Set<string>();
        if ([...this.items.values()].some((i) => i.state === 'running') || this.jobs.some((j) => j.JobState === 'Running' || j.JobState === 'Queued') || this.jobs.length === 0) {
          await this.poll(touched);
        }
        await this.issue(touched);
        if (touched.size > 0) this.options.onChange(touched);
      } while (this.again && !this.disposed);
    } finally {
      this.ticking = false;
    }
    if (!this.disposed && this.active()) this.scheduleNext();
  }

  private sleeping = false;
  private scheduleNext(): void {
    if (this.sleeping) return;
    this.sleeping = true;
    void this.options.clock.sleep(this.pollMs).then(() => {
      this.sleeping = false;
      if (!this.disposed) void this.tick();
    });
  }

  private async poll(touched: Set<string>): Promise<void> {
    let jobs: MigrationJobInfo[];
    try {
      jobs = await this.options.backend.getMigrationJobs();
    } catch {
      return; // the next poll tries again; nothing is decided on a failed read
    }
    this.jobs = jobs;
    const now = this.options.clock.now();
    for (const item of this.items.values()) {
      if (item.state !== 'running') continue;
      touched.add(item.clusterId);
      const destName = this.options.estate.getHost(item.destHostId)?.name ?? '';
      if (item.type !== 'offline' && !item.jobId) {
        const job = jobs.find((j) => !this.claimed.has(j.InstanceId) && !item.preexisting.has(j.InstanceId)
          && j.VMName.toLowerCase() === item.vmName.toLowerCase() && j.DestinationHost.toLowerCase() === destName.toLowerCase());
        if (job) { item.jobId = job.InstanceId; this.claimed.add(job.InstanceId); }
      }
      const job = item.jobId ? jobs.find((j) => j.InstanceId === item.jobId) : undefined;
      if (job?.JobState === 'Failed') {
        this.settle(item, 'failed', job.ErrorDescription ?? 'the migration failed');
        continue;
      }
      if (job && job.JobState === 'Running') {
        if (item.startedAt === null || (job.StartTime !== null && item.startedAt !== job.StartTime)) item.startedAt = job.StartTime ?? now;
        this.observe(item, job.PercentComplete, now);
        continue;
      }
      if (job && job.JobState === 'Queued') continue;
      // Completed, no job (offline move), or a job that fell off the host's list: verify where the VM is.
      const vm = this.options.estate.getVm(item.vmId);
      if (vm && vm.hostId === item.destHostId) {
        this.settle(item, 'completed', null);
        continue;
      }
      item.verifyTicks += 1;
      const limit = item.type === 'offline' || !item.jobId ? Math.ceil(120_000 / this.pollMs) : Math.ceil(30_000 / this.pollMs);
      if (item.verifyTicks > limit) {
        const where = vm ? this.options.estate.getHost(vm.hostId)?.name ?? vm.hostId : 'nowhere';
        this.settle(item, 'failed', `the host reported the move finished, but '${item.vmName}' is still on ${where}`);
      }
    }
    this.recordThroughput(now);
    for (const job of jobs) {
      const key = job.VMName.toLowerCase();
      let set = this.seenByVm.get(key);
      if (!set) this.seenByVm.set(key, (set = new Set()));
      set.add(job.InstanceId);
    }
  }

  private observe(item: EngineItem, percent: number, now: number): void {
    if (item.lastObs && now > item.lastObs.at && percent > item.lastObs.percent) {
      item.bytesPerSec = ((percent - item.lastObs.percent) / 100) * item.bytesTotal / ((now - item.lastObs.at) / 1000);
    } else if (item.startedAt !== null && now > item.startedAt && percent > 0) {
      item.bytesPerSec = (percent / 100) * item.bytesTotal / ((now - item.startedAt) / 1000);
    }
    if (!item.lastObs || item.lastObs.percent !== percent) item.lastObs = { at: now, percent };
    item.percent = percent;
    item.bytesDone = (percent / 100) * item.bytesTotal;
    item.etaSec = item.bytesPerSec && item.bytesPerSec > 0 ? Math.max(0, (item.bytesTotal - item.bytesDone) / item.bytesPerSec) : null;
  }

  private recordThroughput(now: number): void {
    const byCluster = new Map<string, { bytes: number; running: number }>();
    for (const item of this.items.values()) {
      if (item.state !== 'running') continue;
      const entry = byCluster.get(item.clusterId) ?? { bytes: 0, running: 0 };
      entry.bytes += item.bytesPerSec ?? 0;
      entry.running += 1;
      byCluster.set(item.clusterId, entry);
    }
    for (const clusterId of new Set([...byCluster.keys(), ...this.throughput.keys()])) {
      const points = this.throughput.get(clusterId) ?? [];
      const last = points[points.length - 1];
      const entry = byCluster.get(clusterId) ?? { bytes: 0, running: 0 };
      if (last && now - last.at < 5_000) continue;
      if (!last && entry.running === 0) continue;
      points.push({ at: now, bytesPerSec: Math.round(entry.bytes), running: entry.running });
      if (points.length > 720) points.splice(0, points.length - 720);
      this.throughput.set(clusterId, points);
    }
  }

  private inFlight(): Map<string, number> {
    const counts = new Map<string, number>();
    const bump = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const item of this.items.values()) {
      if (item.state !== 'running' || item.type === 'offline') continue;
      bump(item.sourceHostId);
      bump(item.destHostId);
    }
    const byName = new Map<string, string>();
    for (const host of this.options.estate.hosts()) byName.set(host.name.toLowerCase(), host.id);
    for (const job of this.jobs) {
      if (this.claimed.has(job.InstanceId) || (job.JobState !== 'Running' && job.JobState !== 'Queued')) continue;
      if (this.isPendingOurs(job)) continue;
      const s = byName.get(job.SourceHost.toLowerCase());
      const d = byName.get(job.DestinationHost.toLowerCase());
      if (s) bump(s);
      if (d) bump(d);
    }
    return counts;
  }

  private isPendingOurs(job: MigrationJobInfo): boolean {
    for (const item of this.items.values()) {
      if (item.state === 'running' && !item.jobId && !item.preexisting.has(job.InstanceId) && item.vmName.toLowerCase() === job.VMName.toLowerCase()) return true;
    }
    return false;
  }

  private async issue(touched: Set<string>): Promise<void> {
    const counts = this.inFlight();
    const estate = this.options.estate;
    const remaining: string[] = [];
    const toStart: EngineItem[] = [];
    // Drains first: they are what a maintenance waits on; failbacks use the slots drains leave free.
    const order = [...this.queue.filter((id) => this.items.get(id)?.purpose !== 'failback'), ...this.queue.filter((id) => this.items.get(id)?.purpose === 'failback')];
    const retargeted = new Set<string>();
    const later: string[] = [];
    const consider = (id: string, firstPass: boolean): void => {
      const item = this.items.get(id);
      if (!item || item.state !== 'queued') return;
      if (item.owner.held()) { remaining.push(id); return; }
      const vm = estate.getVm(item.vmId);
      if (!vm) { this.settle(item, 'skipped', 'the VM is no longer in the estate'); touched.add(item.clusterId); return; }
      if (vm.hostId === item.destHostId) { this.settle(item, 'skipped', 'the VM is already on its destination'); touched.add(item.clusterId); return; }
      if (vm.hostId !== item.sourceHostId) {
        const where = estate.getHost(vm.hostId)?.name ?? vm.hostId;
        this.settle(item, 'skipped', `the VM is no longer on its source (now on ${where})`);
        touched.add(item.clusterId);
        return;
      }
      const source = estate.getHost(item.sourceHostId);
      if (!source || source.state === 'Down') { this.settle(item, 'skipped', 'the source node is down; the cluster restarts its VMs elsewhere'); touched.add(item.clusterId); return; }
      if (!holdsMemory(vm) && item.type !== 'offline') item.type = 'offline';
      // The destination may have filled up or gone down since the plan.
      let dest = estate.getHost(item.destHostId);
      const needs = item.type === 'offline' ? 0 : item.memoryBytes;
      const fits = (hostId: string) => {
        const h = estate.getHost(hostId);
        return !!h && h.state === 'Up' && h.memoryAssignedBytes + this.incomingBytes(hostId) - (hostId === item.destHostId ? item.memoryBytes : 0) + needs <= usableMemoryBytes(h);
      };
      if (!dest || !fits(dest.id)) {
        const why = !dest || dest.state !== 'Up' ? `${dest?.name ?? item.destHostId} is ${dest?.state ?? 'gone'}` : `${dest.name} no longer has room for it`;
        item.excluded.add(item.destHostId);
        const other = item.owner.redirect(item, why);
        if (!other || !fits(other)) {
          this.settle(item, 'failed', `no destination: ${why}, and no other node has room`);
          touched.add(item.clusterId);
          return;
        }
        item.message = `re-planned: ${why}`;
        item.destHostId = other;
        dest = estate.getHost(other)!;
        touched.add(item.clusterId);
      }
      if (item.type !== 'offline') {
        const s = counts.get(source.id) ?? 0;
        const d = counts.get(dest.id) ?? 0;
        // A failback's rate is its source's bandwidth shared with whatever else the source runs:
        // first give the slots to failbacks from otherwise idle sources.
        if (firstPass && item.purpose === 'failback' && s > 0) { later.push(id); return; }
        if (s < source.maxVmMigrations && d >= dest.maxVmMigrations && item.owner.retarget && !retargeted.has(source.id)) {
          // The source could send now but the destination is full: rather than let the source idle,
          // take another destination that has a free slot (once per source per pass: it re-plans).
          retargeted.add(source.id);
          const busy = new Set<string>();
          for (const host of estate.hosts()) if (host.clusterId === item.clusterId && (counts.get(host.id) ?? 0) >= host.maxVmMigrations) busy.add(host.id);
          const other = item.owner.retarget(item, busy);
          if (other && other !== dest.id && fits(other)) {
            item.destHostId = other;
            dest = estate.getHost(other)!;
            touched.add(item.clusterId);
          }
        }
        const d2 = counts.get(dest.id) ?? 0;
        // Never more than the host's MaximumVirtualMachineMigrations, incoming and outgoing together: a
        // move beyond it would wait in the host's own queue, where the console can neither cancel nor
        // re-place it, and the lanes would show more running than the host allows.
        if (s >= source.maxVmMigrations || d2 >= dest.maxVmMigrations) { remaining.push(id); return; }
        counts.set(source.id, s + 1);
        counts.set(dest.id, d2 + 1);
      }
      item.state = 'running';
      item.issuedAt = this.options.clock.now();
      item.preexisting = new Set(this.seenByVm.get(item.vmName.toLowerCase()) ?? []);
      toStart.push(item);
      touched.add(item.clusterId);
        };
    for (const id of order) consider(id, true);
    for (const id of later) consider(id, false);
    this.queue = remaining;
    await Promise.all(toStart.map((item) => this.start(item)));
  }

  private async start(item: EngineItem): Promise<void> {
    const destName = this.options.estate.getHost(item.destHostId)?.name ?? item.destHostId;
    try {
      await item.backend.moveClusterVirtualMachineRole({
        vmName: item.vmName, node: destName, migrationType: item.type === 'quick' ? 'Quick' : 'Live', wait: false,
      });
      if (item.type === 'offline') item.startedAt = this.options.clock.now();
    } catch (error) {
      if (item.state !== 'running') return;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof ContractError && error.code === 'timeout') {
        // The move may still be running on the host: decide from what the estate shows later.
        item.message = 'the host did not answer; checking where the VM ends up';
        return;
      }
      this.settle(item, 'failed', message);
      this.options.onChange(new Set([item.clusterId]));
    }
  }

  private settle(item: EngineItem, state: 'completed' | 'failed' | 'cancelled' | 'skipped', message: string | null): void {
    if (FINAL.has(item.state)) return;
    item.state = state;
    item.finishedAt = this.options.clock.now();
    if (message !== null) item.message = message;
    if (state === 'completed') { item.percent = 100; item.bytesDone = item.bytesTotal; item.etaSec = 0; }
    if (state !== 'completed') item.etaSec = null;
    this.queue = this.queue.filter((id) => id !== item.id);
    try { item.owner.settled(item); } catch { /* an owner's bookkeeping must not stop the queue */ }
  }

  private bytesFor(memoryBytes: number, tier: 0 | 1 | 2, type: MigrationType, sourceHostId: string): number {
    if (type === 'offline') return 0;
    if (type === 'quick') return memoryBytes;
    const source = this.options.estate.getHost(sourceHostId);
    const rate = this.model.bytesPerSec[source?.migrationPerformance ?? 'Compression'] / Math.max(1, source?.maxVmMigrations ?? 2);
    return Math.round(liveMigration(memoryBytes, this.model.dirtyShareByTier[tier], rate, this.model).bytes);
  }

  /** Seconds a move is expected to take when started on its own. */
  predictSec(memoryBytes: number, tier: 0 | 1 | 2, type: MigrationType, sourceHostId: string): number {
    if (type === 'offline') return this.model.offlineMoveSec;
    if (type === 'quick') return quickMigrationSec(memoryBytes, this.model);
    const source = this.options.estate.getHost(sourceHostId);
    return liveMigration(memoryBytes, this.model.dirtyShareByTier[tier], this.model.bytesPerSec[source?.migrationPerformance ?? 'Compression'], this.model).sec;
  }

  private trim(): void {
    if (this.items.size <= KEEP_FINISHED) return;
    for (const [id, item] of this.items) {
      if (this.items.size <= KEEP_FINISHED * 0.8) break;
      if (FINAL.has(item.state)) this.items.delete(id);
    }
  }
}
