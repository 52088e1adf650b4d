import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { ExtendedReplicationChoice, RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import type {
  Decision, FailoverTarget, FinishAction, GroupRun, PreflightReport, RunChange, RecoveryPointPolicy, RunEventBatch, RunListItem, RunSnapshot, RunType, VmRun,
} from '../../../shared/model/recovery-run.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AppendIo } from '../journal/durable-append.ts';
import { auditedBackend } from '../audit/audited-backend.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { ClockPort, LoggerPort } from '../ports.ts';
import { bootLimits, bootOrder, DEFAULT_DURATION_MODEL, type DurationModel } from './duration-model.ts';
import { resolvePlan } from './plan-resolver.ts';
import { labTcpProbe, simulatedScripts, type ScriptRunner, type TcpProbe } from './plan-step-runner.ts';
import { preflight } from './preflight.ts';
import { journalFile, listJournals, RunJournal } from './run-journal.ts';
import { discardJournal, readRunJournal, unreadableRun } from './damaged-run.ts';
import { newStep, RunExecutor, type FinishChoice } from './run-executor.ts';
import { MAIN_STEPS } from './vm-steps.ts';
import { OutageWatch } from './outage-watch.ts';
import { reverseReadiness } from './reverse-readiness.ts';
import { clockStartFor, primaryLastSeenAt, type LossSighting } from './run-clock.ts';
import { attestationsOf, newSignOff, recordedChecklist, type DrillRecord, type RunAttestations } from './drill-session.ts';
import { applyDrillChange, type DrillChecklistDraft, type SignOffVerdict } from '../../../shared/model/drill-session.ts';
import type { Role } from '../../../shared/contract/channels.ts';

interface RecoveryServiceOptions {
  backend: HyperVBackend;
  /** The current estate (the estate store satisfies this). */
  estate: { snapshot(): EstateSnapshot };
  dataDir: string;
  clock: BackendClock;
  wallClock: ClockPort;
  audit: AuditLog;
  logger: LoggerPort;
  publish(batch: RunEventBatch): void;
  scripts?: ScriptRunner;
  tcp?: TcpProbe;
  durationModel?: DurationModel;
  /** A rehearsal's journals write without fsync: a copy of the estate has nothing to survive. */
  journalIo?: AppendIo;
}

interface StartRunRequest {
  plan: RecoveryPlan;
  type: RunType;
  policy: RecoveryPointPolicy;
  target?: FailoverTarget;
  /** Overrides the plan's settings.extendedReplication for this run (kept in the journaled header). */
  extendedReplication?: ExtendedReplicationChoice;
  acceptedWarnings: string[];
  confirmText?: string;
  actor: string;
  /** The drill's checklist, filled in before the start. */
  checklist?: DrillChecklistDraft;
}

/** Runs: start, find again after a restart, reconcile and resume, operator decisions, finish. */
export class RecoveryService {
  private readonly options: RecoveryServiceOptions;
  private readonly runs = new Map<string, { executor: RunExecutor; journal: RunJournal }>();
  /** Runs whose journal had unreadable lines (kept aside): shown as needing attention. */
  private readonly damaged = new Map<string, string[]>();
  /** Runs whose journal has no readable header: listed, never silently dropped, but cannot be opened. */
  private readonly unreadable = new Map<string, RunListItem>();
  private disposed = false;
  /** When the estate saw hosts go down: the start of the disaster clock. */
  readonly outages: OutageWatch;
  private readonly stopWatching: () => void;

  constructor(options: RecoveryServiceOptions) {
    this.options = options;
    this.outages = new OutageWatch(options.estate, { file: join(options.dataDir, 'outages', 'outages.json'), logger: options.logger });
    this.stopWatching = options.backend.onEvents((events) => this.outages.observe(events));
  }

  /** Finds every journalled run; unfinished ones are resumed (each step re-reads the backend first). */
  init(): void {
    for (const file of listJournals(this.options.dataDir)) {
      const read = readRunJournal(file, this.options.logger);
      if ('unreadable' in read) { this.unreadable.set(read.unreadable.id, read.unreadable); continue; }
      const { records, damage } = read;
      const snapshot = fold(records.map((r) => r.change), records.at(-1)?.seq ?? 0);
      if (!snapshot) {
        if (damage.length > 0) { const item = unreadableRun(file, damage); this.unreadable.set(item.id, item); continue; }
        // Empty: the run's first write failed, so its start was refused; there is nothing to show.
        this.options.logger.warn('A run journal without a header was ignored', { file });
        continue;
      }
      if (damage.length > 0) this.damaged.set(snapshot.id, damage);
      const unfinished = snapshot.status === 'running' || snapshot.status === 'aborting' || snapshot.status === 'finishing';
      const journal = this.openJournal(snapshot.id, snapshot.seq);
      const executor = new RunExecutor(snapshot, journal, this.environment(snapshot), unfinished);
      this.runs.set(snapshot.id, { executor, journal });
      if (unfinished) {
        this.options.logger.info('Resuming an interrupted recovery run', { runId: snapshot.id, status: snapshot.status });
        this.reconcileInterrupted(executor);
        executor.resume();
      }
    }
  }

  resolve(plan: RecoveryPlan, type: RunType = 'unplanned-failover', target: FailoverTarget = 'dr') {
    return resolvePlan(plan, this.options.estate.snapshot(), type, target);
  }

  async preflight(plan: RecoveryPlan, type: RunType, policy: RecoveryPointPolicy, target: FailoverTarget = 'dr'): Promise<PreflightReport> {
    if (target === 'extended' && type !== 'unplanned-failover') {
      throw new ContractError('bad-request', `Only an unplanned failover can go to the extended replica (this is a ${type}).`, 'target');
    }
    const estate = this.options.estate.snapshot();
    const resolved = resolvePlan(plan, estate, type, target);
    return preflight({ plan, resolved, estate, backend: this.options.backend, type, policy, now: this.options.clock.now(), heldBy: this.heldVms() });
  }

  async start(request: StartRunRequest): Promise<RunSnapshot> {
    const { plan, type, policy } = request;
    if (type !== 'test-failover' && request.confirmText !== plan.name) {
      throw new ContractError('bad-request', `A ${type.replace('-', ' ')} changes production: type the plan name "${plan.name}" to confirm.`, 'confirmText');
    }
    const report = await this.preflight(plan, type, policy, request.target);
    if (report.blockers.length > 0) {
      throw new ContractError('invalid-state', `Preflight found ${report.blockers.length} blocker${report.blockers.length > 1 ? 's' : ''}: ${report.blockers.map((b) => b.message).join(' ')}`, report.blockers[0]!.id);
    }
    const unaccepted = report.warnings.filter((w) => !request.acceptedWarnings.includes(w.id));
    if (unaccepted.length > 0) {
      throw new ContractError('invalid-state', `Accept or fix each preflight warning first: ${unaccepted.map((w) => w.message).join(' ')}`, unaccepted[0]!.id);
    }
    const snapshot = this.buildRun(request, report);
    const journal = this.openJournal(snapshot.id, 0);
    journal.record({ type: 'run', value: headerOf(snapshot) });
    for (const group of snapshot.groups) journal.record({ type: 'group', value: group });
    for (const vm of snapshot.vms) journal.record({ type: 'vm', value: vm });
    if (snapshot.checklist) journal.record({ type: 'checklist', value: snapshot.checklist });
    try {
      journal.flush();
    } catch (error) {
      // Not on disk (the disk is full): the run never started, and leaves no empty journal behind.
      discardJournal(journal);
      throw error;
    }
    const executor = new RunExecutor({ ...snapshot, seq: journal.lastSeq }, journal, this.environment(snapshot));
    this.runs.set(snapshot.id, { executor, journal });
    executor.resume();
    return executor.snapshot();
  }

  list(): RunListItem[] {
    return [...this.runs.values()].map(({ executor }): RunListItem => {
      const vms = [...executor.vms.values()];
      const damage = this.damaged.get(executor.header.id);
      return {
        ...executor.header, ...(damage ? { journalDamage: damage } : {}), vmCount: vms.length,
        vmsDone: vms.filter((v) => v.status === 'done').length,
        waitingForOperator: vms.filter((v) => v.status === 'waiting-operator').length
          + executor.groups.reduce((n, g) => n + [...g.before, ...g.after].filter((s) => s.status === 'waiting-operator').length, 0),
      };
    }).concat([...this.unreadable.values()]).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Every readable run of a plan, whole (a run whose journal has no header cannot be charted). */
  runsOf(planId: string): RunSnapshot[] {
    return [...this.runs.values()].filter(({ executor }) => executor.header.planId === planId).map(({ executor }) => executor.snapshot());
  }

  get(runId: string): RunSnapshot {
    const damage = this.damaged.get(runId);
    return { ...this.executor(runId).snapshot(), ...(damage ? { journalDamage: damage } : {}) };
  }

  decide(runId: string, target: { vm?: string; stepId?: string }, decision: Decision, actor: string): RunSnapshot {
    const executor = this.executor(runId);
    executor.decide(target, decision, actor);
    this.options.audit.append({ at: this.options.wallClock.now(), actor, action: `recovery decision: ${decision}`, target: `${runId} ${target.vm ?? target.stepId ?? ''}`.trim(), result: 'ok' });
    return executor.snapshot();
  }

  confirm(runId: string, stepId: string, actor: string): RunSnapshot {
    const executor = this.executor(runId);
    executor.confirm(stepId, actor);
    this.options.audit.append({ at: this.options.wallClock.now(), actor, action: 'recovery manual step confirmed', target: `${runId} ${stepId}`, result: 'ok' });
    return executor.snapshot();
  }

  abort(runId: string, actor: string): RunSnapshot {
    const executor = this.executor(runId);
    executor.abort(actor);
    this.options.audit.append({ at: this.options.wallClock.now(), actor, action: 'recovery run aborted', target: runId, result: 'ok' });
    return executor.snapshot();
  }

  /**
   * Reverse checks first that replication can go back (reverseReadiness): when it cannot, it is
   * refused with the reason, or with `whenReady` it waits (journaled) and starts once it can.
   */
  finish(runId: string, action: FinishAction, actor: string, options: { whenReady?: boolean } & FinishChoice = {}): RunSnapshot {
    const executor = this.executor(runId);
    const choice: FinishChoice = { ...(options.policy ? { policy: options.policy } : {}), ...(options.vms ? { vms: options.vms } : {}) };
    executor.assertCanFinish(action, choice);
    const problems = this.readiness(action, [...executor.vms.values()].filter((vm) => vm.timing.failoverDoneAt !== null));
    if (problems.length > 0 && !options.whenReady) {
      throw new ContractError('invalid-state', `Replication cannot be reversed yet. ${problems.join(' ')} Reverse once that is fixed, or choose to reverse when ready and Standby waits for it.`, action);
    }
    executor.finish(action, actor, problems.length > 0 ? problems.join(' ') : null, choice);
    const detail = [...problems, ...choiceWords(choice)].join(' ');
    this.options.audit.append({ at: this.options.wallClock.now(), actor, action: `recovery finish: ${action}${problems.length > 0 ? ' (waiting until ready)' : ''}`, target: runId, result: 'ok', ...(detail ? { detail } : {}) });
    return executor.snapshot();
  }

  /**
   * An application owner's verdict on the running test copies, attributed to the caller; journaled
   * and fsync'd (the request settles the journal) before it is answered.
   */
  signOff(runId: string, input: { application: string; verdict: SignOffVerdict; note?: string | undefined }, actor: string, accessRole: Role): RunSnapshot {
    const executor = this.executor(runId);
    const copiesRunning = [...executor.vms.values()].some((vm) => vm.timing.failoverDoneAt !== null);
    const signOff = newSignOff(executor.header, executor.drill, { ...input, actor, accessRole, at: this.options.wallClock.now(), runAt: this.options.clock.now(), copiesRunning });
    executor.recordDrill({ type: 'signoff', value: signOff });
    this.runs.get(runId)!.journal.flush();
    this.options.audit.append({
      at: signOff.at, actor, action: `drill sign-off: ${signOff.verdict}`, target: `${runId} ${signOff.application}`, result: 'ok',
      ...(signOff.note ? { detail: signOff.note } : {}),
    });
    return executor.snapshot();
  }

  /** What the run's evidence attests: its checklist and every sign-off (drill-session.ts). */
  attestations(runId: string): RunAttestations {
    return attestationsOf(this.executor(runId).drill);
  }

  /** One decision for every VM failing for the same reason, audited once with the VMs it covered. */
  decideAll(runId: string, reasonKey: string, decision: Exclude<Decision, 'abort'>, actor: string): { run: RunSnapshot; decided: string[] } {
    const executor = this.executor(runId);
    const decided = executor.decideAll(reasonKey, decision);
    this.options.audit.append({
      at: this.options.wallClock.now(), actor, action: `recovery decision for all: ${decision}`, target: `${runId} (${decided.length} VMs)`, result: 'ok',
      detail: `${reasonKey.split('|').slice(2).join('|')} — ${decided.join(', ')}`,
    });
    return { run: executor.snapshot(), decided };
  }

  private readiness(action: FinishAction, vms: readonly VmRun[]): string[] {
    return action === 'reverse' ? reverseReadiness(vms, this.options.estate.snapshot(), this.options.backend.siteReach()) : [];
  }

  /** Resolves when the run has nothing left to do on its own (done, or waiting for a person). */
  whenIdle(runId: string): Promise<void> { return this.executor(runId).whenIdle(); }

  executor(runId: string): RunExecutor {
    const run = this.runs.get(runId);
    const unreadable = this.unreadable.get(runId);
    if (!run && unreadable) throw new ContractError('invalid-state', `The journal of run "${runId}" cannot be read: ${unreadable.journalDamage?.[0] ?? 'it is damaged'}.`, runId);
    if (!run) throw new ContractError('not-found', `There is no recovery run "${runId}".`, runId);
    return run.executor;
  }

  /** Stops every executor without recording anything: runs resume where they were on the next start. */
  dispose(): void {
    this.disposed = true;
    this.stopWatching();
    for (const { executor, journal } of this.runs.values()) {
      executor.stop();
      journal.close({ flush: true });
    }
    this.runs.clear();
  }

  private heldVms(): Map<string, string> {
    const held = new Map<string, string>();
    for (const { executor } of this.runs.values()) {
      const h = executor.header;
      const cleanedUp = h.finishes.some((f) => f.action === 'cleanup' && f.status === 'done');
      const active = h.status === 'running' || h.status === 'aborting' || h.status === 'finishing' || (h.type === 'test-failover' && !cleanedUp);
      if (!active) continue;
      for (const vm of executor.vms.values()) held.set(vm.name, h.id);
    }
    return held;
  }

  private buildRun(request: StartRunRequest, preflight: PreflightReport): RunSnapshot {
    const { plan, type, policy, actor } = request;
    const target = request.target ?? 'dr';
    const estate = this.options.estate.snapshot();
    const resolved = resolvePlan(plan, estate, type, target);
    const model = this.options.durationModel ?? DEFAULT_DURATION_MODEL;
    const limits = bootLimits(plan.settings, model);
    const startedAt = this.options.clock.now();
    const clockStart = clockStartFor(type, startedAt, this.lossFor(resolved.members, estate, target));
    const id = `${new Date(this.options.wallClock.now()).toISOString().slice(0, 19).replace(/[:T]/g, '')}-${type}-${randomUUID().slice(0, 8)}`;
    const vms: VmRun[] = [];
    plan.groups.forEach((_group, g) => {
      const members = resolved.members.filter((m) => m.group === g);
      const order = bootOrder(members.map((m) => ({
        name: m.name, host: m.targetHost, cluster: m.targetCluster, memoryBytes: m.target.memoryBytes, database: m.target.tags.includes('sql'),
      })), model);
      const rank = new Map(order.map((name, i) => [name, i]));
      for (const m of members) {
        vms.push({
          name: m.name, vmId: m.vmId, group: g, order: rank.get(m.name)!, sourceHost: m.sourceHost, targetHost: m.targetHost,
          targetCluster: m.targetCluster, memoryBytes: m.target.memoryBytes, cpuCount: m.target.cpuCount, dependsOn: m.dependsOn,
          status: 'pending', steps: MAIN_STEPS[type].map((kind) => newStep(kind, 'main')),
          timing: { startedAt: null, failoverDoneAt: null, runningAt: null, heartbeatAt: null, healthyAt: null },
          rtoSec: null, rpoSec: null, recoveryPoint: null, tier: m.target.tier,
          rpoMeasuredTo: type === 'unplanned-failover' ? primaryLastSeenAt(this.outages.hostDownAt(m.sourceHost), clockStart) : null,
        });
      }
    });
    const groups: GroupRun[] = plan.groups.map((group, g) => ({
      index: g, name: group.name, status: 'pending', startedAt: null, endedAt: null,
      before: group.before.map((spec, i) => planStepRun(`g${g}-before-${i}`, spec)),
      after: group.after.map((spec, i) => planStepRun(`g${g}-after-${i}`, spec)),
    }));
    return {
      id, planId: plan.id, planName: plan.name, planRevision: plan.revision, type, ...(target === 'extended' ? { target } : {}), policy, status: 'running', createdBy: actor,
      startedAt, mainEndedAt: null, endedAt: null, rtoTargetSec: plan.settings.rtoTargetSec, clockStart,
      // The run records the boot limits it used, the plan's or the hardware defaults, for the report.
      settings: { ...plan.settings, maxBootsPerHost: limits.perHost, maxBootsPerCluster: limits.perCluster, extendedReplication: request.extendedReplication ?? plan.settings.extendedReplication },
      finishes: [], resumedCount: 0, abortedBy: null, preflight, acceptedWarnings: request.acceptedWarnings, seq: 0, groups, vms,
      ...(request.checklist ? { checklist: recordedChecklist(request.checklist, actor, this.options.wallClock.now()) } : {}),
    };
  }

  /** The loss an unplanned failover of this plan started now would count its RTO from (null: none seen). */
  lossBefore(plan: RecoveryPlan, type: RunType, target: FailoverTarget = 'dr'): LossSighting | null {
    const estate = this.options.estate.snapshot();
    return this.lossFor(resolvePlan(plan, estate, type, target).members, estate, target);
  }

  private lossFor(members: ReturnType<typeof resolvePlan>['members'], estate: EstateSnapshot, target: FailoverTarget): LossSighting | null {
    // Failing over to the third copy answers the loss of both sites before it: the earlier one counts.
    const lostSites = members.flatMap((m) => (target === 'extended' ? [m.source.siteId, ...Object.values(estate.sites).filter((s) => s.role === 'primary').map((s) => s.id)] : [m.source.siteId]));
    return this.lossOf(lostSites);
  }

  /** Every run that can be read, whole: the history a prediction calibrates from. */
  history(): RunSnapshot[] {
    return [...this.runs.values()].map(({ executor }) => executor.snapshot());
  }

  /** The earliest dated loss among the sites the run's VMs come from. */
  private lossOf(siteIds: readonly string[]): LossSighting | null {
    let first: LossSighting | null = null;
    for (const siteId of new Set(siteIds)) {
      const loss = this.outages.lossOf(siteId);
      if (loss && (!first || loss.at < first.at)) first = loss;
    }
    return first;
  }

  /** Steps caught mid-flight by the crash are re-run; their first act is to read the backend. */
  private reconcileInterrupted(executor: RunExecutor): void {
    executor.header = { ...executor.header, resumedCount: executor.header.resumedCount + 1 };
    const journal = this.runs.get(executor.header.id)!.journal;
    journal.record({ type: 'run', value: executor.header });
  }

  private openJournal(runId: string, lastSeq: number): RunJournal {
    return new RunJournal(journalFile(this.options.dataDir, runId), lastSeq, () => this.options.wallClock.now(), (changes, seq) => {
      if (!this.disposed) this.options.publish({ runId, seq, changes });
    }, (error) => this.options.logger.error(error.message, { runId }), this.options.journalIo);
  }

  private environment(run: { id: string; createdBy: string }) {
    const o = this.options;
    const backend = auditedBackend(o.backend, o.audit, {
      actor: run.createdBy, now: () => o.wallClock.now(), backendNow: () => o.clock.now(), context: { runId: run.id },
    });
    const hostOf = (name: string) => this.runs.get(run.id)?.executor.vms.get(name)?.targetHost;
    return {
      backend, clock: o.clock, logger: o.logger,
      readiness: (action: FinishAction, vms: readonly VmRun[]) => this.readiness(action, vms),
      scripts: o.scripts ?? simulatedScripts(o.clock),
      tcp: o.tcp ?? labTcpProbe(o.backend, hostOf),
    };
  }
}

/** A repoint's or cancel's choice, for the audit line. */
function choiceWords(choice: FinishChoice): string[] {
  const words: string[] = [];
  if (choice.policy) {
    words.push(`Recovery point: ${choice.policy.kind === 'point-in-time' ? `newest at or before ${new Date(choice.policy.at).toISOString()}` : choice.policy.kind}.`);
  }
  if (choice.vms) words.push(`VMs: ${choice.vms.join(', ')}.`);
  return words;
}

function planStepRun(id: string, spec: RecoveryPlan['groups'][number]['before'][number]) {
  const label = spec.kind === 'script' || spec.kind === 'manual' ? spec.name : spec.name ?? (
    spec.kind === 'delay' ? `Wait ${spec.seconds} s` : spec.kind === 'wait-tcp' ? `Wait for ${spec.host}:${spec.port}` : `Wait for ${spec.vm} healthy`);
  return {
    id, kind: spec.kind, label, instructions: spec.kind === 'manual' ? spec.instructions : null,
    status: 'pending' as const, attempts: 0, startedAt: null, endedAt: null, error: null, confirmedBy: null, spec,
  };
}

function headerOf(snapshot: RunSnapshot) {
  const { seq: _s, groups: _g, vms: _v, checklist: _c, signOffs: _o, ...header } = snapshot;
  return header;
}

/** Replays a journal: each change replaces the part it names. */
function fold(changes: readonly RunChange[], seq: number): RunSnapshot | null {
  let header: ReturnType<typeof headerOf> | null = null;
  const groups = new Map<number, GroupRun>();
  const vms = new Map<string, VmRun>();
  let drill: DrillRecord = {};
  for (const change of changes) {
    if (change.type === 'run') header = change.value;
    else if (change.type === 'group') groups.set(change.value.index, change.value);
    else if (change.type === 'vm') vms.set(change.value.name, change.value);
    else drill = applyDrillChange(drill, change);
  }
  if (!header) return null;
  return { ...header, seq, groups: [...groups.values()].sort((a, b) => a.index - b.index), vms: [...vms.values()], ...drill };
}
