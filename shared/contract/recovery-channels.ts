import { plainText } from '../model/name-text.ts';
import { MAX_PLAN_FILE_CHARS } from './limits.ts';
import { z } from 'zod';
import { request, stream } from './define.ts';
import {
  ExtendedReplicationChoiceSchema, PlanDraftSchema, PlanFileErrorSchema, PlanIdSchema, PlanResolutionSchema, PlanSummarySchema, RecoveryPlanSchema,
} from '../model/recovery-plan.ts';
import {
  DecisionSchema, FailoverTargetSchema, FinishActionSchema, PreflightReportSchema, RecoveryPointPolicySchema, RunEventBatchSchema,
  PlanHistorySchema, RunListItemSchema, RunSnapshotSchema, RunSummarySchema, RunTypeSchema,
} from '../model/recovery-run.ts';
import { RunPredictionSchema } from '../model/run-prediction.ts';
import { DrillChecklistDraftSchema, SignOffRequestSchema } from '../model/drill-session.ts';
import { EvidenceVerdictSchema } from '../model/evidence-pack.ts';

const RunId = z.string().min(1).max(200);
const PlanRef = z.object({ id: PlanIdSchema });

/** Recovery plans (plans.*) and failover runs (recovery.*), spread into `channels`. */
export const recoveryChannels = {
  'plans.list': request({
    access: 'read',
    summary: 'Every recovery plan in the plans folder, and the files that could not be loaded (file, JSON path, problem)',
    request: z.object({}),
    response: z.object({ plans: z.array(PlanSummarySchema), invalid: z.array(PlanFileErrorSchema), folder: z.string() }),
  }),
  'plans.get': request({
    access: 'read',
    summary: 'One plan as stored',
    request: PlanRef,
    response: z.object({ plan: RecoveryPlanSchema, file: z.string() }),
  }),
  'plans.resolve': request({
    access: 'read',
    summary: 'The VMs each group of a plan stands for right now, and what does not resolve',
    request: PlanRef.extend({ type: RunTypeSchema.default('unplanned-failover'), target: FailoverTargetSchema.optional() }),
    response: PlanResolutionSchema,
  }),
  'plans.create': request({
    access: 'operate',
    summary: 'Create a plan; answers with it as stored (id, revision 1)',
    request: z.object({ plan: PlanDraftSchema }),
    response: RecoveryPlanSchema,
  }),
  'plans.update': request({
    access: 'operate',
    summary: 'Replace a plan; refused when it changed since expectedRevision',
    request: PlanRef.extend({ expectedRevision: z.number().int().positive(), plan: PlanDraftSchema }),
    response: RecoveryPlanSchema,
  }),
  'plans.duplicate': request({
    access: 'operate',
    summary: 'Copy a plan under a new id',
    request: PlanRef.extend({ name: plainText(300, 1).optional() }),
    response: RecoveryPlanSchema,
  }),
  'plans.delete': request({
    access: 'operate',
    summary: 'Delete a plan file',
    request: PlanRef.extend({ expectedRevision: z.number().int().positive() }),
    response: z.object({}),
  }),
  'plans.import': request({
    access: 'operate',
    summary: 'Import a plan file (or a bare plan); an invalid one is refused naming the JSON path and the problem',
    request: z.object({ fileName: z.string().min(1).max(300), text: z.string().max(MAX_PLAN_FILE_CHARS), replace: z.boolean().default(false) }),
    response: RecoveryPlanSchema,
  }),
  'plans.export': request({
    access: 'read',
    summary: 'A plan as the JSON file it is stored in',
    request: PlanRef,
    response: z.object({ fileName: z.string(), text: z.string() }),
  }),
  'recovery.preflight': request({
    access: 'read',
    summary: 'Checks before a run: replica health, recovery point age vs RPO, DR capacity, primaries off, other runs; blockers vs warnings',
    request: PlanRef.extend({ type: RunTypeSchema, policy: RecoveryPointPolicySchema.default({ kind: 'latest' }), target: FailoverTargetSchema.optional() }),
    response: PreflightReportSchema,
  }),
  'recovery.start': request({
    access: 'operate',
    summary: 'Start a run after preflight: every warning id accepted; anything but a test failover needs the plan name typed',
    request: PlanRef.extend({
      type: RunTypeSchema,
      policy: RecoveryPointPolicySchema.default({ kind: 'latest' }),
      /** Unplanned only: fail over to the extended replica (primary and DR both lost). */
      target: FailoverTargetSchema.optional(),
      /** For this run, instead of the plan's settings.extendedReplication (planned failover, failback). */
      extendedReplication: ExtendedReplicationChoiceSchema.optional(),
      acceptedWarnings: z.array(z.string()).default([]),
      confirmText: z.string().max(300).optional(),
      /** Drills: who is in the room, the roles that sign off, the applications to verify. */
      checklist: DrillChecklistDraftSchema.optional(),
    }),
    response: RunSnapshotSchema,
  }),
  'recovery.list': request({
    access: 'read',
    summary: 'Runs, newest first, including interrupted ones resumed after a restart',
    request: z.object({}),
    response: z.object({ runs: z.array(RunListItemSchema) }),
  }),
  'recovery.get': request({
    access: 'read',
    summary: 'One run whole; apply recovery.events with seq above its seq',
    request: z.object({ runId: RunId }),
    response: RunSnapshotSchema,
  }),
  'recovery.confirm': request({
    access: 'operate',
    summary: 'Confirm a manual step is done',
    request: z.object({ runId: RunId, stepId: z.string().min(1).max(200) }),
    response: RunSnapshotSchema,
  }),
  'recovery.decide': request({
    access: 'operate',
    summary: 'After a hard failure: retry, skip (leave the VM or step out) or abort the run',
    request: z.object({ runId: RunId, vm: z.string().min(1).max(300).optional(), stepId: z.string().min(1).max(200).optional(), decision: DecisionSchema })
      .refine((r) => r.decision === 'abort' || (r.vm === undefined) !== (r.stepId === undefined), { message: 'name either the vm or the stepId the decision is for' }),
    response: RunSnapshotSchema,
  }),
  'recovery.decideAll': request({
    access: 'operate',
    summary: 'One decision for every VM waiting on the same failure (failureReason key): retry, skip, or wait (retry on its own until it succeeds)',
    request: z.object({ runId: RunId, reason: z.string().min(1).max(4000), decision: z.enum(['retry', 'skip', 'wait']) }),
    response: z.object({ run: RunSnapshotSchema, decided: z.array(z.string()) }),
  }),
  'recovery.abort': request({
    access: 'operate',
    summary: 'Stop cleanly: operations in flight finish, nothing new starts',
    request: z.object({ runId: RunId }),
    response: RunSnapshotSchema,
  }),
  'recovery.finish': request({
    access: 'operate',
    summary: 'Commit (Complete-VMFailover), cleanup (remove test VMs) or reverse replication, for every failed-over VM; repoint (an uncommitted unplanned failover to another recovery point) or cancel (a planned failover between Prepare and failover), for all or chosen VMs',
    request: z.object({
      runId: RunId, action: FinishActionSchema,
      /** Reverse only: when the other site is not ready, wait for it instead of refusing. */
      whenReady: z.boolean().optional(),
      /** Repoint only (and required there): the recovery point to fail over to instead. */
      policy: RecoveryPointPolicySchema.optional(),
      /** Repoint and cancel: only these VMs (absent: every VM the action applies to). */
      vms: z.array(z.string().min(1).max(400)).min(1).max(10_000).optional(),
    }).refine((r) => r.action === 'repoint' || r.policy === undefined, { message: 'a recovery point is chosen only for repoint', path: ['policy'] })
      .refine((r) => r.action === 'repoint' || r.action === 'cancel' || r.vms === undefined, { message: 'VMs are chosen only for repoint and cancel', path: ['vms'] }),
    response: RunSnapshotSchema,
  }),
  'recovery.predict': request({
    access: 'read',
    summary: 'Predicted RTO of a plan, from running it on a copy of the estate as it is now (nothing real is touched); kept for the run that follows',
    request: PlanRef.extend({ type: RunTypeSchema, target: FailoverTargetSchema.optional() }),
    response: RunPredictionSchema,
  }),
  'recovery.predictions': request({
    access: 'read',
    summary: 'Every prediction kept for a plan, oldest first',
    request: PlanRef,
    response: z.object({ predictions: z.array(RunPredictionSchema) }),
  }),
  'recovery.signOff': request({
    access: 'attest',
    summary: "An application owner's verdict on the running test copies (verified, or failed with a note), attributed to the caller",
    request: SignOffRequestSchema,
    response: RunSnapshotSchema,
  }),
  'recovery.history': request({
    access: 'read',
    summary: "A plan's runs, oldest first: achieved RTO against the target and the prediction, tier-0 time, failures",
    request: z.object({ planId: PlanIdSchema }),
    response: PlanHistorySchema,
  }),
  'recovery.evidence': request({
    access: 'read',
    summary: 'The evidence pack of a run (HTML report, PDF, JSON with its schema, journal hash chain), written to the data folder and sent back for download',
    request: z.object({ runId: RunId }),
    response: z.object({
      dir: z.string(), packHash: z.string(), html: z.string(), json: z.string(),
      /** base64; null when no print engine was at hand (pdfProblem says why). */
      pdf: z.string().nullable(), pdfBytes: z.number().int().nullable(), pdfProblem: z.string().nullable(),
      verdict: EvidenceVerdictSchema,
    }),
  }),
  'recovery.verifyEvidence': request({
    access: 'read',
    summary: 'Checks a run\'s evidence pack against its own hashes and the run journal\'s hash chain',
    request: z.object({ runId: RunId }),
    response: EvidenceVerdictSchema,
  }),
  'recovery.summary': request({
    access: 'read',
    summary: 'Achieved RTO (per VM, per group, plan) against the target, and RPO per VM',
    request: z.object({ runId: RunId }),
    response: RunSummarySchema,
  }),
} as const;

export const recoveryStreams = {
  'recovery.events': stream({
    summary: 'Run changes after they are journalled: each replaces the run header, a group or a VM whole',
    event: RunEventBatchSchema,
  }),
} as const;
