import { ContractError } from '../../../shared/contract/errors.ts';
import { heartbeatIsUp, heartbeatRequirementOf, type ExtendedReplicationChoice, type HeartbeatRequirement, type VmStepKind } from '../../../shared/model/recovery-plan.ts';
import type {
  Decision, FinishAction, GroupRun, PlanStepRun, RecoveryPointPolicy, RunHeader, RunSnapshot, StepError, VmRun, VmStep,
} from '../../../shared/model/recovery-run.ts';
import { failureReason } from '../../../shared/model/recovery-run.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { LoggerPort } from '../ports.ts';
import { BootGate } from './boot-gate.ts';
import { runPlanStep, withTimeout, type ScriptRunner, type TcpProbe } from './plan-step-runner.ts';
import type { RunJournal } from './run-journal.ts';
import type { DrillRecord } from './drill-session.ts';
import { applyDrillChange } from '../../../shared/model/drill-session.ts';
import { clockOf, drillRpoSec, unplannedRpoSec } from './run-clock.ts';
import { act, bootTarget, CHECKED_FIRST, chooseRecoveryPoint, inProgress, isDone, isTransient, readVm, type StepContext, type StepOutcome } from './vm-steps.ts';

/** Per-kind defaults (seconds) when the plan sets none: generous, a boot storm is slow. */
const DEFAULT_STEP_TIMEOUT_SEC: Record<VmStepKind, number> = {
  'shutdown-primary': 900, prepare: 3600, failover: 900, 'test-failover': 900, reverse: 900,
  start: 600, heartbeat: 3600, commit: 600, cleanup: 600,
  'turn-off': 300, 'revert-failover': 900, 'cancel-prepare': 900, 'start-primary': 600,
};

/** The steps each VM goes through when a finish action takes its failover back (issue 11). */
const TAKE_BACK_STEPS: Record<'repoint' | 'cancel', VmStepKind[]> = {
  repoint: ['turn-off', 'revert-failover', 'failover', 'start', 'heartbeat'],
  cancel: ['cancel-prepare', 'start-primary'],
};

/** How often a VM the operator told to wait, or a finish action waiting for its site, tries again. */
export const WAIT_RETRY_SEC = 30;

interface ExecutorEnvironment {
  /** Already audited for this run's actor. */
  backend: HyperVBackend;
  clock: BackendClock;
  logger: LoggerPort;
  scripts: ScriptRunner;
  tcp: TcpProbe;
  /** What keeps a finish action from starting now (the other site down, hosts down); empty: ready. */
  readiness?: (action: FinishAction, vms: readonly VmRun[]) => string[];
}

const ABORTED = new ContractError('invalid-state', 'The run was aborted.');
type Outcome = 'done' | 'skipped' | 'aborted';

/**
 * Executes one run. All state lives in the snapshot; every change goes through the journal, which
 * tells listeners only after fsync. Steps check the backend's real state before acting, so running
 * this again on a reloaded journal (after a crash) never repeats an operation that happened.
 */
export class RunExecutor {
  header: RunHeader;
  groups: GroupRun[];
  readonly vms: Map<string, VmRun>;
  /** The drill session (checklist, sign-offs): recorded by people, never by the steps. */
  drill: DrillRecord;
  private readonly journal: RunJournal;
  private readonly env: ExecutorEnvironment;
  private readonly gate: BootGate;
  private readonly waiters = new Map<string, (decision: Decision | 'confirm') => void>();
  private stopped = false;
  /** Rebuilt from a journal after a restart: every step checks the backend before acting. */
  private readonly recovered: boolean;
  private running: Promise<void> | null = null;
  /** Backend operations issued, by step kind: tests and the bench count them. */
  readonly calls = new Map<VmStepKind, number>();
  /** The backend's line counters when this executor was made, and the run's count journaled before it. */
  private wireBase: Record<string, number> | null;
  private wireCarried: Record<string, number>;

  constructor(snapshot: RunSnapshot, journal: RunJournal, env: ExecutorEnvironment, recovered = false) {
    this.recovered = recovered;
    const { seq: _seq, groups, vms, checklist, signOffs, ...header } = snapshot;
    this.header = header;
    this.drill = { ...(checklist ? { checklist } : {}), ...(signOffs ? { signOffs } : {}) };
    this.groups = groups;
    this.vms = new Map(vms.map((v) => [v.name, v]));
    this.journal = journal;
    this.env = env;
    this.gate = new BootGate(env.clock, { perHost: header.settings.maxBootsPerHost, perCluster: header.settings.maxBootsPerCluster }, (vm) => this.dependenciesMet(vm));
    this.wireBase = env.backend.linesBySite?.() ?? null;
    this.wireCarried = header.wire?.linesBySite ?? {};
  }

