import type { Host } from '../../../shared/model/estate.ts';
import type { DrainOptions, OperationEvent, PatchStep, RollingOperation, RollingPlan } from '../../../shared/model/migration.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { failbackBatch, type FailbackBatch, type DrainRun } from './drain-run.ts';
import type { RollingEntry } from './operation-journal.ts';
import { fmtSec, isFinal, KEEP_EVENTS, type ParentRun, type RunContext } from './run-context.ts';

/** What a rolling maintenance needs from the service on top of a drain's needs: its drains. */
export interface RollingContext extends RunContext {
  drain(id: string): DrainRun | undefined;
  startDrain(hostId: string, options: DrainOptions, actor: string, acceptQuick: boolean, parent: ParentRun | null): Promise<DrainRun>;
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

/** One rolling maintenance: each node of a cluster drained, patched, resumed and failed back, nodesAtOnce at a time. */
export class RollingRun {
  readonly op: RollingOperation;
  private readonly svc: RollingContext;
  private readonly backend: HyperVBackend;
  private paused = false;
  private stopped = false;
  private confirmations = new Map<string, () => void>();
  private resumeWaiters: (() => void)[] = [];
  done: Promise<RollingOperation>;
  private resolveDone!: (op: RollingOperation) => void;
  private readonly order: Host[];
  private readonly drainsRunning = new Set<DrainRun>();
  journaledFinal = false;

  private constructor(svc: RollingContext, op: RollingOperation, order: Host[]) {
    this.svc = svc;
    this.order = order;
    this.op = op;
    this.backend = svc.backendFor(op.actor, op.id);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  static start(svc: RollingContext, plan: RollingPlan, order: Host[], patch: PatchStep, actor: string): RollingRun {
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
  static restore(svc: RollingContext, entry: RollingEntry): RollingRun {
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
  async resume(why = 'The console restarted during this maintenance'): Promise<void> {
    const inFlight = this.op.nodes.map((n, k) => ({ n, k })).filter(({ n }) => n.phase === 'draining' || n.phase === 'patching' || n.phase === 'resuming');
    const failingBack = this.op.nodes.map((n, k) => ({ n, k })).filter(({ n }) => n.phase === 'failing-back');
    const firstPending = this.op.nodes.findIndex((n) => n.phase === 'pending');
    this.event('warning', `${why}: ${inFlight.map(({ n }) => `${n.hostName} (${n.phase})`).join(', ') || 'no node in flight'}${failingBack.length > 0 ? `; failing back ${failingBack.map(({ n }) => n.hostName).join(', ')}` : ''}. Carrying on.`);
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

  /**
   * Carries a failed or stopped maintenance on from where it stopped: nodes done stay done, a node
   * whose drain failed or was stopped is drained again (it is still paused), a node that was waiting
   * for its patch asks again, and the pending nodes follow. The caller journals the run again.
   */
  carryOn(actor: string): Promise<void> {
    if (this.op.status !== 'failed' && this.op.status !== 'cancelled') {
      throw new ContractError('invalid-state', `The rolling maintenance is ${this.op.status}: only a failed or stopped one can be carried on.`, this.op.id);
    }
    const redo = this.op.nodes.filter((n) => n.phase === 'failed' || n.phase === 'draining');
    for (const n of redo) { n.phase = 'pending'; n.startedAt = null; n.finishedAt = null; }
    this.stopped = false;
    this.paused = false;
    this.op.status = 'running';
    this.op.finishedAt = null;
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
    const done = this.op.nodes.filter((n) => n.phase === 'done' || n.phase === 'skipped').length;
    this.svc.auditAction(actor, 'rolling maintenance carried on', this.op.clusterName, 'ok', `${done} of ${this.op.nodes.length} nodes already done`);
    return this.resume(`Carried on by ${actor} (${done} of ${this.op.nodes.length} nodes already done; they are not redone)`);
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
        // Carried on after a stop: nodes past the first pending one may be done already.
        if (this.op.nodes[k]!.phase !== 'pending') continue;
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
      await this.homecoming();
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
      await this.failbacksOff(node.hostId, node.hostName);
      if (this.stopped) return true;
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

  /**
   * A VM on its way home can be taken on by a later drain (its failback was queued while the node
   * it sat on was already draining): once every node is back, such VMs are failed back again.
   */
  private async homecoming(): Promise<void> {
    for (let pass = 0; pass < 2 && !this.stopped; pass++) {
      const batches: { name: string; batch: FailbackBatch }[] = [];
      this.op.nodes.forEach((n, k) => {
        const drain = n.phase === 'done' && n.drainId ? this.svc.drain(n.drainId) : undefined;
        const host = this.svc.estate.getHost(n.hostId);
        if (!drain || !host || host.state !== 'Up') return;
        const batch = this.failback(host, drain);
        if (batch.items.length > 0) batches.push({ name: this.order[k]!.name, batch });
      });
      if (batches.length === 0) return;
      this.event('info', `${batches.reduce((sum, b) => sum + b.batch.items.length, 0)} VMs were moved on by a later drain before they got home; failing them back to ${batches.map((b) => b.name).join(', ')}.`);
      this.svc.operationsChanged();
      await Promise.all(batches.map((b) => b.batch.done));
    }
  }

  /**
   * Waits until no failback of this maintenance is taking a VM off the node: a node must not be
   * drained while an earlier wave still pulls VMs from it (its drain would leave them behind and
   * fail with "still holds 1 VMs", and both would share the node's migration slots).
   */
  private async failbacksOff(hostId: string, hostName: string): Promise<void> {
    const pulling = () => [...this.svc.engine.items.values()].some((i) => i.purpose === 'failback' && i.operationId === this.op.id && i.sourceHostId === hostId && (i.state === 'queued' || i.state === 'running'));
    let said = false;
    while (!this.stopped && pulling()) {
      if (!said) this.event('info', `${hostName}: waiting for the failbacks still taking VMs off it before draining it.`);
      said = true;
      await this.svc.clock.sleep(this.svc.engine.pollMs);
    }
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
    return failbackBatch(this.svc, this.backend, this, host, [...drain.moved].filter((vmId) => this.homeOf(vmId) === host.id));
  }

  /**
   * Where a VM lived before this maintenance: the node whose drain moved it first. A VM parked on a
   * node that drains later is in that node's drain too, and must not "fail back" there.
   */
  private homeOf(vmId: string): string | null {
    let home: { hostId: string; at: number } | null = null;
    for (const n of this.op.nodes) {
      const drain = n.drainId ? this.svc.drain(n.drainId) : undefined;
      if (drain?.moved.has(vmId) && (!home || drain.op.startedAt < home.at)) home = { hostId: n.hostId, at: drain.op.startedAt };
    }
    return home?.hostId ?? null;
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
