import type { Replication, Vm } from '../../../../shared/model/estate.ts';
import { EXTENDED_REPLICATION_FREQUENCIES_SEC, REPLICATION_FREQUENCIES_SEC, type ReplicationState } from '../../../../shared/model/hyperv-enums.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import { HEALTH_RULES, replicationHealth } from './health-rules.ts';
import { fqdnOf, type LabWorld } from './lab-world.ts';
import { newRelationship, REPLICATION_MODEL, wireRelationship, type RecoveryPoint, type Relationship, type ReplicationType } from './replication-relationship.ts';
import type { WanLink } from './wan-link.ts';


/**
 * Hyper-V Replica: every VM's writes build a change log that each cycle ships over the shared WAN
 * link; missed cycles, errors and staleness drive health; long outages force resynchronization;
 * successful cycles become recovery points on the replica.
 */
export class ReplicationEngine {
  private readonly world: LabWorld;
  readonly relationships: Relationship[] = [];
  private readonly bySource = new Map<string, Relationship[]>();
  private readonly byTarget = new Map<string, Relationship>();

  constructor(world: LabWorld) {
    this.world = world;
    for (const vm of world.vms.values()) {
      if (vm.replication?.mode === 'Primary') {
        const replica = world.copies(vm.vmId).find((c) => c.replication?.mode === 'Replica');
        if (replica) this.add(vm, replica, 'simple');
      }
      if (vm.extendedReplication?.mode === 'Primary') {
        const extended = world.copies(vm.vmId).find((c) => c.replication?.mode === 'ExtendedReplica');
        if (extended) this.add(vm, extended, 'extended');
      }
    }
  }

  // Lookups -----------------------------------------------------------------------------------------

  sourcesOf(recordId: string): readonly Relationship[] { return this.bySource.get(recordId) ?? []; }
  targetOf(recordId: string): Relationship | undefined { return this.byTarget.get(recordId); }

  sourceRep(rel: Relationship): Replication { return rel.srcRep; }
  targetRep(rel: Relationship): Replication { return rel.dstRep; }

  /** Change log including writes up to now, as Measure-VMReplication reports it. */
  pendingBytes(rel: Relationship): number {
    this.accrue(rel);
    return rel.logBytes + (rel.transfer ? rel.transferBytes : 0);
  }

  /** Source writes since a recovery point: what a failover to it loses. */
  dataLossBytes(rel: Relationship, point: RecoveryPoint | null): number {
    this.accrue(rel);
    return Math.max(0, rel.writtenTotal - (point?.writtenTotal ?? 0));
  }

  healthInputs(rel: Relationship) {
    const now = this.world.now;
    while (rel.missedAt.length > 0 && rel.missedAt[0]! <= now - HEALTH_RULES.windowMs) rel.missedAt.shift();
    const frequencyMs = this.sourceRep(rel).frequencySec * 1000;
    const windowSpan = Math.min(HEALTH_RULES.windowMs, now - rel.began);
    return { missedInWindow: rel.missedAt.length, expectedInWindow: Math.max(1, windowSpan / frequencyMs) };
  }

  // Writes ------------------------------------------------------------------------------------------

  /** Adds the source's writes since the last accrual (only a running VM writes). */
  accrue(rel: Relationship): void {
    const now = this.world.now;
    if (now === rel.accruedAt) return;
    if (rel.source.state === 'Running') {
      const bytes = (rel.rate * (now - rel.accruedAt)) / 1000;
      rel.logBytes += bytes;
      rel.writtenTotal += bytes;
    }
    rel.accruedAt = now;
  }

  accrueSource(vm: Vm): void {
    for (const rel of this.sourcesOf(vm.id)) this.accrue(rel);
  }

  // Cycles ------------------------------------------------------------------------------------------