  snapshot(): RunSnapshot {
    return { ...this.header, ...this.wire(), seq: this.journal.lastSeq, groups: this.groups, vms: [...this.vms.values()], ...this.drill };
  }

  /**
   * Lines sent so far: what the journal carried from before a restart, plus what the backend counted
   * since this executor was made. Journaled with every header change; live in every snapshot.
   */
  private wire(): Pick<RunHeader, 'wire'> {
    // At rest (completed, aborted, between the main part and a finish) the journaled figure stands.
    if (this.header.status === 'completed' || this.header.status === 'aborted') return {};
    const now = this.env.backend.linesBySite?.();
    if (!now || !this.wireBase) return {};
    const linesBySite: Record<string, number> = { ...this.wireCarried };
    for (const [site, lines] of Object.entries(now)) linesBySite[site] = (linesBySite[site] ?? 0) + Math.max(0, lines - (this.wireBase[site] ?? 0));
    return { wire: { linesBySite } };
  }

  /** Journals a checklist or a sign-off; it is durable (and told) with the rest of this burst. */
  recordDrill(change: Extract<Parameters<RunJournal['record']>[0], { type: 'checklist' | 'signoff' }>): void {
    if (this.stopped) throw new ContractError('invalid-state', 'The console is shutting down; give the sign-off again after it restarts.');
    this.drill = applyDrillChange(this.drill, change);
    this.journal.record(change);
  }

  /** A method, not a narrowed field read: the status changes while this code awaits. */
  private aborting(): boolean { return this.header.status === 'aborting'; }

  get busy(): boolean { return this.running !== null; }

  /** Starts (or, after a restart, resumes) whatever the run still has to do. */
  resume(): void {
    if (this.running || this.stopped) return;
    const status = this.header.status;
    if (status === 'completed' || status === 'aborted') return;
    const work = status === 'finishing' ? this.runFinish(this.header.finishes.at(-1)!.action) : this.runMain();
    this.running = work.catch((error: unknown) => {
      this.env.logger.error('A recovery run stopped on an unexpected error', { runId: this.header.id, error: String(error) });
    }).finally(() => { this.running = null; });
  }

  /** Stops without recording anything further (console shutting down): the run resumes on restart. */
  stop(): void {
    this.stopped = true;
    this.gate.cancelAll(ABORTED);
    for (const wake of this.waiters.values()) wake('abort');
    this.waiters.clear();
  }

  whenIdle(): Promise<void> { return this.running ?? Promise.resolve(); }

  // Operator --------------------------------------------------------------------------------------

  decide(target: { vm?: string; stepId?: string }, decision: Decision, actor: string): void {
    if (decision === 'abort') { this.abort(actor); return; }
    const key = target.vm ? `vm:${target.vm}` : `step:${target.stepId}`;
    const wake = this.waiters.get(key);
    if (!wake) throw new ContractError('invalid-state', `${target.vm ? `'${target.vm}'` : `Step ${target.stepId}`} is not waiting for a decision.`, target.vm ?? target.stepId);
    this.waiters.delete(key);
    wake(decision);
  }

  /**
   * One decision for every VM waiting on the same failure (failureReason's key): the 596 VMs that
   * could not reach the same host are one question, not 596. Answers the VMs it decided for.
   */
  decideAll(reasonKey: string, decision: Exclude<Decision, 'abort'>): string[] {
    const decided: string[] = [];
    for (const vm of this.vms.values()) {
      if (failureReason(vm)?.key !== reasonKey) continue;
      const wake = this.waiters.get(`vm:${vm.name}`);
      if (!wake) continue;
      this.waiters.delete(`vm:${vm.name}`);
      wake(decision);
      decided.push(vm.name);
    }
    if (decided.length === 0) throw new ContractError('invalid-state', 'No VM is waiting on that failure any more: the list changed; look again.', 'reason');
    return decided;
  }

  confirm(stepId: string, actor: string): void {
    const wake = this.waiters.get(`step:${stepId}`);
    const step = this.findPlanStep(stepId);
    if (!wake || !step || step.step.spec.kind !== 'manual' || step.step.status !== 'waiting-operator' || step.step.error) {
      throw new ContractError('invalid-state', `Step ${stepId} is not a manual step waiting for confirmation.`, stepId);
    }
    this.setPlanStep(stepId, { confirmedBy: actor });
    this.waiters.delete(`step:${stepId}`);
    wake('confirm');
  }

  abort(actor: string): void {
    if (this.header.status !== 'running' && this.header.status !== 'finishing') {
      throw new ContractError('invalid-state', `The run is ${this.header.status}; only a running run can be aborted.`);
    }
    this.setHeader({ status: 'aborting', abortedBy: actor });
    this.gate.cancelAll(ABORTED);
    const waiting = [...this.waiters.values()];
    this.waiters.clear();
    for (const wake of waiting) wake('abort');
  }

