import { z } from 'zod';
import { PlanSettingsSchema, PlanStepSchema, VmStepKindSchema } from './recovery-plan.ts';
import { TierSchema } from './rpo.ts';
import { DrillChecklistSchema, SignOffSchema } from './drill-session.ts';

/**
 * A recovery run as the core journals it and the wizard shows it. Times are epoch ms on the
 * backend's clock (simulated on the lab), so achieved RTO means the same thing on both backends.
 */

export const RunTypeSchema = z.enum(['test-failover', 'planned-failover', 'unplanned-failover', 'failback']);
export type RunType = z.infer<typeof RunTypeSchema>;

/**
 * Where an unplanned failover starts the VMs: their replica at the DR site, or — when the primary
 * and the DR site are both lost — their extended replica (the third copy, Hyper-V Replica's
 * extended replication, at the cloud site).
 */
export const FailoverTargetSchema = z.enum(['dr', 'extended']);
export type FailoverTarget = z.infer<typeof FailoverTargetSchema>;

export const RecoveryPointPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('latest-app-consistent') }),
  /** The newest recovery point taken at or before `at` (epoch ms). */
  z.object({ kind: z.literal('point-in-time'), at: z.number() }),
]);
export type RecoveryPointPolicy = z.infer<typeof RecoveryPointPolicySchema>;

/**
 * What an operator does once the main phase stopped. repoint: an unplanned failover not yet committed
 * goes back (Stop-VMFailover) and fails over again to another recovery point; it can be repeated.
 * cancel: a planned failover whose VMs were prepared but not failed over is cancelled on the primary.
 */
export const FinishActionSchema = z.enum(['commit', 'cleanup', 'reverse', 'repoint', 'cancel']);
export type FinishAction = z.infer<typeof FinishActionSchema>;

/** wait: retry on its own, at a slow pace, until it succeeds (the site it needs is coming back). */
export const DecisionSchema = z.enum(['retry', 'skip', 'abort', 'wait']);
export type Decision = z.infer<typeof DecisionSchema>;

export const StepStatusSchema = z.enum(['pending', 'running', 'waiting-operator', 'failed', 'done', 'skipped', 'aborted']);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const StepErrorSchema = z.object({ code: z.string(), message: z.string() });
export type StepError = z.infer<typeof StepErrorSchema>;