  private runCycle(rel: Relationship): void {
    const world = this.world;
    const source = this.sourceRep(rel);
    // Tagged with the relationship itself: a snapshot re-creates the cycle from it.
    rel.cycle = world.queue.after(source.frequencySec * 1000, () => this.runCycle(rel), rel);
    this.accrue(rel);
    if (rel.preparing) return;
    if (source.state === 'Suspended' || source.state === 'Replicating') {
      const vm = rel.source;
      if (rel.logBytes > vm.diskBytes * REPLICATION_MODEL.resyncLogShareOfDisk) {
        this.abortTransfer(rel);
        this.setState(rel, 'WaitingForStartResynchronize', 'WaitingForStartResynchronize');
        world.event('replication.resync-required', 'error',
          `The change log of '${rel.name}' passed half of its virtual disk; resynchronization is required.`, { vm: rel.name });
        this.refreshHealth(rel);
        return;
      }
    }
    if (source.state !== 'Replicating') { this.refreshHealth(rel); return; }
    if (rel.transfer) {
      this.miss(rel, false, 'the previous cycle is still being sent');
      return;
    }
    const problem = this.pathProblem(rel);
    if (problem) {
      this.miss(rel, problem.error, problem.reason);
      if (problem.toError) {
        this.setState(rel, 'Error', 'Error');
        world.event('replication.error', 'error', `Hyper-V failed to replicate changes for '${rel.name}': ${problem.reason}. Replication is in an error state.`, { vm: rel.name });
        this.refreshHealth(rel);
      }
      return;
    }
    const vm = rel.source;
    const appInterval = source.appConsistentIntervalHours * 3_600_000;
    const appConsistent = appInterval > 0 && vm.state === 'Running' && world.now - rel.lastAppConsistentAt >= appInterval;
    this.ship(rel, appConsistent ? 'ApplicationConsistent' : 'Regular');
  }

  /** Why a cycle cannot reach the replica right now, or null when the path is clear. */
  private pathProblem(rel: Relationship): { reason: string; error: boolean; toError: boolean } | null {
    const world = this.world;
    const source = rel.source;
    const target = rel.target;
    if (world.hosts.get(source.hostId)?.state === 'Down') return { reason: 'the primary server is down', error: false, toError: false };
    if (this.targetRep(rel).state !== 'Replicating') {
      return { reason: `the Replica virtual machine is in state ${this.targetRep(rel).state}`, error: true, toError: false };
    }
    const link = this.linkFor(rel);
    if (!link.up) return { reason: `the Replica server could not be contacted (${link.name} is down)`, error: true, toError: false };
    if (world.brokerDown.has(target.clusterId)) {
      return { reason: `the Hyper-V Replica Broker ${world.clusters.get(target.clusterId)!.replicaBroker} is offline`, error: true, toError: false };
    }
    if (world.hosts.get(target.hostId)?.state === 'Down') return { reason: 'the Replica server is down', error: true, toError: false };
    if (world.storageFull.has(target.siteId)) return { reason: 'there is not enough space on the disk of the Replica server', error: true, toError: true };
    return null;
  }

  /** Sends the whole change log as one cycle. */
  private ship(rel: Relationship, type: ReplicationType, onDone?: () => void, onFail?: (reason: string) => void): void {
    const world = this.world;
    rel.transferBytes = rel.logBytes;
    rel.capturedAt = world.now;
    rel.capturedTotal = rel.writtenTotal;
    rel.transferType = type;
    rel.logBytes = 0;
    this.setPending(rel, rel.transferBytes);
    const wire = rel.transferBytes * REPLICATION_MODEL.compressionRatio + REPLICATION_MODEL.cycleOverheadBytes;
    const { done, fail } = this.transferCallbacks(rel, onDone, onFail);
    // A transfer with its own callbacks (a planned failover's, a resync's) is an operation in flight
    // that a snapshot cannot re-create; a regular cycle's is owned by its relationship.
    rel.transfer = this.linkFor(rel).send(wire, done, fail, onDone || onFail ? undefined : rel);
  }

  /** What a transfer does when it arrives or fails (without extras: a regular cycle's, as a snapshot re-creates it). */
  transferCallbacks(rel: Relationship, onDone?: () => void, onFail?: (reason: string) => void): { done: () => void; fail: (reason: string) => void } {
    return {
      done: () => {
        this.delivered(rel);
        onDone?.();
        this.runAfterTransfer(rel);
      },
      fail: (reason) => {
        rel.transfer = null;
        rel.logBytes += rel.transferBytes;
        this.miss(rel, true, reason);
        onFail?.(reason);
        this.runAfterTransfer(rel);
      },
    };
  }

  private runAfterTransfer(rel: Relationship): void {
    const next = rel.afterTransfer;
    rel.afterTransfer = null;
    next?.();
  }

