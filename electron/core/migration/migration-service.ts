import type { Host } from '../../../shared/model/estate.ts';
import type {
  DrainOptions, DrainPlan, HostMigrationSettings, HostSettingsChange, MigrationItem, MigrationOperations,
  MigrationQueue, PatchStep, PlanWarning, RollingOperation, RollingPlan,
} from '../../../shared/model/migration.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedBackend } from '../audit/audited-backend.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { ClockPort } from '../ports.ts';
import {
  planDrain, simulateSchedule, liveLowerBound, type PlannerInput, type ScheduleHost,
} from './drain-planner.ts';
import {
  CONSTRAINT_NOTES, classCounts, clusterHosts, clusterOf, placementRulesKnown, plannerHost, plannerVm, vmsByHost, type EstateView,
} from './estate-view.ts';
import { MigrationEngine, type EngineItem } from './migration-engine.ts';
import { usableMemoryBytes } from '../../../shared/model/host-usage.ts';
import type { JournalEntry, OperationJournal } from './operation-journal.ts';
import { DEFAULT_MIGRATION_MODEL, type MigrationModel } from './migration-model.ts';
import { DrainRun, failbackBatch } from './drain-run.ts';
import { isFinal, type ParentRun } from './run-context.ts';
import { rollingAvoid, RollingRun, type RollingContext } from './rolling-run.ts';

interface MigrationServiceOptions {
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

/**
 * Drains, failbacks and rolling maintenance on top of the migration queue. Operations live in the
 * core and carry on while no console is connected; a console that comes back reads them again.
 */
export class MigrationService implements RollingContext {
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

