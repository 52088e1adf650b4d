import type { Host } from '../../../shared/model/estate.ts';
import type {
  DrainOperation, DrainOptions, DrainPlan, HostMigrationSettings, HostSettingsChange, MigrationItem, MigrationOperations,
  MigrationQueue, OperationEvent, PatchStep, PlanWarning, RollingOperation, RollingPlan,
} from '../../../shared/model/migration.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedBackend } from '../audit/audited-backend.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { ClockPort } from '../ports.ts';
import {
  planDrain, placementState, placeVm, simulateSchedule, liveLowerBound, type PlannerInput, type ScheduleHost,
} from './drain-planner.ts';
import {
  CONSTRAINT_NOTES, classCounts, clusterHosts, clusterOf, placementRulesKnown, plannerHost, plannerVm, vmsByHost, type EstateView,
} from './estate-view.ts';
import { MigrationEngine, type EngineItem, type ItemOwner } from './migration-engine.ts';
import type { DrainEntry, JournalEntry, OperationJournal, RollingEntry } from './operation-journal.ts';
import { DEFAULT_MIGRATION_MODEL, type MigrationModel } from './migration-model.ts';

export interface MigrationServiceOptions {
  backend: HyperVBackend;
  estate: EstateView;
  audit: AuditLog;
  /** The backend's clock (simulated on the lab): every wait and every duration uses it. */
  clock: BackendClock;
  wallClock: ClockPort;
  model?: MigrationModel;
  pollMs?: number;
  /** Something changed: queues of these clusters, or the operations list. */
  onChange(change: { clusterIds: ReadonlySet<string>; operations: boolean }): void;
  /** Where drains and rolling maintenances are journaled; without it they do not survive a restart. */
  journal?: OperationJournal;
}

const MAX_ATTEMPTS = 3;
const KEEP_EVENTS = 300;

/**
 * Drains, failbacks and rolling maintenance on top of the migration queue. Operations live in the
 * core and carry on while no console is connected; a console that comes back reads them again.
 */
export class MigrationService {
  readonly engine: MigrationEngine;
  private readonly o: MigrationServiceOptions;
  private readonly model: MigrationModel;
  private readonly drains = new Map<string, DrainRun>();
  private readonly rollings = new Map<string, RollingRun>();
  private nextId = 1;
  /** The backend reports anti-affinity classes and owners (it does not change while running). */
  readonly rulesKnown: boolean;

  constructor(options: MigrationServiceOptions) {
    this.o = options;
    this.rulesKnown = placementRulesKnown(options.estate);
    this.model = options.model ?? DEFAULT_MIGRATION_MODEL;
    this.engine = new MigrationEngine({
      backend: options.backend, estate: options.estate, clock: options.clock, model: this.model,
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      onChange: (clusterIds) => options.onChange({ clusterIds, operations: false }),
    });
  }

  dispose(): void {
    for (const run of this.rollings.values()) run.stop();
    for (const run of this.drains.values()) run.stop();
    this.engine.dispose();
  }

  get clock(): BackendClock { return this.o.clock; }
  /** The backend without audit: for reads. */
  get backendRaw(): HyperVBackend { return this.o.backend; }
  get estate(): EstateView { return this.o.estate; }

  newId(prefix: string): string {
    return `${prefix}-${this.o.clock.now().toString(36)}-${this.nextId++}`;
  }

  backendFor(actor: string, operationId: string): HyperVBackend {
    return auditedBackend(this.o.backend, this.o.audit, {
      actor, now: () => this.o.wallClock.now(), backendNow: () => this.o.clock.now(), context: { operation: operationId },
    });
  }

  auditAction(actor: string, action: string, target: string, result: 'ok' | 'error' = 'ok', detail?: string): void {
    this.o.audit.append({ at: this.o.wallClock.now(), actor, action, target, result, ...(detail ? { detail } : {}), context: { backendTime: this.o.clock.now() } });
  }

  operationsChanged(): void {
    this.journalOperations();
    this.o.onChange({ clusterIds: new Set(), operations: true });
  }

  /** Writes every unfinished operation (and each one once more when it finishes) to the journal. */
  private journalOperations(): void {
    const journal = this.o.journal;
    if (!journal) return;
    for (const run of [...this.rollings.values(), ...this.drains.values()]) {
      if (run.journaledFinal) continue;
      // A stopped drain is final before its running moves end; it is written again when they have.
      if (isFinal(run.op.status) && run.op.finishedAt !== null) run.journaledFinal = true;
      journal.record(run.journalEntry());
    }
  }

  /**
   * After a restart: brings back every journaled drain and rolling maintenance. Finished ones are
   * shown as they ended; unfinished ones reconcile with what the hosts did meanwhile and carry on.
   * Returns the ids of the operations that carry on.
   */
  recover(): string[] {
    const entries: JournalEntry[] = this.o.journal?.entries ?? [];
    for (const entry of entries) {
      const n = Number(/-(\d+)$/.exec(entry.op.id)?.[1] ?? 0);
      if (n >= this.nextId) this.nextId = n + 1;
    }
    const rollings: RollingRun[] = [];
    for (const entry of entries) {
      if (entry.kind !== 'rolling') continue;
      const run = RollingRun.restore(this, entry);
      this.rollings.set(run.op.id, run);
      if (!isFinal(run.op.status)) rollings.push(run); else run.journaledFinal = true;
    }
    const drains: DrainRun[] = [];
    for (const entry of entries) {
      if (entry.kind !== 'drain') continue;
      const parent = entry.op.parentId ? this.rollings.get(entry.op.parentId) ?? null : null;
      const run = DrainRun.restore(this, entry, parent);
      this.drains.set(run.op.id, run);
      if (!isFinal(run.op.status)) drains.push(run); else run.journaledFinal = true;
    }
    for (const drain of drains) void drain.reconcile();
    for (const rolling of rollings) void rolling.resume();
    if (drains.length + rollings.length > 0) this.operationsChanged();
    return [...rollings, ...drains].map((r) => r.op.id);
  }

  // Reads --------------------------------------------------------------------------------------------

  host(hostId: string): Host {
    const host = this.o.estate.getHost(hostId) ?? [...this.o.estate.hosts()].find((h) => h.name.toLowerCase() === hostId.toLowerCase());
    if (!host) throw new ContractError('not-found', `There is no host "${hostId}" in the estate.`, 'hostId');
    return host;
  }