  private delivered(rel: Relationship): void {
    const world = this.world;
    const now = world.now;
    const bytes = rel.transferBytes;
    rel.transfer = null;
    rel.successes += 1;
    rel.sizeSum += bytes;
    rel.sizeMax = Math.max(rel.sizeMax, bytes);
    rel.latencySumMs += now - rel.capturedAt;
    rel.lastType = rel.transferType;
    const appConsistent = rel.transferType === 'ApplicationConsistent';
    const point: RecoveryPoint = { at: rel.capturedAt, writtenTotal: rel.capturedTotal, appConsistent };
    rel.latest = point;
    const keep = this.sourceRep(rel).additionalRecoveryPoints;
    if (appConsistent) rel.lastAppConsistentAt = rel.capturedAt;
    if (keep > 0 && (appConsistent || rel.capturedAt - rel.lastHourlyAt >= REPLICATION_MODEL.hourlyPointMs)) {
      if (!appConsistent || rel.capturedAt - rel.lastHourlyAt >= REPLICATION_MODEL.hourlyPointMs) rel.lastHourlyAt = rel.capturedAt;
      rel.points.push(point);
      if (rel.points.length > keep) rel.points.splice(0, rel.points.length - keep);
    }
    const source = this.sourceRep(rel);
    const target = this.targetRep(rel);
    source.lastReplicationTime = now;
    this.world.touchVm(rel.source, rel.srcField);
    if (target.lastReplicationTime === null || now - target.lastReplicationTime >= REPLICATION_MODEL.replicaReportMs || rel.failing) {
      target.lastReplicationTime = now;
      this.world.touchVm(rel.target, 'replication');
    }
    this.accrue(rel);
    this.setPending(rel, rel.logBytes);
    // What reached the replica is what its extended replica must receive next.
    for (const downstream of this.sourcesOf(rel.targetId)) {
      if (downstream === rel) continue;
      this.accrue(downstream);
      downstream.logBytes += bytes;
      downstream.writtenTotal += bytes;
    }
    if (rel.failing) {
      rel.failing = false;
      world.event('replication.recovered', 'info', `Replication of '${rel.name}' succeeded again.`, { vm: rel.name });
    }
    this.refreshHealth(rel);
  }

  private miss(rel: Relationship, error: boolean, reason: string): void {
    rel.missed += 1;
    rel.missedAt.push(this.world.now);
    if (error) rel.errors += 1;
    if (!rel.failing) {
      rel.failing = true;
      this.world.event('replication.cycle-failed', error ? 'warning' : 'info', `A replication cycle of '${rel.name}' was missed: ${reason}.`, { vm: rel.name });
    }
    this.refreshHealth(rel);
  }

  refreshHealth(rel: Relationship): void {
    const src = rel.srcRep;
    const dst = rel.dstRep;
    // Nearly every call finds a healthy relationship: answer that without building anything.
    if (src.state === 'Replicating' && dst.state === 'Replicating' && src.health === 'Normal' && dst.health === 'Normal'
      && rel.missedAt.length === 0 && this.world.now - (src.lastReplicationTime ?? rel.began) <= HEALTH_RULES.warningStaleMs) {
      rel.healthDetails = NO_DETAILS;
      return;
    }
    const inputs = this.healthInputs(rel);
    const source = this.sourceRep(rel);
    const lastSuccess = source.lastReplicationTime ?? rel.began;
    const forSource = replicationHealth({ state: source.state, now: this.world.now, lastSuccess, ...inputs });
    rel.healthDetails = forSource.details;
    this.setHealth(rel, source, rel.sourceId, forSource.health);
    const target = this.targetRep(rel);
    const forTarget = target.state === source.state ? forSource : replicationHealth({ state: target.state, now: this.world.now, lastSuccess, ...inputs });
    this.setHealth(rel, target, rel.targetId, forTarget.health);
  }

  private setHealth(rel: Relationship, rep: Replication, recordId: string, health: Replication['health']): void {
    if (rep.health === health) return;
    const before = rep.health;
    rep.health = health;
    const vm = this.world.vms.get(recordId)!;
    this.world.touchVm(vm, rel.kind === 'extended' && recordId === rel.sourceId ? 'extendedReplication' : 'replication');
    if (recordId !== rel.sourceId) return;
    const severity = health === 'Critical' ? 'error' : health === 'Warning' ? 'warning' : 'info';
    const details = rel.healthDetails.length > 0 ? ` ${rel.healthDetails.join(' ')}` : '';
    this.world.event('replication.health', severity, `Replication health of '${rel.name}' (${rel.kind === 'simple' ? 'to the replica' : 'extended'}) changed from ${before} to ${health}.${details}`, { vm: rel.name });
  }