export const VmStepSchema = z.object({
  kind: VmStepKindSchema,
  /** main: the failover itself; otherwise the finish action this step belongs to. */
  phase: z.enum(['main', 'commit', 'cleanup', 'reverse', 'repoint', 'cancel']),
  /** The finish record (its index in the run's finishes) this step belongs to: repoint can run more than once. */
  round: z.number().int().nonnegative().optional(),
  status: StepStatusSchema,
  attempts: z.number().int().nonnegative(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  error: StepErrorSchema.nullable(),
  /** Why it was done without a call: found already done when the real state was read back. */
  note: z.string().nullable(),
  /** The operator chose to wait: failures are retried on their own instead of asking again. */
  waitRetry: z.boolean().optional(),
});
export type VmStep = z.infer<typeof VmStepSchema>;

export const VmTimingSchema = z.object({
  startedAt: z.number().nullable(),
  failoverDoneAt: z.number().nullable(),
  runningAt: z.number().nullable(),
  heartbeatAt: z.number().nullable(),
  healthyAt: z.number().nullable(),
});
export type VmTiming = z.infer<typeof VmTimingSchema>;

/** cancelled: a planned failover prepared and then cancelled on the primary; the VM never failed over. */
export const VmRunStatusSchema = z.enum(['pending', 'running', 'waiting-operator', 'done', 'skipped', 'aborted', 'cancelled']);
export type VmRunStatus = z.infer<typeof VmRunStatusSchema>;

/**
 * Where a run's RTO is counted from: the moment the estate first saw the primary lost (a site-loss
 * event, or the first of its hosts to go down), or the run's own start when nothing was lost (a drill,
 * a planned failover) or the loss was not seen by this console. Recorded at the run's start so every
 * figure of the run and its report is read from the same moment.
 */
export const ClockBasisSchema = z.enum(['site-lost', 'hosts-down', 'run-start']);
export type ClockBasis = z.infer<typeof ClockBasisSchema>;
export const ClockStartSchema = z.object({
  at: z.number(),
  basis: ClockBasisSchema,
  /** In words, for the report: what happened then ("DC-A Primary lost", "HV-A03 down"). */
  detail: z.string(),
});
export type ClockStart = z.infer<typeof ClockStartSchema>;

export const VmRunSchema = z.object({
  name: z.string(),
  vmId: z.string(),
  group: z.number().int().nonnegative(),
  /** Boot priority inside the group: 0 boots first (longest first). */
  order: z.number().int().nonnegative(),
  sourceHost: z.string(),
  targetHost: z.string(),
  targetCluster: z.string(),
  memoryBytes: z.number().nonnegative(),
  cpuCount: z.number().int().nonnegative(),
  dependsOn: z.array(z.string()),
  status: VmRunStatusSchema,
  steps: z.array(VmStepSchema),
  timing: VmTimingSchema,
  /** The run's clock start (ClockStart) → applications healthy, seconds. */
  rtoSec: z.number().nullable(),
  /**
   * Unplanned: last replication received → the moment the primary was last seen alive (the changes
   * lost). Drill: the age of the point the test copy started from. Planned: 0 once Prepare shipped
   * every change.
   */
  rpoSec: z.number().nullable(),
  /** The moment rpoSec is measured to (primary last seen alive, or the test copy's creation). */
  rpoMeasuredTo: z.number().nullable().optional(),
  recoveryPoint: z.object({ name: z.string().nullable(), at: z.number() }).nullable(),
  /** The VM's protection tier, for RTO per tier (absent in runs journaled before it was kept). */
  tier: TierSchema.optional(),
});
export type VmRun = z.infer<typeof VmRunSchema>;

export const PlanStepRunSchema = z.object({
  id: z.string(),
  kind: z.enum(['script', 'manual', 'wait-heartbeat', 'wait-tcp', 'delay']),
  label: z.string(),
  /** Manual steps: what the operator must do. */
  instructions: z.string().nullable(),
  status: StepStatusSchema,
  attempts: z.number().int().nonnegative(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  error: StepErrorSchema.nullable(),
  confirmedBy: z.string().nullable(),
  /** The step as the plan had it when the run started: a restart does not depend on the plan file. */
  spec: PlanStepSchema,
});
export type PlanStepRun = z.infer<typeof PlanStepRunSchema>;

export const GroupRunSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  status: z.enum(['pending', 'running', 'done', 'aborted']),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  before: z.array(PlanStepRunSchema),
  after: z.array(PlanStepRunSchema),
});
export type GroupRun = z.infer<typeof GroupRunSchema>;

