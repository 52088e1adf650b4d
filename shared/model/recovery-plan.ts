import { plainText } from './name-text.ts';
import { z } from 'zod';
import type { HeartbeatStatus } from './hyperv-enums.ts';
import { ownEntry } from './own-entry.ts';

/**
 * Recovery plans: ordered groups of VMs (the boot order) with steps before and after each group.
 * Stored one plan per JSON file so they can live in git or on a share; no ceiling on VMs or groups.
 */

export const PLAN_SCHEMA_VERSION = 1;

/** Names (plans, groups, steps) and references a person types: one line each. */
const Text = plainText(300, 1);
const Seconds = z.number().int().positive().max(7 * 24 * 3600);

/** A member by VM name, or every protected VM matching a query such as `tier:0 cluster:CL-A`. */
export const PlanMemberSchema = z.union([
  z.object({ vm: Text }).strict(),
  z.object({ query: z.string().min(1).max(2000) }).strict(),
]);
export type PlanMember = z.infer<typeof PlanMemberSchema>;

/**
 * Which guest heartbeat counts as "up" when a recovery waits for a VM. 'ok': OkApplicationsHealthy or
 * OkApplicationsUnknown — Linux guests, and Windows guests without application health reporting,
 * report OkApplicationsUnknown as their healthy state (DOMAIN.md, "What real hosts do";
 * microsoft/lis-test). 'applications-healthy': only OkApplicationsHealthy (a guest whose application
 * health the plan relies on).
 */
export const HeartbeatRequirementSchema = z.enum(['ok', 'applications-healthy']);
export type HeartbeatRequirement = z.infer<typeof HeartbeatRequirementSchema>;

/**
 * The heartbeat a run waits for on one VM: its own requirement, else the plan's; 'ok' for runs
 * journaled before the setting existed (what they did).
 */
export function heartbeatRequirementOf(settings: object, vmName: string): HeartbeatRequirement {
  const s = settings as { heartbeat?: HeartbeatRequirement; heartbeatByVm?: Record<string, HeartbeatRequirement> };
  return ownEntry(s.heartbeatByVm, vmName) ?? s.heartbeat ?? 'ok';
}

export function heartbeatIsUp(status: HeartbeatStatus, requirement: HeartbeatRequirement = 'ok'): boolean {
  return status === 'OkApplicationsHealthy' || (requirement === 'ok' && status === 'OkApplicationsUnknown');
}

export const PlanStepSchema = z.discriminatedUnion('kind', [
  /** A PowerShell script (a path on the console machine); fails on non-zero exit or timeout. */
  z.object({ kind: z.literal('script'), name: Text, script: z.string().min(1).max(4000), timeoutSec: Seconds.default(300) }).strict(),
  /** Text shown to the operator, who confirms when it is done. */
  z.object({ kind: z.literal('manual'), name: Text, instructions: z.string().min(1).max(10_000) }).strict(),
  /** `heartbeat`: this wait's own requirement; the VM's (or the plan's) when absent. */
  z.object({ kind: z.literal('wait-heartbeat'), name: Text.optional(), vm: Text, timeoutSec: Seconds.default(1800), heartbeat: HeartbeatRequirementSchema.optional() }).strict(),
  z.object({ kind: z.literal('wait-tcp'), name: Text.optional(), host: Text, port: z.number().int().min(1).max(65_535), timeoutSec: Seconds.default(600) }).strict(),
  z.object({ kind: z.literal('delay'), name: Text.optional(), seconds: Seconds }).strict(),
]);
export type PlanStep = z.infer<typeof PlanStepSchema>;
export type PlanStepInput = z.input<typeof PlanStepSchema>;

export const PlanGroupSchema = z.object({
  name: Text,
  members: z.array(PlanMemberSchema),
  before: z.array(PlanStepSchema).default([]),
  after: z.array(PlanStepSchema).default([]),
  /** Recovery point age allowed for this group's VMs; the plan's, or twice the replication frequency, when absent. */
  rpoTargetSec: Seconds.optional(),
}).strict();
export type PlanGroup = z.infer<typeof PlanGroupSchema>;

/** `vm` boots only after every VM in `after` reports healthy (same or earlier group). */
export const PlanDependencySchema = z.object({ vm: Text, after: z.array(Text).min(1) }).strict();
export type PlanDependency = z.infer<typeof PlanDependencySchema>;

export const VM_STEP_KINDS = [
  'shutdown-primary', 'prepare', 'failover', 'test-failover', 'reverse', 'start', 'heartbeat', 'commit', 'cleanup',
  // Taking a failover back before it is completed (issue 11): the replica turned off, its failover
  // reverted (Stop-VMFailover on the replica); a planned one's Prepare cancelled on the primary, the
  // primary started again.
  'turn-off', 'revert-failover', 'cancel-prepare', 'start-primary',
] as const;
export const VmStepKindSchema = z.enum(VM_STEP_KINDS);
export type VmStepKind = z.infer<typeof VmStepKindSchema>;

export const ExtendedReplicationChoiceSchema = z.enum(['reverse', 'continue']);
export type ExtendedReplicationChoice = z.infer<typeof ExtendedReplicationChoiceSchema>;