  private setPending(rel: Relationship, bytes: number): void {
    const rep = this.sourceRep(rel);
    const rounded = Math.round(bytes);
    if (rep.pendingBytes === rounded) return;
    rep.pendingBytes = rounded;
    this.world.touchVm(rel.source, rel.srcField);
  }

  // State changes used by the operations ----------------------------------------------------------

  setState(rel: Relationship, sourceState: ReplicationState | null, targetState: ReplicationState | null): void {
    if (sourceState) {
      const rep = this.sourceRep(rel);
      if (rep.state !== sourceState) {
        rep.state = sourceState;
        this.world.touchVm(rel.source, rel.srcField);
      }
    }
    if (targetState) {
      const rep = this.targetRep(rel);
      if (rep.state !== targetState) {
        rep.state = targetState;
        this.world.touchVm(rel.target, 'replication');
      }
    }
  }

  abortTransfer(rel: Relationship): void {
    if (!rel.transfer) return;
    rel.transfer.abort();
    rel.transfer = null;
    rel.logBytes += rel.transferBytes;
    rel.transferBytes = 0;
  }

  /** Suspend-VMReplication. */
  suspend(rel: Relationship): void {
    const state = this.sourceRep(rel).state;
    if (state === 'Resynchronizing') {
      this.setState(rel, 'ResynchronizeSuspended', 'ResynchronizeSuspended');
    } else if (state === 'Replicating' || state === 'Error') {
      this.abortTransfer(rel);
      this.setState(rel, 'Suspended', 'Suspended');
    } else {
      throw invalid(`Cannot suspend replication for '${rel.name}': the operation is not valid in replication state ${state}.`, rel.name);
    }
    this.world.event('replication.suspended', 'warning', `Replication of '${rel.name}' was suspended.`, { vm: rel.name });
    this.refreshHealth(rel);
  }

  /** Resume-VMReplication [-Resynchronize]. */
  resume(rel: Relationship, resynchronize: boolean): void {
    const state = this.sourceRep(rel).state;
    const needsResync = state === 'WaitingForStartResynchronize' || state === 'ResynchronizeSuspended';
    if (needsResync && !resynchronize) {
      throw invalid(`Cannot resume replication for '${rel.name}': resynchronization is required. Use Resume-VMReplication -Resynchronize.`, rel.name);
    }
    if (!needsResync && state !== 'Suspended' && state !== 'Error') {
      throw invalid(`Cannot resume replication for '${rel.name}': the operation is not valid in replication state ${state}.`, rel.name);
    }
    if (resynchronize) {
      this.resynchronize(rel);
      return;
    }
    this.setState(rel, 'Replicating', 'Replicating');
    this.world.event('replication.resumed', 'info', `Replication of '${rel.name}' was resumed.`, { vm: rel.name });
    this.refreshHealth(rel);
  }

  /**
   * Set-VMReplication -ReplicationFrequencySec. Both copies report the new frequency; the next cycle
   * is due one new interval after the last successful one (or now, if that has passed), so a longer
   * interval does not fire a stale cycle and a shorter one does not wait out the old interval.
   */
  setFrequency(rel: Relationship, frequencySec: number): void {
    const allowed: readonly number[] = rel.kind === 'extended' ? EXTENDED_REPLICATION_FREQUENCIES_SEC : REPLICATION_FREQUENCIES_SEC;
    if (!allowed.includes(frequencySec)) {
      const which = rel.kind === 'extended' ? 'extended replication' : 'replication';
      throw invalid(`Cannot set the replication frequency of '${rel.name}' to ${frequencySec} seconds: ${which} supports only ${allowed.join(', ')} seconds.`, rel.name);
    }
    const state = this.sourceRep(rel).state;
    if (state === 'FailedOver' || state === 'FailedOverWaitingCompletion' || state === 'PreparedForFailover' || state === 'Disabled') {
      throw invalid(`Cannot change replication settings for '${rel.name}': the operation is not valid in replication state ${state}.`, rel.name);
    }
    const source = this.sourceRep(rel);
    const target = this.targetRep(rel);
    if (source.frequencySec === frequencySec && target.frequencySec === frequencySec) return;
    const before = source.frequencySec;
    source.frequencySec = frequencySec;
    target.frequencySec = frequencySec;
    this.world.touchVm(rel.source, rel.srcField);
    this.world.touchVm(rel.target, 'replication');
    if (rel.cycle) {
      rel.cycle.cancel();
      const last = source.lastReplicationTime ?? this.world.now;
      this.resumeCycle(rel, Math.max(this.world.now, last + frequencySec * 1000));
    }
    this.world.event('replication.frequency', 'info', `Replication frequency of '${rel.name}' (${rel.kind === 'simple' ? 'to the replica' : 'extended'}) changed from ${before} to ${frequencySec} seconds.`, { vm: rel.name });
    this.refreshHealth(rel);
  }