  plannerInput(host: Host, options: DrainOptions, skipVmIds: ReadonlySet<string> = new Set()): PlannerInput {
    const hosts = clusterHosts(this.o.estate, host.clusterId);
    const byHost = vmsByHost(this.o.estate, host.clusterId);
    const busy = new Set<string>();
    for (const item of this.engine.items.values()) if (item.state === 'queued' || item.state === 'running') busy.add(item.vmId);
    const known = this.rulesKnown;
    const vms = (byHost.get(host.id) ?? []).filter((vm) => !busy.has(vm.id) && !skipVmIds.has(vm.id)).map((vm) => plannerVm(vm, known));
    return {
      clusterId: host.clusterId,
      source: plannerHost(host),
      hosts: hosts.map((h) => plannerHost(h, this.engine.incomingBytes(h.id))),
      vms, classCounts: classCounts(byHost, known), options, model: this.model, now: this.o.clock.now(),
      constraintNotes: known ? [] : CONSTRAINT_NOTES,
    };
  }

  planDrain(hostId: string, options: DrainOptions): DrainPlan {
    const host = this.host(hostId);
    return planDrain(this.plannerInput(host, options), host.name);
  }

  planRolling(clusterId: string, patch: PatchStep, hostIds?: readonly string[], nodesAtOnce = 1): RollingPlan {
    const started = performance.now();
    const cluster = clusterOf(this.o.estate, clusterId);
    if (!cluster) throw new ContractError('not-found', `There is no cluster "${clusterId}" in the estate.`, 'clusterId');
    const order = rollingOrder(this.o.estate, clusterId, hostIds);
    const lanes = Math.max(1, Math.min(nodesAtOnce, order.length));
    const warnings: PlanWarning[] = [];
    const nodes: RollingPlan['nodes'] = [];
    const patchSec = patch.kind === 'wait' ? patch.seconds : 0;
    // Each node: drain, patch, resume; nodes go through `lanes` at a time; the last failback ends it.
    const laneFree = new Array<number>(lanes).fill(0);
    let drainLaneSec = 0;
    let lastEnd = 0;
    let lastFailback = { predicted: 0, bound: 0 };
    // Any node may turn out to be the last one drained: the bound counts the shortest failback.
    let leastFailbackBound = Infinity;
    order.forEach((host, k) => {
      const plan = this.planDrain(host.id, { liveMigrateLowPriority: true, avoidHostIds: rollingAvoid(order, k, lanes) });
      for (const w of plan.warnings) if (w.kind !== 'constraints-not-modelled' && w.kind !== 'quick-migration') warnings.push(w);
      nodes.push({ hostId: host.id, hostName: host.name, vmCount: plan.moves.length + plan.unplaced.length, bytesToMove: plan.bytesToMove, predictedDrainSec: plan.predictedDurationSec, lowerBoundSec: plan.lowerBoundSec });
      const lane = laneFree.indexOf(Math.min(...laneFree));
      const end = laneFree[lane]! + plan.predictedDurationSec + patchSec + 1;
      laneFree[lane] = end;
      drainLaneSec += plan.lowerBoundSec + patchSec;
      const failback = this.failbackEstimate(host, plan);
      leastFailbackBound = Math.min(leastFailbackBound, failback.bound);
      if (end >= lastEnd) { lastEnd = end; lastFailback = failback; }
    });
    if (order.length > 0 && !this.rulesKnown) warnings.unshift(...CONSTRAINT_NOTES.map((message): PlanWarning => ({ kind: 'constraints-not-modelled', vmId: null, vmName: null, message })));
    if (lanes > 1) warnings.push({ kind: 'constraints-not-modelled', vmId: null, vmName: null, message: `${lanes} nodes are out of service at the same time: the cluster runs on ${order.length - lanes} nodes meanwhile.` });
    return {
      clusterId, clusterName: cluster.name, nodesAtOnce: lanes, nodes,
      predictedDurationSec: Math.round(lastEnd + lastFailback.predicted), lowerBoundSec: Math.round(drainLaneSec / lanes + (Number.isFinite(leastFailbackBound) ? leastFailbackBound : 0)),
      warnings, includesPatchSec: patchSec * order.length, planMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /** The VMs of a drained node coming home from the other nodes: the node's own slots limit it. */
  private failbackEstimate(host: Host, plan: DrainPlan): { predicted: number; bound: number } {
    const live = plan.moves.filter((m) => m.type !== 'offline');
    if (live.length === 0) return { predicted: 0, bound: 0 };
    const hosts = new Map<string, ScheduleHost>();
    for (const h of clusterHosts(this.o.estate, host.clusterId)) hosts.set(h.id, { limit: h.maxVmMigrations, bytesPerSec: this.model.bytesPerSec[h.migrationPerformance] });
    const jobs = live.map((m) => ({ sourceId: m.destHostId, destId: host.id, memoryBytes: m.memoryBytes, dirtyShare: this.model.dirtyShareByTier[1], type: 'live' as const }))
      .sort((a, b) => b.memoryBytes - a.memoryBytes);
    const schedule = simulateSchedule(jobs, hosts, this.model);
    const slots = Math.max(1, host.maxVmMigrations);
    const rates = jobs.map((j) => hosts.get(j.sourceId)?.bytesPerSec ?? this.model.bytesPerSec.Compression);
    const bound = liveLowerBound(jobs.map((j) => j.memoryBytes), rates, slots, this.model);
    return { predicted: schedule.makespan, bound };
  }

  migrationSettings(clusterId: string): HostMigrationSettings[] {
    if (!clusterOf(this.o.estate, clusterId)) throw new ContractError('not-found', `There is no cluster "${clusterId}" in the estate.`, 'clusterId');
    return clusterHosts(this.o.estate, clusterId).map(settingsOf);
  }

  async setMigrationSettings(change: HostSettingsChange, actor: string): Promise<HostMigrationSettings> {
    const host = this.host(change.hostId);
    const backend = this.backendFor(actor, `host-settings-${host.name}`);
    await backend.setVMHost(host.name, {
      ...(change.maxVmMigrations !== undefined ? { maximumVirtualMachineMigrations: change.maxVmMigrations } : {}),
      ...(change.performance !== undefined ? { virtualMachineMigrationPerformanceOption: change.performance } : {}),
    });
    // Verify, then report: read the host back and compare.
    const read = await this.o.backend.getVMHost(host.name);
    if ((change.maxVmMigrations !== undefined && read.MaximumVirtualMachineMigrations !== change.maxVmMigrations)
      || (change.performance !== undefined && read.VirtualMachineMigrationPerformanceOption !== change.performance)) {
      throw new ContractError('backend', `Set-VMHost on ${host.name} returned, but the host reads back ${read.MaximumVirtualMachineMigrations} migrations / ${read.VirtualMachineMigrationPerformanceOption}.`, host.name);
    }
    const current = this.o.estate.getHost(host.id) ?? host;
    this.engine.kick();
    return { ...settingsOf(current), maxVmMigrations: read.MaximumVirtualMachineMigrations, performance: read.VirtualMachineMigrationPerformanceOption, maxStorageMigrations: read.MaximumStorageMigrations };
  }

  queue(clusterId: string): MigrationQueue {
    const cluster = clusterOf(this.o.estate, clusterId);
    if (!cluster) throw new ContractError('not-found', `There is no cluster "${clusterId}" in the estate.`, 'clusterId');
    const hosts = clusterHosts(this.o.estate, clusterId);
    const ids = new Set(hosts.map((h) => h.id));
    const byName = new Map(hosts.map((h) => [h.name.toLowerCase(), h.id]));
    const active: MigrationItem[] = [];
    const finished: MigrationItem[] = [];
    for (const item of this.engine.items.values()) {
      if (item.clusterId !== clusterId) continue;
      (item.state === 'queued' || item.state === 'running' ? active : finished).push(publicItem(item));
    }
    const now = this.o.clock.now();
    for (const job of this.engine.externalJobs()) {
      const s = byName.get(job.SourceHost.toLowerCase());
      const d = byName.get(job.DestinationHost.toLowerCase());
      if (!s || !d) continue;
      const item: MigrationItem = {
        id: `ext-${job.InstanceId}`, vmId: '', vmName: job.VMName, clusterId, sourceHostId: s, destHostId: d,
        type: job.MigrationType === 'Quick' ? 'quick' : 'live',
        state: job.JobState === 'Queued' ? 'queued' : job.JobState === 'Running' ? 'running' : job.JobState === 'Completed' ? 'completed' : 'failed',
        operationId: null, purpose: 'external', order: 0, attempt: 1, bytesTotal: 0, bytesDone: 0, percent: job.PercentComplete,
        bytesPerSec: null, etaSec: job.PercentComplete > 0 ? (job.ElapsedSec * (100 - job.PercentComplete)) / job.PercentComplete : null,
        predictedSec: 0, queuedAt: job.StartTime ?? now, startedAt: job.StartTime, finishedAt: job.JobState === 'Completed' || job.JobState === 'Failed' ? (job.StartTime ?? now) + job.ElapsedSec * 1000 : null,
        message: job.ErrorDescription,
      };
      (item.state === 'queued' || item.state === 'running' ? active : finished).push(item);
    }
    finished.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    const items = [...active.sort((a, b) => (a.state === b.state ? a.queuedAt - b.queuedAt || a.order - b.order : a.state === 'running' ? -1 : 1)), ...finished.slice(0, 300)];
    const lanes = hosts.map((h) => ({
      hostId: h.id, name: h.name, state: h.state, limit: h.maxVmMigrations, performance: h.migrationPerformance, vmCount: h.vmCount,
      occupiedBy: items.filter((i) => i.state === 'running' && i.type !== 'offline' && (i.sourceHostId === h.id || i.destHostId === h.id) && ids.has(h.id)).map((i) => i.id),
    }));
    return { clusterId, clusterName: cluster.name, now, items, lanes, throughput: this.engine.throughputOf(clusterId).slice(-360) };
  }

  cancel(itemId: string, actor: string): MigrationItem {
    const item = this.engine.cancel(itemId);
    this.auditAction(actor, 'migration cancelled', `${item.vmName} to ${this.o.estate.getHost(item.destHostId)?.name ?? item.destHostId}`);
    this.o.onChange({ clusterIds: new Set([item.clusterId]), operations: true });
    return publicItem(item);
  }

  operations(): MigrationOperations {
    return {
      drains: [...this.drains.values()].map((d) => d.view()).reverse(),
      rolling: [...this.rollings.values()].map((r) => r.view()).reverse(),
    };
  }

  // Operations -------------------------------------------------------------------------------------

  async startDrain(hostId: string, options: DrainOptions, actor: string, acceptQuick: boolean, parent: RollingRun | null = null): Promise<DrainRun> {
    const host = this.host(hostId);
    if (host.state === 'Down') throw new ContractError('invalid-state', `${host.name} is down: there is nothing to drain (the cluster restarts its VMs).`, host.name);
    for (const d of this.drains.values()) {
      if (d.op.hostId === host.id && (d.op.status === 'running' || d.op.status === 'paused')) {
        throw new ContractError('invalid-state', `${host.name} is already being drained (${d.op.id}).`, host.name);
      }
    }
    const plan = this.planDrain(host.id, options);
    if (!options.liveMigrateLowPriority && plan.moves.some((m) => m.type === 'quick') && !acceptQuick) {
      throw new ContractError('invalid-state', `The drain of ${host.name} quick-migrates ${plan.moves.filter((m) => m.type === 'quick').length} Low-priority VMs (downtime). Live-migrate them instead, or accept the quick migrations.`, host.name);
    }
    const run = DrainRun.start(this, host, plan, options, actor, parent);
    this.drains.set(run.op.id, run);
    this.auditAction(actor, `drain started${options.liveMigrateLowPriority ? '' : ' (Low priority quick-migrated)'}`, host.name, 'ok', `${plan.moves.length} VMs, predicted ${Math.round(plan.predictedDurationSec)} s`);
    await run.begin();
    this.operationsChanged();
    return run;
  }

  async startRolling(clusterId: string, patch: PatchStep, actor: string, hostIds?: readonly string[], nodesAtOnce = 1): Promise<RollingRun> {
    for (const r of this.rollings.values()) {
      if (r.op.clusterId === clusterId && !isFinal(r.op.status)) throw new ContractError('invalid-state', `A rolling maintenance of this cluster is already running (${r.op.id}).`, clusterId);
    }
    const plan = this.planRolling(clusterId, patch, hostIds, nodesAtOnce);
    const order = rollingOrder(this.o.estate, clusterId, hostIds);
    const down = order.filter((h) => h.state === 'Down');
    if (down.length > 0) throw new ContractError('invalid-state', `${down.map((h) => h.name).join(', ')} ${down.length === 1 ? 'is' : 'are'} down: bring ${down.length === 1 ? 'it' : 'them'} back before a rolling maintenance.`, clusterId);
    const run = RollingRun.start(this, plan, order, patch, actor);
    this.rollings.set(run.op.id, run);
    this.auditAction(actor, 'rolling maintenance started', plan.clusterName, 'ok', `${order.length} nodes, predicted ${plan.predictedDurationSec} s`);
    void run.run();
    this.operationsChanged();
    return run;
  }

  drain(id: string): DrainRun | undefined { return this.drains.get(id); }
  rolling(id: string): RollingRun | undefined { return this.rollings.get(id); }

  setPaused(operationId: string, paused: boolean, actor: string): string {
    const run = this.drains.get(operationId) ?? this.rollings.get(operationId);
    if (!run) throw new ContractError('not-found', `There is no drain or rolling maintenance "${operationId}".`, 'operationId');
    const status = run.setPaused(paused);
    this.auditAction(actor, paused ? 'migration operation paused' : 'migration operation resumed', operationId);
    this.operationsChanged();
    this.engine.kick();
    return status;
  }

  abort(operationId: string, actor: string): string {
    const run = this.drains.get(operationId) ?? this.rollings.get(operationId);
    if (!run) throw new ContractError('not-found', `There is no drain or rolling maintenance "${operationId}".`, 'operationId');
    const status = run.abort(actor);
    this.auditAction(actor, 'migration operation stopped', operationId);
    this.operationsChanged();
    return status;
  }

  confirmPatched(operationId: string, hostId: string, actor: string): RollingOperation {
    const run = this.rollings.get(operationId);
    if (!run) throw new ContractError('not-found', `There is no rolling maintenance "${operationId}".`, 'operationId');
    run.confirm(hostId, actor);
    this.auditAction(actor, 'node patched (confirmed)', this.o.estate.getHost(hostId)?.name ?? hostId);
    this.operationsChanged();
    return run.view();
  }
}

function isFinal(status: DrainOperation['status']): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/**
 * Destinations a rolling maintenance's drain of node k avoids: the nodes out or failing back
 * (k-lanes..k-1), and the nodes that start draining before node k's failback is over
 * (k+1..k+2·lanes-1): a VM parked there would be a failback source on a node busy sending its own
 * VMs away, and both would share that node's bandwidth and migration slots.
 */
export function rollingAvoid(order: readonly Host[], k: number, lanes: number): string[] {
  const out: string[] = [];
  for (let j = Math.max(0, k - lanes); j <= Math.min(order.length - 1, k + 2 * lanes - 1); j++) if (j !== k) out.push(order[j]!.id);
  return out;
}

export function rollingOrder(estate: EstateView, clusterId: string, hostIds?: readonly string[]): Host[] {
  const hosts = clusterHosts(estate, clusterId);
  if (!hostIds || hostIds.length === 0) return hosts;
  return hostIds.map((id) => {
    const host = hosts.find((h) => h.id === id || h.name.toLowerCase() === id.toLowerCase());
    if (!host) throw new ContractError('not-found', `"${id}" is not a node of this cluster.`, 'hostIds');
    return host;
  });
}

function settingsOf(h: Host): HostMigrationSettings {
  return {
    hostId: h.id, name: h.name, clusterId: h.clusterId, state: h.state, maxVmMigrations: h.maxVmMigrations,
    maxStorageMigrations: h.maxStorageMigrations, performance: h.migrationPerformance, vmCount: h.vmCount,
    memoryAssignedBytes: h.memoryAssignedBytes, memoryCapacityBytes: h.memoryBytes,
  };
}

export function publicItem(item: EngineItem): MigrationItem {
  return {
    id: item.id, vmId: item.vmId, vmName: item.vmName, clusterId: item.clusterId, sourceHostId: item.sourceHostId,
    destHostId: item.destHostId, type: item.type, state: item.state, operationId: item.operationId, purpose: item.purpose,
    order: item.order, attempt: item.attempt, bytesTotal: item.bytesTotal, bytesDone: Math.round(item.bytesDone), percent: item.percent,
    bytesPerSec: item.bytesPerSec === null ? null : Math.round(item.bytesPerSec), etaSec: item.etaSec === null ? null : Math.round(item.etaSec),
    predictedSec: Math.round(item.predictedSec * 10) / 10, queuedAt: item.queuedAt, startedAt: item.startedAt, finishedAt: item.finishedAt,
    message: item.message,
  };
}

// Drain ---------------------------------------------------------------------------------------------

export class DrainRun implements ItemOwner {
  readonly op: DrainOperation;
  private readonly svc: MigrationService;
  private readonly backend: HyperVBackend;
  private readonly options: DrainOptions;
  readonly parent: RollingRun | null;
  private readonly items: EngineItem[] = [];
  private paused = false;
  private stopped = false;
  private sweeps = 0;
  private resolveDone!: (op: DrainOperation) => void;
  readonly done: Promise<DrainOperation>;
  /** VMs this drain moved off the node (for failback), by VM record id. */
  readonly moved = new Set<string>();
  /** Moves settled before a restart (their engine items are gone): counted on top of this run's. */
  private prior: DrainOperation['counts'] = { total: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 };
  private readonly plan: DrainPlan | null;
  journaledFinal = false;

  private constructor(svc: MigrationService, op: DrainOperation, plan: DrainPlan | null, options: DrainOptions, parent: RollingRun | null) {
    this.svc = svc;
    this.plan = plan;
    this.options = options;
    this.parent = parent;
    this.op = op;
    this.backend = svc.backendFor(op.actor, op.id);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  static start(svc: MigrationService, host: Host, plan: DrainPlan, options: DrainOptions, actor: string, parent: RollingRun | null): DrainRun {
    return new DrainRun(svc, {
      id: svc.newId('drain'), kind: 'drain', hostId: host.id, hostName: host.name, clusterId: host.clusterId, parentId: parent?.op.id ?? null,
      status: 'running', actor, startedAt: svc.clock.now(), finishedAt: null,
      predictedDurationSec: plan.predictedDurationSec, lowerBoundSec: plan.lowerBoundSec,
      counts: { total: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 }, itemIds: [], events: [],
    }, plan, options, parent);
  }

  /** A drain from the journal: as it was last written. `reconcile()` carries an unfinished one on. */
  static restore(svc: MigrationService, entry: DrainEntry, parent: RollingRun | null): DrainRun {
    const run = new DrainRun(svc, { ...entry.op, counts: { ...entry.op.counts }, itemIds: [...entry.op.itemIds], events: [...entry.op.events] }, null, entry.options, parent);
    for (const id of entry.moved) run.moved.add(id);
    const c = entry.op.counts;
    // Moves that were queued or running when the console stopped are settled again by reconcile.
    run.prior = { total: c.completed + c.failed + c.cancelled + c.skipped, queued: 0, running: 0, completed: c.completed, failed: c.failed, cancelled: c.cancelled, skipped: c.skipped };
    run.paused = entry.op.status === 'paused';
    if (isFinal(entry.op.status)) run.resolveDone(run.op);
    return run;
  }

  journalEntry(): DrainEntry {
    return { kind: 'drain', op: this.view(), options: this.options, moved: [...this.moved] };
  }

  stop(): void { this.stopped = true; }

  /**
   * Carries on an unfinished drain after a restart. What the hosts did meanwhile is the truth:
   * migrations still running are waited for, VMs that left count as moved, a node that is Up again
   * is paused again, and whatever is still on the node is planned and moved anew.
   */
  async reconcile(): Promise<void> {
    const host = this.svc.estate.getHost(this.op.hostId);
    this.event('warning', `The console restarted during this drain (last recorded: ${this.prior.completed} VMs moved). Reconciling with what ${this.op.hostName} did meanwhile.`);
    this.count();
    if (!host) { this.finish('failed', 'error', `${this.op.hostName} is no longer in the estate: the drain cannot carry on.`); return; }
    let waited = false;
    for (;;) {
      if (this.stopped || isFinal(this.op.status)) return;
      let jobs: Awaited<ReturnType<HyperVBackend['getMigrationJobs']>>;
      try { jobs = await this.svc.backendRaw.getMigrationJobs(); } catch (error) {
        this.event('warning', `Could not read the migration jobs (${error instanceof Error ? error.message : String(error)}); trying again.`);
        await this.svc.clock.sleep(this.svc.engine.pollMs);
        continue;
      }
      const startedAt = this.op.startedAt;
      for (const job of jobs) {
        if (job.SourceHost.toLowerCase() !== host.name.toLowerCase() || job.JobState !== 'Completed' || (job.StartTime ?? 0) < startedAt) continue;
        const vm = [...this.svc.estate.vms()].find((v) => v.name.toLowerCase() === job.VMName.toLowerCase());
        if (vm && vm.hostId !== host.id && !this.moved.has(vm.id)) {
          this.moved.add(vm.id);
          this.prior.completed += 1;
          this.prior.total += 1;
        }
      }
      const inFlight = jobs.filter((j) => j.SourceHost.toLowerCase() === host.name.toLowerCase() && (j.JobState === 'Running' || j.JobState === 'Queued'));
      if (inFlight.length === 0) break;
      if (!waited) this.event('info', `${inFlight.length} migrations the hosts were still running (${inFlight.slice(0, 5).map((j) => j.VMName).join(', ')}${inFlight.length > 5 ? '…' : ''}): waiting for them.`);
      waited = true;
      await this.svc.clock.sleep(this.svc.engine.pollMs);
    }
    const now = this.svc.estate.getHost(this.op.hostId)!;
    if (now.state === 'Down') {
      this.finish('failed', 'error', `${now.name} went down while the console was stopped: the cluster restarted its VMs on the other nodes.`);
      return;
    }
    if (now.state === 'Up') {
      this.event('warning', `${now.name} was Up again: pausing it before carrying on.`);
      await this.backend.suspendClusterNode(now.name, { drain: false });
    }
    const plan = planDrain(this.svc.plannerInput(now, this.options), now.name);
    const left = [...this.svc.estate.vms()].filter((v) => v.hostId === now.id).length;
    this.event('info', `${this.moved.size} VMs have left ${now.name}; ${left} are still on it${this.paused ? ' (the drain stays paused until resumed)' : ''}.`);
    for (const u of plan.unplaced) this.event('error', `'${u.vmName}' cannot be moved: ${u.reason}.`);
    this.enqueue(plan.moves.map((m) => ({ vmId: m.vmId, destHostId: m.destHostId, type: m.type, order: m.order, predictedSec: m.predictedEndSec - m.predictedStartSec })));
    this.check();
    this.svc.operationsChanged();
  }

  event(severity: OperationEvent['severity'], message: string): void {
    this.op.events.push({ at: this.svc.clock.now(), severity, message });
    if (this.op.events.length > KEEP_EVENTS) this.op.events.splice(0, this.op.events.length - KEEP_EVENTS);
    this.parent?.event(severity, message);
  }

  async begin(): Promise<void> {
    if (!this.plan) throw new Error('A restored drain carries on with reconcile(), not begin().');
    const host = this.svc.estate.getHost(this.op.hostId)!;
    const quick = this.plan.moves.filter((m) => m.type === 'quick').length;
    this.event('info', `Draining ${host.name}: ${this.plan.moves.length} VMs, predicted ${fmtSec(this.plan.predictedDurationSec)} (lower bound ${fmtSec(this.plan.lowerBoundSec)}).${quick > 0 ? ` ${quick} Low-priority VMs are quick-migrated (downtime).` : ''}`);
    for (const u of this.plan.unplaced) this.event('error', `'${u.vmName}' cannot be moved: ${u.reason}.`);
    if (host.state === 'Up') {
      // Paused first, so the cluster places nothing new on the node while it empties.
      await this.backend.suspendClusterNode(host.name, { drain: false });
    }
    this.enqueue(this.plan.moves.map((m) => ({ vmId: m.vmId, destHostId: m.destHostId, type: m.type, order: m.order, predictedSec: m.predictedEndSec - m.predictedStartSec })));
    this.check();
  }

  private enqueue(moves: { vmId: string; destHostId: string; type: EngineItem['type']; order: number; predictedSec: number; attempt?: number; excluded?: Set<string>; front?: boolean }[]): void {
    if (moves.length === 0) return;
    const created = this.svc.engine.enqueue(moves.map((m) => ({ ...m, operationId: this.op.id, purpose: 'drain' as const })), this.backend, this);
    for (const item of created) { this.items.push(item); this.op.itemIds.push(item.id); }
    this.count();
  }

  held(): boolean {
    return this.paused || (this.parent?.isPaused() ?? false) || isFinal(this.op.status);
  }

  redirect(item: EngineItem, why: string): string | null {
    const host = this.svc.estate.getHost(this.op.hostId)!;
    const input = this.svc.plannerInput(host, this.options);
    const vm = this.svc.estate.getVm(item.vmId);
    if (!vm) return null;
    const state = placementState(input);
    // This item's own memory is counted as incoming to its old destination: take it out.
    const old = state.hosts.get(item.destHostId);
    if (old) old.used -= item.memoryBytes;
    const p = placeVm(plannerVm(vm, this.svc.rulesKnown), host.id, state, { avoid: new Set(this.options.avoidHostIds), exclude: item.excluded });
    if (p.hostId) this.event('warning', `'${item.vmName}': ${why}; sending it to ${this.svc.estate.getHost(p.hostId)?.name ?? p.hostId} instead.`);
    return p.hostId;
  }

  retarget(item: EngineItem, busy: ReadonlySet<string>): string | null {
    const host = this.svc.estate.getHost(this.op.hostId);
    const vm = this.svc.estate.getVm(item.vmId);
    if (!host || !vm) return null;
    const state = placementState(this.svc.plannerInput(host, this.options));
    const old = state.hosts.get(item.destHostId);
    if (old) old.used -= item.memoryBytes;
    const p = placeVm(plannerVm(vm, this.svc.rulesKnown), host.id, state, { avoid: new Set(this.options.avoidHostIds), exclude: new Set([...item.excluded, ...busy]) });
    // Only a destination the plan would accept anyway: not one it avoids, not one that breaks anti-affinity.
    if (!p.hostId || p.avoided || p.antiAffinity) return null;
    return p.hostId;
  }

  settled(item: EngineItem): void {
    const source = this.svc.estate.getHost(this.op.hostId);
    if (item.state === 'completed') this.moved.add(item.vmId);
    if (item.state === 'failed') {
      const sourceDown = source?.state === 'Down';
      if (!sourceDown && item.attempt < MAX_ATTEMPTS && !isFinal(this.op.status)) {
        item.excluded.add(item.destHostId);
        const other = this.redirect(item, `migration to ${this.svc.estate.getHost(item.destHostId)?.name ?? item.destHostId} failed (${item.message ?? 'unknown error'})`);
        if (other) {
          this.enqueue([{ vmId: item.vmId, destHostId: other, type: item.type, order: item.order, predictedSec: item.predictedSec, attempt: item.attempt + 1, excluded: item.excluded, front: true }]);
        } else {
          this.event('error', `'${item.vmName}' could not be migrated: ${item.message ?? 'failed'}; no other node has room.`);
        }
      } else if (!sourceDown) {
        this.event('error', `'${item.vmName}' could not be migrated after ${item.attempt} attempts: ${item.message ?? 'failed'}.`);
      }
    }
    this.count();
    this.check();
    this.svc.operationsChanged();
  }

  private count(): void {
    const p = this.prior;
    const c = { total: p.total + this.items.length, queued: 0, running: 0, completed: p.completed, failed: p.failed, cancelled: p.cancelled, skipped: p.skipped };
    for (const item of this.items) c[item.state] += 1;
    // A failed attempt that was retried is not a failure of the drain.
    const retried = new Set(this.items.filter((i) => i.attempt > 1).map((i) => `${i.vmId}#${i.attempt - 1}`));
    c.failed -= this.items.filter((i) => i.state === 'failed' && retried.has(`${i.vmId}#${i.attempt}`)).length;
    this.op.counts = c;
  }

  private check(): void {
    if (isFinal(this.op.status) || this.stopped) return;
    if (this.items.some((i) => i.state === 'queued' || i.state === 'running')) return;
    const host = this.svc.estate.getHost(this.op.hostId);
    if (host?.state === 'Down') {
      const left = this.items.filter((i) => i.state !== 'completed' && !this.moved.has(i.vmId));
      const leftVms = new Set(left.map((i) => i.vmName));
      this.finish('failed', 'error', `${host.name} went down during the drain: ${this.moved.size} VMs had been migrated; ${leftVms.size} had not and were restarted by the cluster on the other nodes.`);
      return;
    }
    // A sweep catches VMs that arrived during the drain or whose move was skipped.
    const remaining = host ? [...this.svc.estate.vms()].filter((vm) => vm.hostId === host.id) : [];
    if (remaining.length > 0 && this.sweeps < 2 && this.op.status !== 'cancelled') {
      this.sweeps += 1;
      const plan = planDrain(this.svc.plannerInput(host!, this.options), host!.name);
      if (plan.moves.length > 0) {
        this.event('info', `${plan.moves.length} VMs are still on ${host!.name}; migrating them too.`);
        this.enqueue(plan.moves.map((m) => ({ vmId: m.vmId, destHostId: m.destHostId, type: m.type, order: this.items.length + m.order, predictedSec: m.predictedEndSec - m.predictedStartSec })));
        return;
      }
    }
    if (remaining.length === 0) {
      this.finish('completed', 'info', `${host?.name ?? this.op.hostName} is drained: 0 VMs, node paused. Took ${fmtSec((this.svc.clock.now() - this.op.startedAt) / 1000)} (predicted ${fmtSec(this.op.predictedDurationSec)}).`);
    } else {
      this.finish('failed', 'error', `${host?.name ?? this.op.hostName} still holds ${remaining.length} VMs: ${remaining.slice(0, 8).map((v) => v.name).join(', ')}${remaining.length > 8 ? '…' : ''}.`);
    }
  }

  private finish(status: 'completed' | 'failed' | 'cancelled', severity: OperationEvent['severity'], message: string): void {
    this.op.status = status;
    this.op.finishedAt = this.svc.clock.now();
    this.event(severity, message);
    this.svc.auditAction(this.op.actor, `drain ${status}`, this.op.hostName, status === 'completed' ? 'ok' : 'error', message);
    this.svc.operationsChanged();
    this.resolveDone(this.op);
  }

  setPaused(paused: boolean): string {
    if (isFinal(this.op.status)) throw new ContractError('invalid-state', `The drain of ${this.op.hostName} is ${this.op.status}.`, this.op.id);
    this.paused = paused;
    this.op.status = paused ? 'paused' : 'running';
    this.event('info', paused ? 'Paused: running migrations finish, no new ones start.' : 'Resumed.');
    return this.op.status;
  }

  abort(_actor: string): string {
    if (isFinal(this.op.status)) return this.op.status;
    for (const item of this.items) if (item.state === 'queued') this.svc.engine.cancel(item.id, 'the drain was stopped');
    if (this.items.some((i) => i.state === 'running')) {
      this.op.status = 'cancelled';
      this.event('warning', 'Stopped: queued migrations cancelled; the ones running finish. The node stays paused.');
      void this.waitRunning().then(() => { this.op.finishedAt = this.svc.clock.now(); this.resolveDone(this.op); this.svc.operationsChanged(); });
    } else {
      this.finish('cancelled', 'warning', 'Stopped: queued migrations cancelled. The node stays paused.');
    }
    return this.op.status;
  }

  private async waitRunning(): Promise<void> {
    while (this.items.some((i) => i.state === 'running')) await this.svc.clock.sleep(1000);
  }

  view(): DrainOperation {
    return { ...this.op, counts: { ...this.op.counts }, itemIds: [...this.op.itemIds], events: this.op.events.slice(-100) };
  }
}

// Rolling maintenance --------------------------------------------------------------------------------

class FailbackBatch implements ItemOwner {
  private readonly run: RollingRun;
  readonly items: EngineItem[] = [];
  private resolveDone!: () => void;
  readonly done: Promise<void>;
  constructor(run: RollingRun) {
    this.run = run;
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }
  held(): boolean { return this.run.isPaused(); }
  redirect(): string | null { return null; }
  settled(item: EngineItem): void {
    if (item.state === 'failed') this.run.event('warning', `Failback of '${item.vmName}' failed (${item.message ?? 'unknown'}); it stays where it is.`);
    this.check();
  }
  check(): void {
    if (this.items.every((i) => i.state !== 'queued' && i.state !== 'running')) this.resolveDone();
  }
}

export class RollingRun {
  readonly op: RollingOperation;
  private readonly svc: MigrationService;
  private readonly backend: HyperVBackend;
  private paused = false;
  private stopped = false;
  private confirmations = new Map<string, () => void>();
  private resumeWaiters: (() => void)[] = [];
  readonly done: Promise<RollingOperation>;
  private resolveDone!: (op: RollingOperation) => void;
  private readonly order: Host[];
  private readonly drainsRunning = new Set<DrainRun>();
  journaledFinal = false;

  private constructor(svc: MigrationService, op: RollingOperation, order: Host[]) {
    this.svc = svc;
    this.order = order;
    this.op = op;
    this.backend = svc.backendFor(op.actor, op.id);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  static start(svc: MigrationService, plan: RollingPlan, order: Host[], patch: PatchStep, actor: string): RollingRun {
    return new RollingRun(svc, {
      id: svc.newId('rolling'), kind: 'rolling', clusterId: plan.clusterId, clusterName: plan.clusterName, status: 'running', actor, patch, nodesAtOnce: plan.nodesAtOnce,
      nodes: order.map((h, k) => ({
        hostId: h.id, hostName: h.name, phase: 'pending', drainId: null, failbackItemIds: [], vmCount: h.vmCount,
        predictedDrainSec: plan.nodes[k]?.predictedDrainSec ?? 0, startedAt: null, finishedAt: null,
      })),
      startedAt: svc.clock.now(), finishedAt: null, predictedDurationSec: plan.predictedDurationSec, lowerBoundSec: plan.lowerBoundSec, events: [],
    }, order);
  }

  /** A rolling maintenance from the journal; `resume()` carries an unfinished one on. */
  static restore(svc: MigrationService, entry: RollingEntry): RollingRun {
    const op: RollingOperation = { ...entry.op, nodes: entry.op.nodes.map((n) => ({ ...n, failbackItemIds: [...n.failbackItemIds] })), events: [...entry.op.events] };
    // A node no longer in the estate keeps its place in the order; maintain() reports it skipped.
    const order = op.nodes.map((n) => svc.estate.getHost(n.hostId) ?? ({ id: n.hostId, name: n.hostName } as Host));
    const run = new RollingRun(svc, op, order);
    run.paused = op.status === 'paused';
    if (isFinal(op.status)) run.resolveDone(op);
    return run;
  }

  journalEntry(): RollingEntry {
    return { kind: 'rolling', op: this.view() };
  }

  /**
   * Carries on after a restart: nodes in flight pick up at their phase (a drain reconciles, a patch
   * step is asked for again, a paused node is resumed, a failback re-queues what is not home yet),
   * then the pending nodes follow as planned.
   */
  async resume(): Promise<void> {
    const inFlight = this.op.nodes.map((n, k) => ({ n, k })).filter(({ n }) => n.phase === 'draining' || n.phase === 'patching' || n.phase === 'resuming');
    const failingBack = this.op.nodes.map((n, k) => ({ n, k })).filter(({ n }) => n.phase === 'failing-back');
    const firstPending = this.op.nodes.findIndex((n) => n.phase === 'pending');
    this.event('warning', `The console restarted during this maintenance: ${inFlight.map(({ n }) => `${n.hostName} (${n.phase})`).join(', ') || 'no node in flight'}${failingBack.length > 0 ? `; failing back ${failingBack.map(({ n }) => n.hostName).join(', ')}` : ''}. Carrying on.`);
    if (this.op.status === 'waiting-operator') this.op.status = this.paused ? 'paused' : 'running';
    const failbacks: Promise<void>[] = [];
    for (const { n } of failingBack) {
      const drain = n.drainId ? this.svc.drain(n.drainId) : undefined;
      const host = this.svc.estate.getHost(n.hostId);
      if (!drain || !host) { n.phase = 'done'; n.finishedAt = this.svc.clock.now(); this.event('warning', `${n.hostName}: no record of what it had; its VMs stay where they are.`); continue; }
      failbacks.push(this.startFailback(n, host, drain));
    }
    await this.run({ failbacks, inFlight: inFlight.map(({ k }) => k), next: firstPending < 0 ? this.order.length : firstPending });
  }

  event(severity: OperationEvent['severity'], message: string): void {
    this.op.events.push({ at: this.svc.clock.now(), severity, message });
    if (this.op.events.length > KEEP_EVENTS) this.op.events.splice(0, this.op.events.length - KEEP_EVENTS);
  }

  isPaused(): boolean { return this.paused; }

  stop(): void { this.stopped = true; }

  setPaused(paused: boolean): string {
    if (isFinal(this.op.status)) throw new ContractError('invalid-state', `The rolling maintenance is ${this.op.status}.`, this.op.id);
    this.paused = paused;
    if (this.op.status !== 'waiting-operator') this.op.status = paused ? 'paused' : 'running';
    this.event('info', paused ? 'Paused: running migrations finish, nothing new starts.' : 'Resumed.');
    if (!paused) { const waiters = this.resumeWaiters; this.resumeWaiters = []; for (const w of waiters) w(); }
    return this.op.status;
  }

  abort(actor: string): string {
    if (isFinal(this.op.status)) return this.op.status;
    this.stopped = true;
    for (const drain of this.drainsRunning) drain.abort(actor);
    this.op.status = 'cancelled';
    this.op.finishedAt = this.svc.clock.now();
    this.event('warning', 'Stopped by the operator. Nodes already paused stay paused.');
    for (const resolve of this.confirmations.values()) resolve();
    const waiters = this.resumeWaiters; this.resumeWaiters = []; for (const w of waiters) w();
    this.resolveDone(this.op);
    return this.op.status;
  }

  confirm(hostId: string, _actor: string): void {
    const node = this.op.nodes.find((n) => n.hostId === hostId || n.hostName.toLowerCase() === hostId.toLowerCase());
    if (!node) throw new ContractError('not-found', `"${hostId}" is not part of this rolling maintenance.`, 'hostId');
    const resolve = this.confirmations.get(node.hostId);
    if (!resolve || node.phase !== 'patching') throw new ContractError('invalid-state', `${node.hostName} is not waiting for patching (it is ${node.phase}).`, 'hostId');
    this.confirmations.delete(node.hostId);
    this.event('info', `${node.hostName}: patching confirmed.`);
    resolve();
  }

  private async whileHeld(): Promise<void> {
    while (this.paused && !this.stopped) await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
  }

  async run(from: { failbacks: Promise<void>[]; inFlight: number[]; next: number } = { failbacks: [], inFlight: [], next: 0 }): Promise<void> {
    const failbacks = from.failbacks;
    let next = from.next;
    let failed = false;
    const carried = [...from.inFlight];
    const lane = async (): Promise<void> => {
      const k = carried.shift();
      if (k !== undefined && !(await this.maintain(k, failbacks, this.op.nodes[k]!.phase))) { failed = true; return; }
      for (;;) {
        await this.whileHeld();
        if (this.stopped || failed) return;
        const k = next++;
        if (k >= this.order.length) return;
        if (!(await this.maintain(k, failbacks))) { failed = true; return; }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, carried.length, Math.min(this.op.nodesAtOnce, this.order.length)) }, lane));
      if (this.stopped) return;
      if (failed) {
        const bad = this.op.nodes.find((n) => n.phase === 'failed');
        this.finish('failed', 'error', `${bad?.hostName ?? 'A node'} could not be drained; the maintenance stops here and the node stays paused.`);
        return;
      }
      await Promise.all(failbacks);
      if (this.stopped) return;
      const actual = (this.svc.clock.now() - this.op.startedAt) / 1000;
      this.finish('completed', 'info', `Rolling maintenance of ${this.op.clusterName} completed in ${fmtSec(actual)} (predicted ${fmtSec(this.op.predictedDurationSec)}).`);
    } catch (error) {
      if (!isFinal(this.op.status)) this.finish('failed', 'error', `Rolling maintenance stopped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * One node: drain, patch, resume, failback (not awaited). False when it could not be drained.
   * `from` is the phase to pick up at: 'pending' for a fresh node, later phases after a restart.
   */
  private async maintain(k: number, failbacks: Promise<void>[], from: RollingOperation['nodes'][number]['phase'] = 'pending'): Promise<boolean> {
    const node = this.op.nodes[k]!;
    const host = this.svc.estate.getHost(node.hostId);
    let drain = from !== 'pending' && node.drainId ? this.svc.drain(node.drainId) : undefined;
    if (from !== 'pending' && !drain) {
      this.event('warning', `${node.hostName}: the journal has no record of its drain; draining it again.`);
      from = 'pending';
    }
    if (from === 'pending') node.startedAt = this.svc.clock.now();
    if (!host || host.state === 'Down') {
      node.phase = 'skipped';
      this.event('warning', `${node.hostName} is ${host ? 'down' : 'no longer in the estate'}: skipped.`);
      this.svc.operationsChanged();
      return true;
    }
    if (from === 'pending') {
      node.phase = 'draining';
      this.svc.operationsChanged();
      const busy = this.op.nodes.filter((n) => n.hostId !== node.hostId && (n.phase === 'draining' || n.phase === 'patching' || n.phase === 'resuming' || n.phase === 'failing-back')).map((n) => n.hostId);
      const avoid = [...new Set([...rollingAvoid(this.order, k, this.op.nodesAtOnce), ...busy])];
      drain = await this.svc.startDrain(host.id, { liveMigrateLowPriority: true, avoidHostIds: avoid }, this.op.actor, false, this);
      node.drainId = drain.op.id;
      this.svc.operationsChanged();
    }
    if (from === 'pending' || from === 'draining') {
      this.drainsRunning.add(drain!);
      const result = await drain!.done;
      this.drainsRunning.delete(drain!);
      if (this.stopped) return true;
      if (result.status !== 'completed') {
        node.phase = 'failed';
        node.finishedAt = this.svc.clock.now();
        return false;
      }
    }
    if (from === 'resuming') return this.resumeNode(node, host, drain!, failbacks);
    node.phase = 'patching';
    this.svc.operationsChanged();
    if (this.op.patch.kind === 'operator') {
      this.op.status = 'waiting-operator';
      this.event('info', `${node.hostName} is drained and paused: patch it, then confirm.`);
      this.svc.operationsChanged();
      await new Promise<void>((resolve) => this.confirmations.set(node.hostId, resolve));
      if (this.stopped) return true;
      this.op.status = this.confirmations.size > 0 ? 'waiting-operator' : this.paused ? 'paused' : 'running';
    } else if (this.op.patch.seconds > 0) {
      this.event('info', `${node.hostName}: patch step running (${fmtSec(this.op.patch.seconds)}).`);
      await this.svc.clock.sleep(this.op.patch.seconds * 1000);
    }
    return this.resumeNode(node, host, drain!, failbacks);
  }

  private async resumeNode(node: RollingOperation['nodes'][number], host: Host, drain: DrainRun, failbacks: Promise<void>[]): Promise<boolean> {
    await this.whileHeld();
    if (this.stopped) return true;
    node.phase = 'resuming';
    this.svc.operationsChanged();
    if (this.svc.estate.getHost(host.id)?.state !== 'Up') {
      const back = await this.backend.resumeClusterNode(node.hostName);
      if (back.State !== 'Up') throw new ContractError('backend', `Resume-ClusterNode ${node.hostName} returned, but the node reads back ${back.State}.`, node.hostName);
    }
    // Failback: its VMs come home while the next node drains.
    failbacks.push(this.startFailback(node, host, drain));
    return true;
  }

  private startFailback(node: RollingOperation['nodes'][number], host: Host, drain: DrainRun): Promise<void> {
    node.phase = 'failing-back';
    const batch = this.failback(host, drain);
    node.failbackItemIds = batch.items.map((i) => i.id);
    this.event('info', `${node.hostName} resumed; failing back ${batch.items.length} VMs.`);
    this.svc.operationsChanged();
    return batch.done.then(() => {
      node.phase = 'done';
      node.finishedAt = this.svc.clock.now();
      this.svc.operationsChanged();
    });
  }

  private failback(host: Host, drain: DrainRun): FailbackBatch {
    const batch = new FailbackBatch(this);
    const vms = [...drain.moved].map((id) => this.svc.estate.getVm(id)).filter((vm) => vm !== undefined && vm.hostId !== host.id && vm.clusterId === host.clusterId);
    vms.sort((a, b) => b!.memoryBytes - a!.memoryBytes);
    const specs = vms.map((vm, i) => {
      const type = vm!.state === 'Off' || vm!.state === 'Saved' ? 'offline' as const : 'live' as const;
      return { vmId: vm!.id, destHostId: host.id, type, operationId: this.op.id, purpose: 'failback' as const, order: i, predictedSec: this.svc.engine.predictSec(vm!.memoryBytes, vm!.tier, type, vm!.hostId) };
    });
    batch.items.push(...this.svc.engine.enqueue(specs, this.backend, batch));
    batch.check();
    return batch;
  }

  private finish(status: 'completed' | 'failed', severity: OperationEvent['severity'], message: string): void {
    this.op.status = status;
    this.op.finishedAt = this.svc.clock.now();
    this.event(severity, message);
    this.svc.auditAction(this.op.actor, `rolling maintenance ${status}`, this.op.clusterName, status === 'completed' ? 'ok' : 'error', message);
    this.svc.operationsChanged();
    this.resolveDone(this.op);
  }

  view(): RollingOperation {
    return { ...this.op, nodes: this.op.nodes.map((n) => ({ ...n, failbackItemIds: [...n.failbackItemIds] })), events: this.op.events.slice(-100) };
  }
}

export function fmtSec(sec: number): string {
  const s = Math.round(sec);
  if (s < 90) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 90 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