export const RunStatusSchema = z.enum(['running', 'aborting', 'aborted', 'completed', 'finishing']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const FinishRecordSchema = z.object({
  action: FinishActionSchema,
  /** waiting: its precheck is not met yet (the other site down); it starts on its own once it is. */
  status: z.enum(['waiting', 'running', 'done', 'done-with-errors']),
  /** While waiting: what it waits for, in words. */
  waitingFor: z.string().nullable().optional(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  by: z.string(),
  /** Repoint: the recovery point asked for. */
  policy: RecoveryPointPolicySchema.optional(),
  /** Repoint and cancel: the VMs chosen; absent, every VM it applies to. */
  vms: z.array(z.string()).optional(),
});

/**
 * The failure a VM waits on, with its own names taken out, so VMs failing for the same reason can be
 * decided at once ("Cannot reverse replication for '…': the server … could not be contacted").
 */
export function failureReason(vm: Pick<VmRun, 'name' | 'sourceHost' | 'targetHost' | 'status' | 'steps'>): { key: string; text: string } | null {
  if (vm.status !== 'waiting-operator') return null;
  const step = vm.steps.find((s) => s.status === 'waiting-operator' || s.status === 'failed') ?? vm.steps.find((s) => s.error !== null);
  if (!step?.error) return null;
  let text = step.error.message;
  for (const name of [vm.name, vm.sourceHost, vm.targetHost].filter(Boolean).sort((a, b) => b.length - a.length)) {
    text = text.split(name).join('…');
  }
  return { key: `${step.kind}|${step.error.code}|${text}`, text };
}

export const PreflightCheckSchema = z.object({
  id: z.string(),
  severity: z.enum(['blocker', 'warning']),
  check: z.enum(['plan', 'replica-health', 'rpo', 'capacity', 'primary-off', 'run-conflict', 'recovery-point', 'backend', 'test-network']),
  message: z.string(),
  vm: z.string().optional(),
});
export type PreflightCheck = z.infer<typeof PreflightCheckSchema>;

export const PreflightReportSchema = z.object({
  planId: z.string(),
  type: RunTypeSchema,
  checkedAt: z.number(),
  vmCount: z.number().int(),
  ok: z.boolean(),
  blockers: z.array(PreflightCheckSchema),
  warnings: z.array(PreflightCheckSchema),
  capacity: z.array(z.object({
    cluster: z.string(),
    memoryNeededBytes: z.number(), memoryFreeBytes: z.number(),
    vcpuNeeded: z.number(), logicalProcessors: z.number(),
  })),
});
export type PreflightReport = z.infer<typeof PreflightReportSchema>;

export const RunHeaderSchema = z.object({
  id: z.string(),
  planId: z.string(),
  planName: z.string(),
  planRevision: z.number().int(),
  type: RunTypeSchema,
  /** Unplanned only: 'extended' fails over to the third copy. Absent: the DR replica. */
  target: FailoverTargetSchema.optional(),
  policy: RecoveryPointPolicySchema,
  status: RunStatusSchema,
  createdBy: z.string(),
  /** Backend clock. */
  startedAt: z.number(),
  mainEndedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  rtoTargetSec: z.number(),
  /** The RTO predicted for this run before it started, when a prediction was made (issue 13, item 1). */
  predictedRtoSec: z.number().nonnegative().nullable().optional(),
  /** Where RTO is counted from; absent in runs journaled before it was kept (then: startedAt). */
  clockStart: ClockStartSchema.optional(),
  settings: PlanSettingsSchema,
  finishes: z.array(FinishRecordSchema),
  /** Restarts of the console this run survived. */
  resumedCount: z.number().int().nonnegative(),
  abortedBy: z.string().nullable(),
  /** The checks the run started after, and the warnings its starter accepted (absent in runs journaled before they were kept). */
  preflight: PreflightReportSchema.optional(),
  acceptedWarnings: z.array(z.string()).optional(),
  /**
   * PowerShell lines sent to each site (by site id) while this run ran, the console's own inventory
   * reads in that time included; carried across restarts. Absent on a backend with no wire (the lab).
   */
  wire: z.object({ linesBySite: z.record(z.string(), z.number().int().nonnegative()) }).optional(),
});
export type RunHeader = z.infer<typeof RunHeaderSchema>;

/** All lines of a run's wire figure, and per VM of the run (issue 12's budget: ≤ 10 for a full-site unplanned failover). */
export function wireLines(run: Pick<RunHeader, 'wire'>, vmCount: number): { total: number; perVm: number | null } | null {
  if (!run.wire) return null;
  const total = Object.values(run.wire.linesBySite).reduce((a, b) => a + b, 0);
  return { total, perVm: vmCount > 0 ? total / vmCount : null };
}

export const RunSnapshotSchema = RunHeaderSchema.extend({
  /** As in RunListItem: unreadable journal lines, kept aside. */
  journalDamage: z.array(z.string()).optional(),
  /** Journal sequence this snapshot includes; events with seq <= it are already in it. */
  seq: z.number().int().nonnegative(),
  groups: z.array(GroupRunSchema),
  vms: z.array(VmRunSchema),
  /** The drill's checklist, when one was recorded before the start. */
  checklist: DrillChecklistSchema.optional(),
  /** Application owners' verdicts, oldest first (absent: none given). */
  signOffs: z.array(SignOffSchema).optional(),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

/** One journal record, and one change in the event stream: replace the named part whole. */
export const RunChangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), value: RunHeaderSchema }),
  z.object({ type: z.literal('group'), value: GroupRunSchema }),
  z.object({ type: z.literal('vm'), value: VmRunSchema }),
  z.object({ type: z.literal('checklist'), value: DrillChecklistSchema }),
  z.object({ type: z.literal('signoff'), value: SignOffSchema }),
]);
export type RunChange = z.infer<typeof RunChangeSchema>;

export const RunEventBatchSchema = z.object({
  runId: z.string(),
  /** Journal sequence of the last change in this batch. */
  seq: z.number().int().positive(),
  changes: z.array(RunChangeSchema),
});
export type RunEventBatch = z.infer<typeof RunEventBatchSchema>;

