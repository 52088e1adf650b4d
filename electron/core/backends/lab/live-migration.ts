import type { Vm } from '../../../../shared/model/estate.ts';
import type { GroupPriority, MigrationPerformance } from '../../../../shared/model/hyperv-enums.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import { holdsMemory } from '../../../../shared/model/host-usage.ts';
import { fqdnOf, type LabWorld } from './lab-world.ts';
import { fmtGiB, type VmPower } from './vm-power.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Live migration: pre-copy rounds re-send the memory dirtied during the previous round until what
 * is left fits a short blackout. Rates are per source host and shared by its concurrent migrations.
 * (Modelling choices: effective rates of a 10 GbE migration network; compression trades CPU for
 * roughly double the memory per second; SMB Direct over two ports.)
 */
export const MIGRATION_MODEL = {
  memoryBytesPerSec: { TCPIP: (4e9 / 8), Compression: (9e9 / 8), SMB: (18e9 / 8) } satisfies Record<MigrationPerformance, number>,
  setupMs: 2_000,
  maxPreCopyRounds: 8,
  blackoutBytes: 128 * MiB,
  /** Pages a guest keeps re-dirtying are sent once per round: the dirty set saturates at its hot set. */
  hotSetShare: 0.1,
  saveBytesPerSec: 1.5 * GiB,
  restoreBytesPerSec: 2 * GiB,
  /** An Off or Saved clustered VM moves with its cluster group in about this long. */
  offlineMoveMs: 1_500,
} as const;

export type MigrationType = 'Live' | 'Quick';

/** A finished job as a snapshot keeps it (Get-CimInstance Msvm_MigrationJob still lists it). */
export type SavedJob = Omit<MigrationJob, 'settle'>;

export interface MigrationState {
  jobs: SavedJob[];
  nextId: number;
  activeByHost: [string, number][];
  drainStatus: [string, DrainStatus][];
}

interface MigrationJob {
  id: string;
  vmId: string;
  vmName: string;
  sourceHostId: string;
  destHostId: string;
  type: MigrationType;
  state: 'Queued' | 'Running' | 'Completed' | 'Failed';
  queuedAt: number;
  startedAt: number | null;
  durationMs: number;
  error: string | null;
  reserved: number;
  /** Bumped when the job is cancelled so its scheduled completion does nothing. */
  alive: boolean;
  settle: (error: ContractError | null) => void;
}

export type DrainStatus = 'NotInitiated' | 'InProgress' | 'Completed' | 'Failed';

const PRIORITY_ORDER: Record<GroupPriority, number> = { High: 0, Medium: 1, Low: 2, NoAutoStart: 3 };

/** Live and quick migration, per-host concurrency limits, and node drain. */
export class LiveMigration {
  private readonly world: LabWorld;
  private readonly power: VmPower;
  readonly jobs: MigrationJob[] = [];
  private nextId = 1;
  private readonly activeByHost = new Map<string, number>();
  readonly drainStatus = new Map<string, DrainStatus>();

  constructor(world: LabWorld, power: VmPower) {
    this.world = world;
    this.power = power;
  }

  /** No job queued or running: a queued job waits for a slot with nothing in the event queue. */
  get idle(): boolean {
    return this.jobs.every((job) => job.state === 'Completed' || job.state === 'Failed');
  }

  saveState(): MigrationState {
    return {
      jobs: this.jobs.map(({ settle: _settle, ...job }) => ({ ...job })), nextId: this.nextId,
      activeByHost: [...this.activeByHost], drainStatus: [...this.drainStatus],
    };
  }

  /** Finished jobs were settled when they finished: nobody waits on them any more. */
  restoreState(state: MigrationState): void {
    this.jobs.splice(0, this.jobs.length, ...state.jobs.map((job) => ({ ...job, settle: () => {} })));
    this.nextId = state.nextId;
    this.activeByHost.clear();
    for (const [host, n] of state.activeByHost) this.activeByHost.set(host, n);
    this.drainStatus.clear();
    for (const [host, status] of state.drainStatus) this.drainStatus.set(host, status);
  }

