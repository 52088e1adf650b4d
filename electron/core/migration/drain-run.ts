import type { Host } from '../../../shared/model/estate.ts';
import type { DrainOperation, DrainOptions, DrainPlan, OperationEvent } from '../../../shared/model/migration.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { planDrain, placementState, placeVm } from './drain-planner.ts';
import { plannerVm } from './estate-view.ts';
import type { EngineItem, ItemOwner } from './migration-engine.ts';
import type { DrainEntry } from './operation-journal.ts';
import { fmtSec, isFinal, KEEP_EVENTS, MAX_ATTEMPTS, type ParentRun, type RunContext } from './run-context.ts';

/** One drain: empties a node onto the others through the migration queue, and knows which VMs it moved. */
export class DrainRun implements ItemOwner {
  readonly op: DrainOperation;
  private readonly svc: RunContext;
  private readonly backend: HyperVBackend;
  private readonly options: DrainOptions;
  readonly parent: ParentRun | null;
  private readonly items: EngineItem[] = [];
  private paused = false;
  private stopped = false;
  private sweeps = 0;
  private rechecking = false;
  private resolveDone!: (op: DrainOperation) => void;
  readonly done: Promise<DrainOperation>;
  /** VMs this drain moved off the node (for failback), by VM record id. */
  readonly moved = new Set<string>();
  /** Moves settled before a restart (their engine items are gone): counted on top of this run's. */
  private prior: DrainOperation['counts'] = { total: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 };
  private readonly plan: DrainPlan | null;
  journaledFinal = false;

  private constructor(svc: RunContext, op: DrainOperation, plan: DrainPlan | null, options: DrainOptions, parent: ParentRun | null) {
    this.svc = svc;
    this.plan = plan;
    this.options = options;
    this.parent = parent;
    this.op = op;
    this.backend = svc.backendFor(op.actor, op.id);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  static start(svc: RunContext, host: Host, plan: DrainPlan, options: DrainOptions, actor: string, parent: ParentRun | null): DrainRun {
    return new DrainRun(svc, {
      id: svc.newId('drain'), kind: 'drain', hostId: host.id, hostName: host.name, clusterId: host.clusterId, parentId: parent?.op.id ?? null,
      status: 'running', actor, startedAt: svc.clock.now(), finishedAt: null,
      predictedDurationSec: plan.predictedDurationSec, lowerBoundSec: plan.lowerBoundSec,
      counts: { total: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 }, itemIds: [], events: [],
    }, plan, options, parent);
  }

  /** A drain from the journal: as it was last written. `reconcile()` carries an unfinished one on. */
  static restore(svc: RunContext, entry: DrainEntry, parent: ParentRun | null): DrainRun {
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

  isPaused(): boolean { return this.paused; }

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
    // VMs another operation is already taking off the node (a failback queued before this drain
    // began, from a rolling maintenance's earlier wave) leave on their own: wait for them rather
    // than report them left behind.
    if (remaining.length > 0 && remaining.every((vm) => this.svc.engine.hasActive(vm.id))) {
      if (!this.rechecking) {
        this.rechecking = true;
        void this.svc.clock.sleep(this.svc.engine.pollMs).then(() => { this.rechecking = false; this.check(); });
      }
      return;
    }
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

/** A node's VMs coming home after its maintenance; done when every move has settled. */
export class FailbackBatch implements ItemOwner {
  private readonly run: ParentRun;
  readonly items: EngineItem[] = [];
  private resolveDone!: () => void;
  readonly done: Promise<void>;
  constructor(run: ParentRun) {
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

/**
 * Queues the moves that bring a resumed node's VMs home: those of `movedIds` still in its cluster,
 * not home yet and not already on their way; largest first (they take longest).
 */
export function failbackBatch(svc: RunContext, backend: HyperVBackend, parent: ParentRun, host: Host, movedIds: Iterable<string>): FailbackBatch {
  const batch = new FailbackBatch(parent);
  const vms = [...movedIds].map((id) => svc.estate.getVm(id)).filter((vm) => vm !== undefined && vm.hostId !== host.id && vm.clusterId === host.clusterId && !svc.engine.hasActive(vm.id));
  vms.sort((a, b) => b!.memoryBytes - a!.memoryBytes);
  const specs = vms.map((vm, i) => {
    const type = vm!.state === 'Off' || vm!.state === 'Saved' ? 'offline' as const : 'live' as const;
    return { vmId: vm!.id, destHostId: host.id, type, operationId: parent.op.id, purpose: 'failback' as const, order: i, predictedSec: svc.engine.predictSec(vm!.memoryBytes, vm!.tier, type, vm!.hostId) };
  });
  batch.items.push(...svc.engine.enqueue(specs, backend, batch));
  batch.check();
  return batch;
}