export const RunListItemSchema = RunHeaderSchema.extend({
  /**
   * Lines of this run's journal that could not be read (file, line, why), kept aside: the run is
   * shown as needing attention, since what it last recorded may be missing.
   */
  journalDamage: z.array(z.string()).optional(),
  vmCount: z.number().int(),
  vmsDone: z.number().int(),
  waitingForOperator: z.number().int(),
});
export type RunListItem = z.infer<typeof RunListItemSchema>;

/** A target judged: met only when every VM is back within it; a skipped or failed VM is a miss. */
export const RtoVerdictSchema = z.enum(['met', 'missed', 'pending']);
export type RtoVerdict = z.infer<typeof RtoVerdictSchema>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  type: RunTypeSchema,
  status: RunStatusSchema,
  rtoTargetSec: z.number(),
  /** Where every RTO figure below is counted from. */
  rtoFrom: ClockStartSchema,
  /** Clock start → last VM healthy (null while VMs are still missing). */
  achievedRtoSec: z.number().nullable(),
  rtoVerdict: RtoVerdictSchema,
  maxRpoSec: z.number().nullable(),
  /** How the RPO figures were measured, in words ("last replication received → primary last seen alive at …"). */
  rpoBasis: z.string(),
  /** Planned directions: 'none' only when every VM shipped its last changes (Prepare) before failing over. */
  dataLoss: z.enum(['none', 'some', 'unknown', 'not-applicable']),
  vmsHealthy: z.number().int(),
  vmsSkipped: z.number().int(),
  vmsNotRecovered: z.number().int(),
  /** Skipped, aborted or not recovered, or healthy after the target: each one is a miss. */
  vmsMissed: z.number().int(),
  /** VMs whose failover step (or test copy) is done: the rest are where they were. */
  vmsFailedOver: z.number().int(),
  /** VMs whose replication was reversed (planned direction, or the reverse finish action). */
  vmsReversed: z.number().int(),
  /** VMs whose Prepare (last changes sent) is done. */
  vmsPrepared: z.number().int(),
  /** VMs whose planned failover was cancelled after Prepare (Stop-VMFailover on the primary): not failed over. */
  vmsCancelled: z.number().int(),
  groups: z.array(z.object({
    index: z.number().int(), name: z.string(),
    startedAt: z.number().nullable(), endedAt: z.number().nullable(),
    durationSec: z.number().nullable(), rtoSec: z.number().nullable(),
  })),
  tiers: z.array(z.object({
    tier: TierSchema, vmCount: z.number().int(), vmsHealthy: z.number().int(), vmsMissed: z.number().int(),
    /** Clock start → the tier's last VM healthy; null while one of its VMs is not back. */
    rtoSec: z.number().nullable(),
    verdict: RtoVerdictSchema,
  })),
  vms: z.array(z.object({
    name: z.string(), group: z.number().int(), status: VmRunStatusSchema,
    tier: TierSchema.nullable(),
    rtoSec: z.number().nullable(), rpoSec: z.number().nullable(),
    rtoVerdict: RtoVerdictSchema,
    failoverSec: z.number().nullable(), bootSec: z.number().nullable(),
  })),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** One run of a plan as its history charts it: achieved against target and prediction, tier 0, failures. */
export const RunHistoryPointSchema = z.object({
  runId: z.string(),
  type: RunTypeSchema,
  status: RunStatusSchema,
  startedAt: z.number(),
  rtoTargetSec: z.number(),
  /** Null while a VM is not back (or never came back). */
  achievedRtoSec: z.number().nullable(),
  predictedRtoSec: z.number().nullable(),
  /** Clock start → the last tier-0 VM healthy; null when the plan has none or one is not back. */
  tier0RtoSec: z.number().nullable(),
  rtoVerdict: RtoVerdictSchema,
  /** Steps (VM and plan steps) that recorded a failure, retried or not. */
  failures: z.number().int().nonnegative(),
  vmsMissed: z.number().int().nonnegative(),
  vmCount: z.number().int().nonnegative(),
  /** Application sign-offs whose newest verdict is failed. */
  applicationsFailed: z.number().int().nonnegative(),
});
export type RunHistoryPoint = z.infer<typeof RunHistoryPointSchema>;

export const PlanHistorySchema = z.object({
  planId: z.string(),
  /** Oldest first. */
  runs: z.array(RunHistoryPointSchema),
});
export type PlanHistory = z.infer<typeof PlanHistorySchema>;