export const PlanSettingsSchema = z.object({
  /** The promise the plan is judged against (the hospital's is one hour). */
  rtoTargetSec: Seconds.default(3600),
  rpoTargetSec: Seconds.optional(),
  /** VMs worked on at once across the plan; null: as many as the group has. */
  maxParallelVms: z.number().int().positive().nullable().default(null),
  /** Boot-storm limits: VMs booting at once per DR host and per DR cluster (shared storage). */
  maxBootsPerHost: z.number().int().positive().nullable().default(null),
  maxBootsPerCluster: z.number().int().positive().nullable().default(null),
  /** Transient failures (timeouts, backend errors) retried this often before the operator decides. */
  maxRetries: z.number().int().min(0).max(20).default(2),
  retryBackoffSec: Seconds.default(5),
  stepTimeoutSec: z.partialRecord(VmStepKindSchema, Seconds).default({}),
  /** How often a wait re-reads the backend. */
  pollSec: z.number().positive().max(600).default(2),
  /** The heartbeat a VM must report to count as up (see HeartbeatRequirementSchema), and per-VM exceptions by name. */
  heartbeat: HeartbeatRequirementSchema.default('ok'),
  heartbeatByVm: z.record(Text, HeartbeatRequirementSchema).default({}),
  /** How often the plan must be drilled (a test failover), in days; absent: no schedule. */
  drillCadenceDays: z.number().int().positive().max(3650).optional(),
  /**
   * A planned failover (or failback) of a VM whose replica extends to a third copy (A->B->C): Hyper-V
   * refuses to reverse B->A while B replicates to C (DOMAIN.md "Extended replication"). 'reverse' ends
   * the extension (Remove-VMReplication -ReplicationRelationshipType Extended) and reverses to the
   * primary, giving up the third copy until it is extended again: the way home stays open, as for every
   * other VM. 'continue' keeps B->C (Resume-VMReplication -Continue) and does not reverse: the third copy
   * stays current, the primary receives nothing.
   */
  extendedReplication: ExtendedReplicationChoiceSchema.default('reverse'),
}).strict();
export type PlanSettings = z.infer<typeof PlanSettingsSchema>;

/** What a person writes (create, edit, import). */
export const PlanDraftSchema = z.object({
  name: Text,
  description: z.string().max(10_000).default(''),
  groups: z.array(PlanGroupSchema).min(1),
  dependencies: z.array(PlanDependencySchema).default([]),
  settings: PlanSettingsSchema.default(PlanSettingsSchema.parse({})),
}).strict();
export type PlanDraft = z.infer<typeof PlanDraftSchema>;
export type PlanDraftInput = z.input<typeof PlanDraftSchema>;

export const PlanIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'a plan id is lower-case letters, digits and dashes');

/** A plan file: the draft plus what the store keeps (identity, revision for optimistic edits). */
export const RecoveryPlanSchema = PlanDraftSchema.extend({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  id: PlanIdSchema,
  /** Bumped on every save; an edit names the revision it started from. */
  revision: z.number().int().positive(),
  updatedAt: z.string(),
}).strict();
export type RecoveryPlan = z.infer<typeof RecoveryPlanSchema>;
export type RecoveryPlanInput = z.input<typeof RecoveryPlanSchema>;

export const PlanSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  revision: z.number().int(),
  updatedAt: z.string(),
  file: z.string(),
  groupCount: z.number().int(),
  memberCount: z.number().int(),
  /** When the plan has a drill cadence: its last drill and when the next one is due. */
  drillSchedule: z.lazy(() => DrillScheduleSchema).optional(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

/** Times on the backend's clock (the run's), so the lab's simulated days count as days. */
export const DrillScheduleSchema = z.object({
  cadenceDays: z.number().int().positive(),
  /** Start of the newest test failover of the plan; null: never drilled. */
  lastDrillAt: z.number().nullable(),
  /** lastDrillAt + cadence; null when never drilled (due now). */
  dueAt: z.number().nullable(),
  overdue: z.boolean(),
});
export type DrillSchedule = z.infer<typeof DrillScheduleSchema>;

/** Why a plan file was not loaded: the file, where in it, and what is wrong. */
export const PlanFileErrorSchema = z.object({ file: z.string(), path: z.string(), problem: z.string() });
export type PlanFileError = z.infer<typeof PlanFileErrorSchema>;

export const ResolvedGroupSchema = z.object({
  name: z.string(),
  vms: z.array(z.string()),
});
/** Which way a run goes: the site its VMs leave and the site they start at. */
export const RunDirectionSchema = z.object({
  from: z.object({ siteId: z.string(), name: z.string(), role: z.enum(['primary', 'dr', 'cloud']) }),
  to: z.object({ siteId: z.string(), name: z.string(), role: z.enum(['primary', 'dr', 'cloud']) }),
});
export type RunDirection = z.infer<typeof RunDirectionSchema>;

export const PlanResolutionSchema = z.object({
  /** Null when the estate has no site in the role the run needs. */
  direction: RunDirectionSchema.nullable().optional(),
  groups: z.array(ResolvedGroupSchema),
  vmCount: z.number().int(),
  /** Members that match nothing, VMs listed twice, dependencies pointing forward: shown, not fatal. */
  problems: z.array(z.object({ severity: z.enum(['blocker', 'warning']), message: z.string(), where: z.string() })),
});
export type PlanResolution = z.infer<typeof PlanResolutionSchema>;