  /** Move-ClusterVirtualMachineRole. Resolves when the VM runs on the destination. */
  move(vm: Vm, dest: HostInventory, type: MigrationType): { job: MigrationJob | null; done: Promise<void> } {
    const world = this.world;
    const source = world.hosts.get(vm.hostId)!;
    if (dest.clusterId !== vm.clusterId) throw new ContractError('invalid-state', `Node ${dest.name} is not a member of the cluster that owns '${vm.name}'.`, vm.name);
    if (dest.id === vm.hostId) throw new ContractError('invalid-state', `'${vm.name}' is already owned by node ${dest.name}.`, vm.name);
    if (dest.state !== 'Up') throw new ContractError('invalid-state', `'${vm.name}' cannot move to node ${dest.name}: the node is ${dest.state}.`, vm.name);
    if (vm.possibleOwners && !vm.possibleOwners.includes(dest.id)) {
      throw new ContractError('invalid-state', `Node ${dest.name} is not a possible owner of '${vm.name}' (possible owners: ${vm.possibleOwners.map((id) => world.hosts.get(id)?.name ?? id).join(', ')}).`, vm.name);
    }
    if (world.migrating.has(vm.id)) throw new ContractError('invalid-state', `'${vm.name}' is already being migrated.`, vm.name);
    if (vm.state === 'Starting' || vm.state === 'Stopping' || vm.state === 'Resuming' || vm.state === 'Saving') {
      throw new ContractError('invalid-state', `'${vm.name}' cannot be migrated while it is ${vm.state}.`, vm.name);
    }
    if (!holdsMemory(vm)) {
      // Off and Saved VMs move with their cluster group: nothing to copy.
      world.migrating.add(vm.id);
      const done = new Promise<void>((resolve) => {
        world.queue.after(MIGRATION_MODEL.offlineMoveMs, () => {
          world.migrating.delete(vm.id);
          this.relocate(vm, dest);
          resolve();
        });
      });
      return { job: null, done };
    }
    if (world.freeMemory(dest.id) < vm.memoryBytes) {
      throw new ContractError('backend', `Migration of '${vm.name}' to ${dest.name} failed: the node has ${fmtGiB(Math.max(0, world.freeMemory(dest.id)))} free and the virtual machine needs ${fmtGiB(vm.memoryBytes)}.`, vm.name);
    }
    let settle!: (error: ContractError | null) => void;
    const done = new Promise<void>((resolve, reject) => { settle = (error) => (error ? reject(error) : resolve()); });
    const job: MigrationJob = {
      id: `mig-${this.nextId++}`, vmId: vm.id, vmName: vm.name, sourceHostId: source.id, destHostId: dest.id, type,
      state: 'Queued', queuedAt: world.now, startedAt: null, durationMs: 0, error: null, reserved: vm.memoryBytes,
      alive: true, settle,
    };
    world.migrating.add(vm.id);
    world.reservations.set(dest.id, (world.reservations.get(dest.id) ?? 0) + job.reserved);
    this.jobs.push(job);
    if (this.jobs.length > 2000) this.jobs.splice(0, this.jobs.length - 1000);
    world.event('migration.queued', 'info', `${type} migration of '${vm.name}' from ${source.name} to ${dest.name} queued.`, { vm: vm.name, host: source.name });
    this.pump();
    return { job, done };
  }

  percentComplete(job: MigrationJob): number {
    if (job.state === 'Completed') return 100;
    if (job.state !== 'Running' || job.startedAt === null || job.durationMs <= 0) return 0;
    return Math.min(99, Math.floor(((this.world.now - job.startedAt) / job.durationMs) * 100));
  }

  /**
   * The destination node for a VM leaving `from`, as the cluster picks it: a possible owner that is
   * Up, preferring one that holds no VM of the same anti-affinity class, then the most free memory.
   */
  pickDestination(vm: Vm, fromHostId: string): HostInventory | undefined {
    const cluster = this.world.clusters.get(vm.clusterId)!;
    let best: HostInventory | undefined;
    let bestFree = -Infinity;
    let bestClash = true;
    const classes = vm.antiAffinity ?? [];
    const clashes = (hostId: string) => classes.length > 0
      && [...(this.world.vmsByHost.get(hostId) ?? [])].some((id) => id !== vm.id && (this.world.vms.get(id)?.antiAffinity ?? []).some((c) => classes.includes(c)));
    for (const id of cluster.hostIds) {
      if (id === fromHostId) continue;
      if (vm.possibleOwners && !vm.possibleOwners.includes(id)) continue;
      const host = this.world.hosts.get(id)!;
      if (host.state !== 'Up') continue;
      const free = this.world.freeMemory(id);
      // Anti-affinity is a preference among the nodes that fit, as in a real cluster.
      const clash = holdsMemory(vm) && free < vm.memoryBytes ? true : clashes(id);
      if ((!clash && bestClash) || (clash === bestClash && free > bestFree)) { best = host; bestFree = free; bestClash = clash; }
    }
    if (!best) return undefined;
    return !holdsMemory(vm) || bestFree >= vm.memoryBytes ? best : undefined;
  }