  /** `waitingFor`: the precheck's problems; the action then waits for them to clear before it starts. */
  finish(action: FinishAction, actor: string, waitingFor: string | null = null, choice: FinishChoice = {}): void {
    this.assertCanFinish(action, choice);
    const record = { action, status: waitingFor ? 'waiting' as const : 'running' as const, waitingFor, startedAt: this.env.clock.now(), endedAt: null, by: actor, ...choice };
    this.setHeader({ status: 'finishing', finishes: [...this.header.finishes, record] });
    this.resume();
  }

  assertCanFinish(action: FinishAction, choice: FinishChoice = {}): void {
    const { type, status } = this.header;
    if (status !== 'completed' && status !== 'aborted') throw new ContractError('invalid-state', `Finish actions wait until the run has stopped (it is ${status}).`);
    const allowed: Record<FinishAction, boolean> = {
      cleanup: type === 'test-failover',
      commit: type === 'unplanned-failover',
      reverse: type === 'unplanned-failover',
      repoint: type === 'unplanned-failover',
      cancel: type === 'planned-failover' || type === 'failback',
    };
    if (!allowed[action]) throw new ContractError('invalid-state', `${action} does not apply to a ${type} run.`);
    if (action === 'repoint' || action === 'cancel') { this.assertCanTakeBack(action, choice); return; }
    if (this.header.finishes.some((f) => f.action === action && f.status === 'done')) throw new ContractError('invalid-state', `${action} was already done for this run.`);
    if (action === 'reverse' && this.header.target === 'extended') {
      // Hyper-V reverses an extended chain only from its primary site (the lab's failover.ts refuses the same).
      throw new ContractError('invalid-state', 'Replication from an extended replica cannot be reversed on its own: bring the DR site back and replicate from there first.');
    }
  }

  /**
   * Another recovery point only before the failover is completed or reversed (Complete-VMFailover
   * deletes the other points; Stop-VMFailover is refused after it); cancel only for VMs prepared and
   * not failed over. Chosen VMs must be ones the action applies to.
   */
  private assertCanTakeBack(action: 'repoint' | 'cancel', choice: FinishChoice): void {
    if (action === 'repoint' && !choice.policy) throw new ContractError('bad-request', 'Say which recovery point to fail over to.', 'policy');
    const eligible = new Set(this.takeBackTargets(action).map((vm) => vm.name));
    const committed = [...this.vms.values()].map(finalStep).find((kind) => kind !== null);
    if (eligible.size === 0) {
      throw new ContractError('invalid-state', action === 'cancel'
        ? 'No VM of this run is prepared and not failed over: there is no planned failover to cancel.'
        : committed ? NOT_TAKEN_BACK[committed] : 'No VM of this run is failed over: there is no failover to take another recovery point for.', action);
    }
    for (const name of choice.vms ?? []) {
      const vm = this.vms.get(name);
      if (!vm) throw new ContractError('bad-request', `'${name}' is not a VM of this run.`, 'vms');
      if (eligible.has(name)) continue;
      const final = finalStep(vm);
      throw new ContractError('invalid-state', action === 'cancel'
        ? `'${name}' is not between Prepare and failover: there is nothing to cancel.`
        : final ? `'${name}': ${NOT_TAKEN_BACK[final]}` : `'${name}' is not failed over: there is no failover to take another recovery point for.`, 'vms');
    }
  }

  /**
   * The VMs repoint (failed over, or reverted by an earlier repoint that stopped half-way) or cancel
   * (the primary shut down or prepared by the run, the replica not failed over) applies to.
   */
  private takeBackTargets(action: 'repoint' | 'cancel', chosen?: readonly string[]): VmRun[] {
    return [...this.vms.values()].filter((vm) => {
      if (chosen && !chosen.includes(vm.name)) return false;
      if (action === 'repoint') return (vm.timing.failoverDoneAt !== null || vm.steps.some((s) => s.phase === 'repoint')) && finalStep(vm) === null;
      if (vm.timing.failoverDoneAt !== null || vm.steps.some((s) => s.phase === 'main' && s.kind === 'failover' && s.status === 'done')) return false;
      return vm.status !== 'cancelled' && vm.steps.some((s) => s.phase === 'main' && (s.kind === 'prepare' || s.kind === 'shutdown-primary') && s.status === 'done');
    });
  }

  // Main phase ------------------------------------------------------------------------------------