  /** Compares the disks, then sends what differs; replication resumes from a fresh log. */
  resynchronize(rel: Relationship): void {
    const world = this.world;
    this.abortTransfer(rel);
    this.setState(rel, 'Resynchronizing', 'Resynchronizing');
    world.event('replication.resync-started', 'info', `Resynchronization of '${rel.name}' started.`, { vm: rel.name });
    const disk = rel.source.diskBytes;
    world.queue.after((disk / REPLICATION_MODEL.resyncCompareBytesPerSec) * 1000, () => {
      if (this.sourceRep(rel).state !== 'Resynchronizing') return;
      this.accrue(rel);
      rel.logBytes = Math.min(rel.logBytes, disk);
      this.ship(rel, 'Regular', () => {
        if (this.sourceRep(rel).state !== 'Resynchronizing') return;
        this.setState(rel, 'Replicating', 'Replicating');
        world.event('replication.resync-completed', 'info', `Resynchronization of '${rel.name}' completed.`, { vm: rel.name });
        this.refreshHealth(rel);
      }, (reason) => {
        this.setState(rel, 'ResynchronizeSuspended', 'ResynchronizeSuspended');
        world.event('replication.resync-failed', 'error', `Resynchronization of '${rel.name}' failed: ${reason}.`, { vm: rel.name });
        this.refreshHealth(rel);
      });
    });
    this.refreshHealth(rel);
  }

  /** Start-VMFailover -Prepare: sends everything written so far; resolves once it arrived. */
  prepare(rel: Relationship): Promise<void> {
    rel.preparing = true;
    return new Promise((resolve, reject) => {
      const step = () => {
        if (rel.transfer) { rel.afterTransfer = step; return; }
        const problem = this.pathProblem(rel);
        if (problem) {
          rel.preparing = false;
          reject(new ContractError('backend', `'${rel.name}' failed to prepare for failover: ${problem.reason}.`, rel.name));
          return;
        }
        this.ship(rel, 'Planned', () => {
          rel.preparing = false;
          this.setState(rel, 'PreparedForFailover', null);
          this.world.event('failover.prepared', 'info', `'${rel.name}' is prepared for planned failover; every change reached the replica.`, { vm: rel.name });
          this.refreshHealth(rel);
          resolve();
        }, (reason) => {
          rel.preparing = false;
          reject(new ContractError('backend', `'${rel.name}' failed to prepare for failover: ${reason}.`, rel.name));
        });
      };
      step();
    });
  }

  /** Set-VMReplication -Reverse: the replica becomes the primary of the same relationship. */
  reverse(rel: Relationship, resyncFirst: boolean): void {
    const world = this.world;
    this.abortTransfer(rel);
    const oldSource = world.vms.get(rel.sourceId)!;
    const oldTarget = world.vms.get(rel.targetId)!;
    const sourceRep = this.sourceRep(rel);
    const targetRep = this.targetRep(rel);
    this.bySource.set(rel.sourceId, this.sourcesOf(rel.sourceId).filter((r) => r !== rel));
    this.byTarget.delete(rel.targetId);
    [rel.sourceId, rel.targetId] = [rel.targetId, rel.sourceId];
    wireRelationship(this.world, rel);
    this.index(rel);
    const primaryServer = fqdnOf(world.hosts.get(oldTarget.hostId)!.name);
    const broker = world.clusters.get(oldSource.clusterId)?.replicaBroker;
    const replicaServer = broker ? fqdnOf(broker) : fqdnOf(world.hosts.get(oldSource.hostId)!.name);
    Object.assign(targetRep, { mode: 'Primary', primaryServer, replicaServer, pendingBytes: 0 });
    Object.assign(sourceRep, { mode: 'Replica', primaryServer, replicaServer, pendingBytes: 0 });
    world.touchVm(oldSource, 'replication');
    world.touchVm(oldTarget, 'replication');
    rel.logBytes = 0;
    rel.accruedAt = world.now;
    rel.points = [];
    rel.latest = null;
    rel.missedAt = [];
    rel.began = world.now;
    if (resyncFirst) {
      this.resynchronize(rel);
    } else {
      this.setState(rel, 'Replicating', 'Replicating');
      this.refreshHealth(rel);
    }
  }