  /** Suspend-ClusterNode -Drain: Low priority roles are quick-migrated (downtime), the rest live. */
  drain(node: HostInventory): Promise<DrainStatus> {
    const world = this.world;
    if (node.state !== 'Up') return Promise.reject(new ContractError('invalid-state', `Node ${node.name} cannot be drained: it is ${node.state}.`, node.name));
    world.setHost(node, { state: 'Paused' });
    this.drainStatus.set(node.id, 'InProgress');
    world.event('cluster.drain-started', 'info', `Draining node ${node.name}.`, { host: node.name });
    const vms = [...(world.vmsByHost.get(node.id) ?? [])].map((id) => world.vms.get(id)!)
      .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const moves: Promise<boolean>[] = [];
    let failed = false;
    for (const vm of vms) {
      if (world.migrating.has(vm.id)) continue;
      const dest = this.pickDestination(vm, node.id);
      if (!dest) {
        failed = true;
        world.event('cluster.drain-blocked', 'error', `Node ${node.name} cannot be drained: no other node has room for '${vm.name}' (${fmtGiB(vm.memoryBytes)}).`, { vm: vm.name, host: node.name });
        continue;
      }
      const type: MigrationType = vm.priority === 'Low' && holdsMemory(vm) ? 'Quick' : 'Live';
      if (type === 'Quick') {
        world.event('cluster.drain-quick', 'warning', `'${vm.name}' has Low priority: the drain quick-migrates it (saved and restored, with downtime).`, { vm: vm.name, host: node.name });
      }
      try {
        moves.push(this.move(vm, dest, type).done.then(() => true, () => false));
      } catch {
        failed = true;
      }
    }
    return Promise.all(moves).then((results) => {
      const status: DrainStatus = failed || results.includes(false) ? 'Failed' : 'Completed';
      this.drainStatus.set(node.id, status);
      world.event('cluster.drain-finished', status === 'Completed' ? 'info' : 'error', `Drain of node ${node.name} ${status === 'Completed' ? 'completed' : 'failed'}.`, { host: node.name });
      return status;
    });
  }

  /** A host crashed: its migrations (either end) fail. */
  hostFailed(hostId: string): void {
    for (const job of this.jobs) {
      if (!job.alive || (job.sourceHostId !== hostId && job.destHostId !== hostId)) continue;
      this.finish(job, `the ${job.sourceHostId === hostId ? 'source' : 'destination'} node went down`);
    }
  }

  private pump(): void {
    for (const job of this.jobs) {
      if (job.state !== 'Queued' || !job.alive) continue;
      const source = this.world.hosts.get(job.sourceHostId)!;
      const dest = this.world.hosts.get(job.destHostId)!;
      if ((this.activeByHost.get(source.id) ?? 0) >= source.maxVmMigrations) continue;
      if ((this.activeByHost.get(dest.id) ?? 0) >= dest.maxVmMigrations) continue;
      this.begin(job, source, dest);
    }
  }