  /**
   * Writes a new operation now; when the disk refuses, the operation is taken back (`undo`), its
   * record unqueued so no later flush brings it back, and the SaveError goes to the operator.
   */
  private journalFirst(run: DrainRun | RollingRun, undo: () => void): void {
    const journal = this.o.journal;
    if (!journal) return;
    try {
      journal.record(run.journalEntry());
      journal.flush();
    } catch (error) {
      journal.forget(run.op.id);
      undo();
      throw error;
    }
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
      if (plan.unplaced.length > 0) {
        // With `lanes` nodes out (and the neighbours that fail back or drain next kept free), the rest cannot hold this node's VMs.
        warnings.push({ kind: 'no-capacity', vmId: null, vmName: null, message: `${lanes > 1 ? `${lanes} nodes at a time do not fit` : 'The cluster cannot take a node out'}: while ${host.name} is out, ${plan.unplaced.length} of its VMs have no node with room (${plan.unplaced.slice(0, 3).map((u) => `'${u.vmName}': ${u.reason}`).join('; ')}${plan.unplaced.length > 3 ? '…' : ''}).${lanes > 1 ? ' Take fewer nodes at a time.' : ''}` });
      }
      nodes.push({ hostId: host.id, hostName: host.name, vmCount: plan.moves.length + plan.unplaced.length, bytesToMove: plan.bytesToMove, predictedDrainSec: plan.predictedDurationSec, lowerBoundSec: plan.lowerBoundSec });
      const lane = laneFree.indexOf(Math.min(...laneFree));
      const end = laneFree[lane]! + plan.predictedDurationSec + patchSec + 1;
      laneFree[lane] = end;
      drainLaneSec += plan.lowerBoundSec + patchSec;
      const failback = this.failbackEstimate(host, plan);
      leastFailbackBound = Math.min(leastFailbackBound, failback.bound);
      if (end >= lastEnd) { lastEnd = end; lastFailback = failback; }
    });
    const squeeze = this.capacityWith(clusterId, order, lanes);
    if (squeeze) warnings.unshift({ kind: 'no-capacity', vmId: null, vmName: null, message: squeeze });
    if (order.length > 0 && !this.rulesKnown) warnings.unshift(...CONSTRAINT_NOTES.map((message): PlanWarning => ({ kind: 'constraints-not-modelled', vmId: null, vmName: null, message })));
    if (lanes > 1) warnings.push({ kind: 'constraints-not-modelled', vmId: null, vmName: null, message: `${lanes} nodes are out of service at the same time: the cluster runs on ${order.length - lanes} nodes meanwhile.` });
    return {
      clusterId, clusterName: cluster.name, nodesAtOnce: lanes, nodes,
      predictedDurationSec: Math.round(lastEnd + lastFailback.predicted), lowerBoundSec: Math.round(drainLaneSec / lanes + (Number.isFinite(leastFailbackBound) ? leastFailbackBound : 0)),
      warnings, includesPatchSec: patchSec * Math.ceil(order.length / lanes), planMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /**
   * Null when the cluster's running VMs fit in the nodes left while `lanes` of the maintained nodes
   * are out (the largest ones, since any of them may be out together); else why not.
   */
  private capacityWith(clusterId: string, order: readonly Host[], lanes: number): string | null {
    const hosts = clusterHosts(this.o.estate, clusterId);
    const out = new Set([...order].sort((a, b) => usableMemoryBytes(b) - usableMemoryBytes(a)).slice(0, lanes).map((h) => h.id));
    const needed = hosts.reduce((sum, h) => sum + h.memoryAssignedBytes, 0);
    const left = hosts.filter((h) => !out.has(h.id) && h.state === 'Up').reduce((sum, h) => sum + usableMemoryBytes(h), 0);
    if (needed <= left) return null;
    const gib = (b: number) => `${Math.round(b / 1024 ** 3)} GiB`;
    return `${lanes} nodes at a time do not fit: the cluster's VMs use ${gib(needed)} of memory and the ${hosts.length - out.size} nodes left while ${lanes} are out offer ${gib(left)}.${lanes > 1 ? ' Take fewer nodes at a time.' : ''}`;
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

  async startDrain(hostId: string, options: DrainOptions, actor: string, acceptQuick: boolean, parent: ParentRun | null = null): Promise<DrainRun> {
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
    // On disk before the node is touched: a drain the journal does not know of must not pause a node.
    this.journalFirst(run, () => this.drains.delete(run.op.id));
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
    const unfit = plan.warnings.find((w) => w.kind === 'no-capacity' && w.vmId === null);
    if (unfit) throw new ContractError('invalid-state', unfit.message, 'nodesAtOnce');
    const run = RollingRun.start(this, plan, order, patch, actor);
    this.rollings.set(run.op.id, run);
    this.journalFirst(run, () => this.rollings.delete(run.op.id));
    this.auditAction(actor, 'rolling maintenance started', plan.clusterName, 'ok', `${order.length} nodes, predicted ${plan.predictedDurationSec} s`);
    void run.run();
    this.operationsChanged();
    return run;
  }

  /**
   * Resumes a node left paused by a drain and brings its VMs home, as Failover Cluster Manager's
   * "Resume - Fail Roles Back" and `Resume-ClusterNode -Failback Immediate` do ("resumes a node from
   * the paused state or brings back drained workloads to the node or both":
   * https://learn.microsoft.com/powershell/module/failoverclusters/resume-clusternode). The node is
   * resumed without failback and the console moves the VMs itself, through its queue: live, within
   * every host's migration limit, each reported home only when the estate shows it there.
   */
  async resumeHost(hostId: string, failback: boolean, actor: string): Promise<{ hostId: string; state: string; failingBack: number; operationId: string | null }> {
    const host = this.host(hostId);
    if (host.state !== 'Paused') throw new ContractError('invalid-state', `${host.name} is ${host.state}, not paused: there is nothing to resume.`, 'hostId');
    for (const r of this.rollings.values()) {
      if (!isFinal(r.op.status) && r.op.nodes.some((n) => n.hostId === host.id && n.phase !== 'pending' && n.phase !== 'done' && n.phase !== 'skipped')) {
        throw new ContractError('invalid-state', `${host.name} is in the rolling maintenance ${r.op.id}: that maintenance resumes it.`, 'hostId');
      }
    }
    const drains = [...this.drains.values()].filter((d) => d.op.hostId === host.id);
    const active = drains.find((d) => !isFinal(d.op.status));
    if (active) throw new ContractError('invalid-state', `${host.name} is being drained (${active.op.id}): stop the drain before resuming the node.`, 'hostId');
    const last = drains.at(-1) ?? null;
    const backend = this.backendFor(actor, last?.op.id ?? `resume-${host.name}`);
    const back = await backend.resumeClusterNode(host.name);
    if (back.State !== 'Up') throw new ContractError('backend', `Resume-ClusterNode ${host.name} returned, but the node reads back ${back.State}.`, host.name);
    let failingBack = 0;
    if (failback && last) {
      const batch = failbackBatch(this, backend, last, host, last.moved);
      failingBack = batch.items.length;
      last.event('info', `${host.name} resumed by ${actor}; failing back ${failingBack} VMs.`);
      void batch.done.then(() => {
        const home = [...last.moved].filter((id) => this.o.estate.getVm(id)?.hostId === host.id).length;
        last.event(home === failingBack || failingBack === 0 ? 'info' : 'warning', `Failback to ${host.name} finished: ${home} VMs are home.`);
        last.journaledFinal = false;
        this.operationsChanged();
      });
    } else if (last) {
      last.event('info', `${host.name} resumed by ${actor}${failback ? ' (no VM to fail back)' : ' without failback'}.`);
    }
    this.auditAction(actor, failback ? 'node resumed with failback' : 'node resumed', host.name, 'ok', `${failingBack} VMs failing back`);
    if (last) last.journaledFinal = false;
    this.operationsChanged();
    return { hostId: host.id, state: back.State, failingBack, operationId: last?.op.id ?? null };
  }

  /** Carries a failed or stopped rolling maintenance on from where it stopped; journaled again. */
  carryOnRolling(operationId: string, actor: string): RollingOperation {
    const run = this.rollings.get(operationId);
    if (!run) throw new ContractError('not-found', `There is no rolling maintenance "${operationId}".`, 'operationId');
    for (const r of this.rollings.values()) {
      if (r !== run && r.op.clusterId === run.op.clusterId && !isFinal(r.op.status)) throw new ContractError('invalid-state', `Another rolling maintenance of this cluster is running (${r.op.id}).`, 'operationId');
    }
    const going = run.carryOn(actor);
    run.journaledFinal = false;
    void going;
    this.operationsChanged();
    return run.view();
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

function rollingOrder(estate: EstateView, clusterId: string, hostIds?: readonly string[]): Host[] {
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

function publicItem(item: EngineItem): MigrationItem {
  return {
    id: item.id, vmId: item.vmId, vmName: item.vmName, clusterId: item.clusterId, sourceHostId: item.sourceHostId,
    destHostId: item.destHostId, type: item.type, state: item.state, operationId: item.operationId, purpose: item.purpose,
    order: item.order, attempt: item.attempt, bytesTotal: item.bytesTotal, bytesDone: Math.round(item.bytesDone), percent: item.percent,
    bytesPerSec: item.bytesPerSec === null ? null : Math.round(item.bytesPerSec), etaSec: item.etaSec === null ? null : Math.round(item.etaSec),
    predictedSec: Math.round(item.predictedSec * 10) / 10, queuedAt: item.queuedAt, startedAt: item.startedAt, finishedAt: item.finishedAt,
    message: item.message,
  };
}