  /**
   * Remove-VMReplication -ReplicationRelationshipType Extended, on the extended relationship's primary
   * (learn.microsoft.com/powershell/module/hyper-v/remove-vmreplication): the relationship ends and
   * nothing more is sent. Hyper-V keeps the Replica side until it is removed on the Replica server too;
   * the lab shows that copy as failed (Error, Critical) so a third copy nobody feeds is never green.
   */
  removeExtended(rel: Relationship): void {
    const world = this.world;
    this.abortTransfer(rel);
    rel.cycle?.cancel();
    rel.cycle = null;
    this.bySource.set(rel.sourceId, this.sourcesOf(rel.sourceId).filter((r) => r !== rel));
    this.byTarget.delete(rel.targetId);
    const index = this.relationships.indexOf(rel);
    if (index >= 0) this.relationships.splice(index, 1);
    const source = world.vms.get(rel.sourceId)!;
    source.extendedReplication = null;
    world.touchVm(source, 'extendedReplication');
    Object.assign(this.targetRep(rel), { state: 'Error', health: 'Critical', pendingBytes: 0 });
    world.touchVm(world.vms.get(rel.targetId)!, 'replication');
    world.event('replication.removed', 'warning', `Extended replication of '${rel.name}' was removed on ${world.hosts.get(source.hostId)?.name ?? source.hostId}: the extended replica no longer receives changes.`, { vm: rel.name });
  }

  /** Complete-VMFailover: every other recovery point is deleted. */
  dropRecoveryPoints(rel: Relationship): void {
    rel.points = [];
  }

  linkFor(rel: Relationship): WanLink { return rel.link; }

  // Setup -------------------------------------------------------------------------------------------

  private add(source: Vm, target: Vm, kind: 'simple' | 'extended'): void {
    const world = this.world;
    const rep = (kind === 'simple' ? source.replication : source.extendedReplication)!;
    const now = world.now;
    const last = rep.lastReplicationTime ?? now;
    const rel = newRelationship(world, source, target, kind);
    wireRelationship(this.world, rel);
    this.relationships.push(rel);
    this.index(rel);
    const firstCycle = Math.max(now, last + rep.frequencySec * 1000);
    this.resumeCycle(rel, firstCycle);
  }

  // Snapshots ---------------------------------------------------------------------------------------

  /** Schedules the relationship's next cycle (also how a snapshot's pending cycles come back). */
  resumeCycle(rel: Relationship, at: number): void {
    rel.cycle = this.world.queue.at(at, () => this.runCycle(rel), rel);
  }

  /** Which relationships leave each source record, in their order, by index in `relationships`. */
  saveIndex(): [string, number[]][] {
    return [...this.bySource].map(([id, list]) => [id, list.map((rel) => this.relationships.indexOf(rel))]);
  }

  /** Replaces every relationship with a snapshot's (already wired to the restored records). */
  restoreState(relationships: Relationship[], bySource: [string, number[]][]): void {
    this.relationships.splice(0, this.relationships.length, ...relationships);
    this.bySource.clear();
    this.byTarget.clear();
    for (const [id, list] of bySource) this.bySource.set(id, list.map((i) => relationships[i]!));
    for (const rel of relationships) this.byTarget.set(rel.targetId, rel);
  }


  private index(rel: Relationship): void {
    const list = this.bySource.get(rel.sourceId) ?? [];
    list.push(rel);
    this.bySource.set(rel.sourceId, list);
    this.byTarget.set(rel.targetId, rel);
  }
}

const NO_DETAILS: string[] = [];

function invalid(message: string, where: string): ContractError {
  return new ContractError('invalid-state', message, where);
}