  private begin(job: MigrationJob, source: HostInventory, dest: HostInventory): void {
    const world = this.world;
    const vm = world.vms.get(job.vmId)!;
    job.state = 'Running';
    job.startedAt = world.now;
    bump(this.activeByHost, source.id, 1);
    bump(this.activeByHost, dest.id, 1);
    const share = MIGRATION_MODEL.memoryBytesPerSec[source.migrationPerformance] / (this.activeByHost.get(source.id) ?? 1);
    if (job.type === 'Live') {
      job.durationMs = liveMigrationMs(vm.memoryBytes, world.profile(vm)?.memoryDirtyRatePerSec ?? 0.01, share);
      world.event('migration.started', 'info', `Live migration of '${vm.name}' to ${dest.name} started (${source.migrationPerformance}).`, { vm: vm.name, host: source.name });
      world.queue.after(job.durationMs, () => {
        if (!job.alive) return;
        this.relocate(vm, dest);
        this.finish(job, null);
      });
      return;
    }
    const saveMs = (vm.memoryBytes / MIGRATION_MODEL.saveBytesPerSec) * 1000;
    const restoreMs = (vm.memoryBytes / MIGRATION_MODEL.restoreBytesPerSec) * 1000;
    job.durationMs = saveMs + MIGRATION_MODEL.offlineMoveMs + restoreMs;
    world.setVm(vm, { state: 'Saving' });
    world.event('migration.started', 'warning', `Quick migration of '${vm.name}' to ${dest.name} started: the VM is saved and will be unavailable for about ${Math.ceil(job.durationMs / 1000)} s.`, { vm: vm.name, host: source.name });
    world.queue.after(saveMs + MIGRATION_MODEL.offlineMoveMs, () => {
      if (!job.alive) return;
      this.power.save(vm);
      this.relocate(vm, dest);
      this.release(job);
      world.setVm(vm, { state: 'Resuming' });
      world.queue.after(restoreMs, () => {
        if (!job.alive) return;
        world.setVm(vm, { state: 'Running', heartbeat: 'OkApplicationsHealthy' });
        this.finish(job, null);
      });
    });
  }

  private relocate(vm: Vm, dest: HostInventory): void {
    const world = this.world;
    world.setVm(vm, { hostId: dest.id, clusterId: dest.clusterId });
    if (vm.replication?.mode === 'Primary') {
      vm.replication.primaryServer = fqdnOf(dest.name);
      world.touchVm(vm, 'replication');
    }
  }

  private release(job: MigrationJob): void {
    if (job.reserved === 0) return;
    const left = (this.world.reservations.get(job.destHostId) ?? 0) - job.reserved;
    if (left > 0) this.world.reservations.set(job.destHostId, left); else this.world.reservations.delete(job.destHostId);
    job.reserved = 0;
  }

  private finish(job: MigrationJob, error: string | null): void {
    const world = this.world;
    const wasRunning = job.state === 'Running';
    job.alive = false;
    job.state = error ? 'Failed' : 'Completed';
    job.error = error;
    this.release(job);
    world.migrating.delete(job.vmId);
    if (wasRunning) {
      bump(this.activeByHost, job.sourceHostId, -1);
      bump(this.activeByHost, job.destHostId, -1);
    }
    const vm = world.vms.get(job.vmId);
    const dest = world.hosts.get(job.destHostId)!;
    if (error) {
      // A quick migration caught mid-save leaves the VM saved where it was.
      if (vm && vm.state === 'Saving') this.power.save(vm);
      world.event('migration.failed', 'error', `Migration of '${job.vmName}' to ${dest.name} failed: ${error}.`, { vm: job.vmName, host: dest.name });
      job.settle(new ContractError('backend', `Migration of '${job.vmName}' to ${dest.name} failed: ${error}.`, job.vmName));
    } else {
      world.event('migration.completed', 'info', `'${job.vmName}' now runs on ${dest.name} (${job.type.toLowerCase()} migration, ${Math.round(job.durationMs / 100) / 10} s).`, { vm: job.vmName, host: dest.name });
      job.settle(null);
    }
    this.pump();
  }
}

/** Pre-copy: each round re-sends what was dirtied while the previous one was copied. */
export function liveMigrationMs(memoryBytes: number, dirtyFractionPerSec: number, bytesPerSec: number): number {
  const dirtyBytesPerSec = memoryBytes * dirtyFractionPerSec;
  let toSend = memoryBytes;
  let total = 0;
  for (let round = 0; round < MIGRATION_MODEL.maxPreCopyRounds; round++) {
    const seconds = toSend / bytesPerSec;
    total += seconds;
    toSend = Math.min(memoryBytes * MIGRATION_MODEL.hotSetShare, dirtyBytesPerSec * seconds);
    if (toSend <= MIGRATION_MODEL.blackoutBytes) break;
  }
  // The blackout sends whatever is still dirty with the VM paused.
  total += toSend / bytesPerSec;
  return MIGRATION_MODEL.setupMs + total * 1000;
}

function bump(map: Map<string, number>, key: string, delta: number): void {
  map.set(key, (map.get(key) ?? 0) + delta);
}