  private async runMain(): Promise<void> {
    if (this.header.resumedCount > 0) this.env.logger.info('Resuming recovery run', { runId: this.header.id });
    for (const group of this.groups) {
      if (this.stopped) return;
      if (group.status === 'done') continue;
      if (this.aborting()) break;
      if (group.status === 'pending') this.setGroup(group.index, { status: 'running', startedAt: this.env.clock.now() });
      for (const step of group.before) if (await this.runPlanStepWithDecisions(group.index, step.id) === 'aborted') break;
      if (!this.aborting()) await this.runGroupVms(group.index);
      if (this.stopped) return;
      if (!this.aborting()) {
        for (const step of group.after) if (await this.runPlanStepWithDecisions(group.index, step.id) === 'aborted') break;
      }
      if (this.stopped) return;
      this.setGroup(group.index, { status: this.aborting() ? 'aborted' : 'done', endedAt: this.env.clock.now() });
    }
    if (this.stopped) return;
    const now = this.env.clock.now();
    if (this.aborting()) {
      for (const vm of this.vms.values()) {
        if (vm.status === 'pending' || vm.status === 'running' || vm.status === 'waiting-operator') {
          this.setVm(vm.name, { status: 'aborted', steps: vm.steps.map((s) => (s.status === 'done' || s.status === 'skipped' ? s : { ...s, status: 'aborted' })) });
        }
      }
      for (const g of this.groups) if (g.status !== 'done') this.setGroup(g.index, { status: 'aborted', endedAt: g.endedAt ?? now });
      this.setHeader({ status: 'aborted', mainEndedAt: now, endedAt: now });
    } else {
      this.setHeader({ status: 'completed', mainEndedAt: now, endedAt: now });
    }
  }

  private async runGroupVms(groupIndex: number): Promise<void> {
    const members = [...this.vms.values()].filter((v) => v.group === groupIndex).sort((a, b) => a.order - b.order);
    await this.runPool(members, (vm) => this.runVm(vm.name, 'main'));
  }

  /** At most maxParallelVms at once, in boot order. */
  private async runPool(vms: VmRun[], work: (vm: VmRun) => Promise<unknown>): Promise<void> {
    const limit = this.header.settings.maxParallelVms ?? vms.length;
    let next = 0;
    const lane = async () => {
      while (next < vms.length && !this.stopped) {
        const vm = vms[next++]!;
        await work(vm);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, vms.length) }, lane));
  }

  private async runVm(name: string, phase: VmStep['phase'], round?: number): Promise<Outcome> {
    let vm = this.vms.get(name)!;
    if (vm.status === 'done' && phase === 'main') return 'done';
    if (vm.status === 'skipped' || vm.status === 'aborted') return vm.status;
    if (vm.status === 'pending' || vm.status === 'done') {
      this.setVm(name, { status: 'running', timing: vm.timing.startedAt === null ? { ...vm.timing, startedAt: this.env.clock.now() } : vm.timing });
    }
    for (let i = 0; i < vm.steps.length; i++) {
      vm = this.vms.get(name)!;
      const step = vm.steps[i]!;
      if (step.phase !== phase || step.round !== round || step.status === 'done' || step.status === 'skipped') continue;
      const outcome = await this.runVmStep(name, i);
      if (this.stopped) return 'aborted';
      if (outcome !== 'done') {
        this.setVm(name, { status: outcome });
        this.releaseBoot(name);
        this.gate.poke();
        return outcome;
      }
    }
    this.setVm(name, { status: 'done' });
    this.releaseBoot(name);
    this.gate.poke();
    return 'done';
  }

  private async runVmStep(name: string, index: number): Promise<Outcome> {
    const settings = this.header.settings;
    for (;;) {
      if (this.stopped) return 'aborted';
      let step = this.vms.get(name)!.steps[index]!;
      if (step.status === 'waiting-operator' || step.status === 'failed') {
        const decision = await this.waitFor(`vm:${name}`);
        if (this.stopped || decision === 'abort' || this.aborting()) { this.setStep(name, index, { status: 'aborted' }); return 'aborted'; }
        if (decision === 'skip') { this.setStep(name, index, { status: 'skipped', endedAt: this.env.clock.now() }); return 'skipped'; }
        if (decision === 'wait') {
          this.setStep(name, index, { status: 'pending', attempts: 0, waitRetry: true, note: `waiting: tried again every ${WAIT_RETRY_SEC} s until it succeeds` });
          this.setVm(name, { status: 'running' });
          continue;
        }
        this.setStep(name, index, { status: 'pending', error: null, attempts: 0 });
        this.setVm(name, { status: 'running' });
        continue;
      }
      if (this.aborting()) { this.setStep(name, index, { status: 'aborted' }); return 'aborted'; }
      if (step.kind === 'start') {
        try {
          await this.gate.request(this.vms.get(name)!);
        } catch {
          if (this.stopped) return 'aborted';
          this.setStep(name, index, { status: 'aborted' });
          return 'aborted';
        }
        if (this.stopped) return 'aborted';
      }
      const resumed = step.status === 'running';
      this.setStep(name, index, { status: 'running', attempts: step.attempts + 1, startedAt: step.startedAt ?? this.env.clock.now() });
      step = this.vms.get(name)!.steps[index]!;
      try {
        const timeoutSec = settings.stepTimeoutSec[step.kind] ?? DEFAULT_STEP_TIMEOUT_SEC[step.kind];
        const result = await withTimeout(this.perform(name, step, resumed || this.recovered || step.attempts > 1), timeoutSec * 1000, this.env.clock, `${step.kind} of '${name}'`);
        if (this.stopped) return 'aborted';
        if (result === 'aborted') { this.setStep(name, index, { status: 'aborted' }); return 'aborted'; }
        this.completeStep(name, index, result.note ?? null, result.recoveryPoint);
        return 'done';
      } catch (error) {
        if (this.stopped) return 'aborted';
        const failure = toStepError(error);
        if (step.kind === 'start') this.releaseBoot(name);
        if (step.waitRetry && !this.aborting()) {
          this.setStep(name, index, { status: 'pending', error: failure });
          await this.env.clock.sleep(WAIT_RETRY_SEC * 1000);
          continue;
        }
        if (isTransient(error) && step.attempts <= settings.maxRetries && !this.aborting()) {
          this.setStep(name, index, { status: 'pending', error: failure });
          await this.env.clock.sleep(settings.retryBackoffSec * 1000 * 2 ** (step.attempts - 1));
          continue;
        }
        this.setStep(name, index, { status: 'waiting-operator', error: failure, endedAt: this.env.clock.now() });
        this.setVm(name, { status: 'waiting-operator' });
      }
    }
  }

  /** Check, act, verify. `check` first only when the step may already have happened. */
  private async perform(name: string, step: VmStep, mayBeDone: boolean): Promise<{ note?: string; recoveryPoint?: { name: string | null; at: number } } | 'aborted'> {
    const vm = this.vms.get(name)!;
    // A repoint fails over to the point its operator chose, not the one the run started with.
    const policy = step.round !== undefined ? this.header.finishes[step.round]?.policy ?? this.header.policy : this.header.policy;
    const ctx: StepContext = {
      backend: this.env.backend, vm, type: this.header.type, policy, heartbeat: this.heartbeatOf(name),
      // Runs journaled before the setting existed read as 'reverse', what they did.
      extendedReplication: (this.header.settings as { extendedReplication?: ExtendedReplicationChoice }).extendedReplication ?? 'reverse',
    };
    if (step.kind === 'heartbeat') return this.waitHealthy(name);
    if ((mayBeDone || CHECKED_FIRST.has(step.kind)) && await isDone(step.kind, ctx)) {
      if (step.kind === 'failover' && step.phase === 'repoint') {
        // Its answer was lost with the restart: read the point again, so the VM's RPO is not left blank.
        const point = await chooseRecoveryPoint(this.env.backend, vm, policy);
        return { note: 'found already done on the backend; not repeated (recovery point read again)', ...(point ? { recoveryPoint: point } : {}) };
      }
      return { note: mayBeDone ? 'found already done on the backend; not repeated' : 'already in the wanted state' };
    }
    const resumedInFlight = mayBeDone && await inProgress(step.kind, ctx);
    let outcome: StepOutcome = resumedInFlight ? { note: 'found in progress on the backend; waited for it, not sent again' } : {};
    if (!resumedInFlight) {
      this.calls.set(step.kind, (this.calls.get(step.kind) ?? 0) + 1);
      outcome = await act(step.kind, ctx);
    }
    // Verify, then report: the step is done only when the backend says so.
    for (;;) {
      if (await isDone(step.kind, ctx)) return outcome;
      if (this.stopped || this.aborting()) return 'aborted';
      await this.nextPoll();
    }
  }

  /** The VM's own heartbeat requirement, else the plan's ('ok' for runs journaled before the setting). */
  private heartbeatOf(name: string): HeartbeatRequirement {
    return heartbeatRequirementOf(this.header.settings, name);
  }

  /**
   * Sleeps to the next multiple of the poll period, not a period from now: every VM the run waits
   * for is then read at the same instants, and a backend that batches reads per host (PowerShell:
   * one get-vms line per host) answers them all at once instead of one line per VM.
   */
  private nextPoll(): Promise<void> {
    const pollMs = Math.max(this.header.settings.pollSec * 1000, this.env.backend.minPollMs ?? 0);
    const now = this.env.clock.now();
    return this.env.clock.sleep(pollMs - (((now % pollMs) + pollMs) % pollMs));
  }

  private async waitHealthy(name: string): Promise<{ note?: string } | 'aborted'> {
    for (;;) {
      if (this.stopped || this.aborting()) return 'aborted';
      const vm = this.vms.get(name)!;
      const info = await readVm(this.env.backend, bootTarget(vm, this.header.type));
      if (!info) throw new ContractError('not-found', `'${bootTarget(vm, this.header.type).vmName}' is gone from ${vm.targetHost}.`, name);
      if (info.Heartbeat.startsWith('Ok') && vm.timing.heartbeatAt === null) {
        this.setVm(name, { timing: { ...vm.timing, heartbeatAt: this.env.clock.now() } });
        this.releaseBoot(name);
      }
      if (heartbeatIsUp(info.Heartbeat, this.heartbeatOf(name))) return {};
      await this.nextPoll();
    }
  }

  private completeStep(name: string, index: number, note: string | null, point?: { name: string | null; at: number }): void {
    const now = this.env.clock.now();
    const vm = this.vms.get(name)!;
    const step = vm.steps[index]!;
    const timing = { ...vm.timing };
    const changes: Partial<VmRun> = {};
    if (step.kind === 'failover' || step.kind === 'test-failover') timing.failoverDoneAt = now;
    if (step.kind === 'start') timing.runningAt = now;
    if (step.kind === 'turn-off' || step.kind === 'revert-failover') {
      // Taken back: not running, not healthy; after the revert not failed over either, until the new failover.
      Object.assign(timing, { runningAt: null, heartbeatAt: null, healthyAt: null });
      changes.rtoSec = null;
      if (step.kind === 'revert-failover') {
        timing.failoverDoneAt = null;
        Object.assign(changes, { recoveryPoint: null, rpoSec: null });
      }
    }
    if (step.kind === 'heartbeat') {
      timing.heartbeatAt ??= now;
      timing.healthyAt = now;
      // From the disaster (unplanned) or the run's start (everything else): see run-clock.ts.
      changes.rtoSec = Math.max(0, now - clockOf(this.header).at) / 1000;
    }
    if (point && step.kind === 'test-failover') {
      // A drill loses nothing; its RPO is how old the point its test copy started from was.
      const madeAt = step.startedAt ?? now;
      changes.recoveryPoint = point;
      changes.rpoSec = drillRpoSec(point.at, madeAt);
      changes.rpoMeasuredTo = madeAt;
    } else if (point) {
      const lastSeen = vm.rpoMeasuredTo ?? clockOf(this.header).at;
      changes.recoveryPoint = point;
      changes.rpoSec = unplannedRpoSec(point.at, lastSeen);
      changes.rpoMeasuredTo = lastSeen;
    } else if (step.kind === 'failover' && this.header.type !== 'unplanned-failover' && vm.rpoSec === null) {
      changes.rpoSec = 0; // planned: -Prepare shipped every change
    }
    this.setVm(name, { ...changes, timing, steps: vm.steps.map((s, i) => (i === index ? { ...s, status: 'done', endedAt: now, error: null, note } : s)) });
  }

  private releaseBoot(name: string): void {
    const vm = this.vms.get(name)!;
    this.gate.release(name, vm.targetHost, vm.targetCluster);
  }

  private dependenciesMet(vm: VmRun): boolean {
    for (const dep of vm.dependsOn) {
      const other = this.vms.get(dep);
      if (other && other.timing.healthyAt === null && other.status !== 'skipped' && other.status !== 'aborted') return false;
    }
    return true;
  }

  // Plan steps ------------------------------------------------------------------------------------

  private async runPlanStepWithDecisions(groupIndex: number, stepId: string): Promise<Outcome> {
    for (;;) {
      if (this.stopped) return 'aborted';
      const found = this.findPlanStep(stepId)!;
      const step = found.step;
      if (step.status === 'done' || step.status === 'skipped') return step.status;
      if (this.aborting()) { this.setPlanStep(stepId, { status: 'aborted' }); return 'aborted'; }
      if (step.status === 'waiting-operator' && step.error) {
        const decision = await this.waitFor(`step:${stepId}`);
        if (this.stopped) return 'aborted';
        if (decision === 'abort' || this.aborting()) { this.setPlanStep(stepId, { status: 'aborted' }); return 'aborted'; }
        if (decision === 'skip') { this.setPlanStep(stepId, { status: 'skipped', endedAt: this.env.clock.now() }); return 'skipped'; }
        this.setPlanStep(stepId, { status: 'pending', error: null });
        continue;
      }
      const now = this.env.clock.now();
      if (step.spec.kind === 'manual') {
        this.setPlanStep(stepId, { status: 'waiting-operator', startedAt: step.startedAt ?? now, attempts: step.attempts + 1 });
        const decision = await this.waitFor(`step:${stepId}`);
        if (this.stopped) return 'aborted';
        if (decision === 'abort' || this.aborting()) { this.setPlanStep(stepId, { status: 'aborted' }); return 'aborted'; }
        this.setPlanStep(stepId, { status: decision === 'skip' ? 'skipped' : 'done', endedAt: this.env.clock.now() });
        return decision === 'skip' ? 'skipped' : 'done';
      }
      this.setPlanStep(stepId, { status: 'running', startedAt: step.startedAt ?? now, attempts: step.attempts + 1 });
      try {
        await runPlanStep(step.spec, {
          backend: this.env.backend, clock: this.env.clock, scripts: this.env.scripts, tcp: this.env.tcp,
          pollMs: this.header.settings.pollSec * 1000,
          hostOf: (name) => [...this.vms.values()].find((v) => v.name.toLowerCase() === name.toLowerCase())?.targetHost,
          heartbeatOf: (name) => this.heartbeatOf([...this.vms.values()].find((v) => v.name.toLowerCase() === name.toLowerCase())?.name ?? name),
          cancelled: () => this.stopped || this.aborting(),
        });
        if (this.stopped) return 'aborted';
        this.setPlanStep(stepId, { status: 'done', endedAt: this.env.clock.now(), error: null });
        return 'done';
      } catch (error) {
        if (this.stopped) return 'aborted';
        this.setPlanStep(stepId, { status: 'waiting-operator', error: toStepError(error), endedAt: this.env.clock.now() });
      }
      void groupIndex;
    }
  }

  private findPlanStep(stepId: string): { group: GroupRun; where: 'before' | 'after'; index: number; step: PlanStepRun } | null {
    for (const group of this.groups) {
      for (const where of ['before', 'after'] as const) {
        const index = group[where].findIndex((s) => s.id === stepId);
        if (index >= 0) return { group, where, index, step: group[where][index]! };
      }
    }
    return null;
  }

  // Finish actions --------------------------------------------------------------------------------

  private async runFinish(action: FinishAction): Promise<void> {
    if (action === 'repoint' || action === 'cancel') { await this.runTakeBack(action); return; }
    const kind: VmStepKind = action;
    const eligible = [...this.vms.values()].filter((vm) => vm.timing.failoverDoneAt !== null);
    if (this.header.finishes.at(-1)?.status === 'waiting' && !await this.waitUntilReady(action, eligible)) return;
    for (const vm of eligible) {
      if (vm.steps.some((s) => s.phase === action)) continue;
      this.setVm(vm.name, { steps: [...vm.steps, newStep(kind, action)] });
    }
    await this.runPool(eligible, async (vm) => {
      const current = this.vms.get(vm.name)!;
      const index = current.steps.findIndex((s) => s.phase === action);
      if (current.steps[index]!.status === 'done') return;
      const outcome = await this.runVmStep(vm.name, index);
      if (outcome !== 'done' && !this.stopped) this.setVm(vm.name, { status: outcome === 'aborted' ? current.status : 'waiting-operator' });
    });
    if (this.stopped) return;
    const now = this.env.clock.now();
    const failed = [...this.vms.values()].some((vm) => vm.steps.some((s) => s.phase === action && s.status !== 'done'));
    const finishes = this.header.finishes.map((f, i, all) => (i === all.length - 1 ? { ...f, status: failed ? 'done-with-errors' as const : 'done' as const, endedAt: now } : f));
    this.setHeader({ finishes, status: this.header.abortedBy ? 'aborted' : 'completed', endedAt: now });
  }

  /**
   * Repoint or cancel: each chosen VM goes through its own steps (TAKE_BACK_STEPS), tagged with this
   * finish record's index so a later repoint of the same VM runs its own. Cancelled VMs end 'cancelled'.
   */
  private async runTakeBack(action: 'repoint' | 'cancel'): Promise<void> {
    const round = this.header.finishes.length - 1;
    const record = this.header.finishes[round]!;
    const targets = this.takeBackTargets(action, record.vms).filter((vm) => vm.status !== 'cancelled' || vm.steps.some((s) => s.round === round));
    for (const vm of targets) {
      if (vm.steps.some((s) => s.round === round)) continue;
      // A primary that was already off when the run began is left off.
      const leftOff = vm.steps.some((s) => s.kind === 'shutdown-primary' && s.note === 'already in the wanted state');
      const kinds = TAKE_BACK_STEPS[action].filter((k) => !(k === 'start-primary' && leftOff));
      this.setVm(vm.name, { status: 'running', steps: [...vm.steps, ...kinds.map((k) => ({ ...newStep(k, action), round }))] });
    }
    await this.runPool(targets, async (vm) => {
      if (this.vms.get(vm.name)!.steps.filter((s) => s.round === round).every((s) => s.status === 'done')) return;
      const outcome = await this.runVm(vm.name, action, round);
      if (outcome === 'done' && action === 'cancel' && !this.stopped) this.setVm(vm.name, { status: 'cancelled' });
    });
    if (this.stopped) return;
    const now = this.env.clock.now();
    const failed = [...this.vms.values()].some((vm) => vm.steps.some((s) => s.round === round && s.status !== 'done'));
    this.updateLastFinish({ status: failed ? 'done-with-errors' : 'done', endedAt: now });
    const cancelled = action === 'cancel' && !failed && [...this.vms.values()].every((vm) => vm.timing.failoverDoneAt === null);
    this.setHeader({ status: this.header.abortedBy || cancelled ? 'aborted' : 'completed', endedAt: now });
  }

  /**
   * A finish action whose precheck failed waits here (journaled as 'waiting', so a restart keeps
   * waiting) and starts once nothing stands in its way: no VM fails for a reason the check could see.
   */
  private async waitUntilReady(action: FinishAction, vms: readonly VmRun[]): Promise<boolean> {
    for (;;) {
      if (this.stopped) return false;
      if (this.aborting()) {
        this.updateLastFinish({ status: 'done-with-errors', waitingFor: 'given up: the run was aborted while waiting', endedAt: this.env.clock.now() });
        this.setHeader({ status: 'aborted', endedAt: this.env.clock.now() });
        return false;
      }
      const problems = this.env.readiness?.(action, vms) ?? [];
      if (problems.length === 0) {
        this.updateLastFinish({ status: 'running', waitingFor: null });
        return true;
      }
      const waitingFor = problems.join(' ');
      if (this.header.finishes.at(-1)?.waitingFor !== waitingFor) this.updateLastFinish({ waitingFor });
      await this.env.clock.sleep(WAIT_RETRY_SEC * 1000);
    }
  }

  private updateLastFinish(changes: Partial<RunHeader['finishes'][number]>): void {
    this.setHeader({ finishes: this.header.finishes.map((f, i, all) => (i === all.length - 1 ? { ...f, ...changes } : f)) });
  }

  // State changes: journal first --------------------------------------------------------------------

  private waitFor(key: string): Promise<Decision | 'confirm'> {
    if (this.aborting() || this.stopped) return Promise.resolve('abort');
    return new Promise((resolve) => { this.waiters.set(key, resolve); });
  }

  private setHeader(changes: Partial<RunHeader>): void {
    if (this.stopped) return;
    const atRest = this.header.status === 'completed' || this.header.status === 'aborted';
    if (atRest && changes.status && changes.status !== 'completed' && changes.status !== 'aborted') {
      // A finish action after a rest: count from now on, on top of what was journaled.
      this.wireBase = this.env.backend.linesBySite?.() ?? null;
      this.wireCarried = this.header.wire?.linesBySite ?? {};
    }
    this.header = { ...this.header, ...changes, ...this.wire() };
    this.journal.record({ type: 'run', value: this.header });
  }

  private setGroup(index: number, changes: Partial<GroupRun>): void {
    if (this.stopped) return;
    const next = { ...this.groups[index]!, ...changes };
    this.groups = this.groups.map((g, i) => (i === index ? next : g));
    this.journal.record({ type: 'group', value: next });
  }

  private setPlanStep(stepId: string, changes: Partial<PlanStepRun>): void {
    const found = this.findPlanStep(stepId);
    if (!found) return;
    const list = found.group[found.where].map((s, i) => (i === found.index ? { ...s, ...changes } : s));
    this.setGroup(found.group.index, { [found.where]: list });
  }

  private setVm(name: string, changes: Partial<VmRun>): void {
    if (this.stopped) return;
    const next = { ...this.vms.get(name)!, ...changes };
    this.vms.set(name, next);
    this.journal.record({ type: 'vm', value: next });
  }

  private setStep(name: string, index: number, changes: Partial<VmStep>): void {
    const vm = this.vms.get(name)!;
    this.setVm(name, { steps: vm.steps.map((s, i) => (i === index ? { ...s, ...changes } : s)) });
  }
}

export function newStep(kind: VmStepKind, phase: VmStep['phase']): VmStep {
  return { kind, phase, status: 'pending', attempts: 0, startedAt: null, endedAt: null, error: null, note: null };
}

/** Why a failover cannot be taken back once committed or reversed (Hyper-V refuses Stop-VMFailover then). */
const NOT_TAKEN_BACK = {
  commit: 'The failover was committed (Complete-VMFailover): the other recovery points are deleted and it cannot be taken back.',
  reverse: 'Replication was reversed: the replica is the primary now and its failover cannot be taken back.',
} as const;

/** The step after which a VM's failover is final: committed, or replication reversed (or continued). */
function finalStep(vm: VmRun): 'commit' | 'reverse' | null {
  const step = vm.steps.find((s) => (s.kind === 'commit' || s.kind === 'reverse') && s.status === 'done');
  return step ? step.kind as 'commit' | 'reverse' : null;
}

/** What the operator chose for a repoint or cancel: the recovery point, and the VMs (absent: all). */
export interface FinishChoice {
  policy?: RecoveryPointPolicy;
  vms?: string[];
}

function toStepError(error: unknown): StepError {
  if (error instanceof ContractError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
