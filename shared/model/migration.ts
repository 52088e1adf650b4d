import { z } from 'zod';
import { CLUSTER_NODE_STATES, GROUP_PRIORITIES, MIGRATION_PERFORMANCES } from './hyperv-enums.ts';

/**
 * Live-migration queues, host migration settings, drain plans, drains and rolling maintenance.
 * The core computes all of it (plans, predictions, progress); the renderer only shows it.
 */

const id = z.string().min(1).max(400);

/** live: memory copied while the VM runs. quick: saved and restored (downtime). offline: an Off or
 * Saved VM moves with its cluster group (no memory to copy). storage: a storage migration. */
export const MigrationTypeSchema = z.enum(['live', 'quick', 'offline', 'storage']);
export type MigrationType = z.infer<typeof MigrationTypeSchema>;

export const MigrationItemStateSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'skipped']);
export type MigrationItemState = z.infer<typeof MigrationItemStateSchema>;

/** One migration in a cluster's queue, ours (a drain, a failback) or started elsewhere. */
export const MigrationItemSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  vmName: z.string(),
  clusterId: z.string(),
  sourceHostId: z.string(),
  destHostId: z.string(),
  type: MigrationTypeSchema,
  state: MigrationItemStateSchema,
  /** Drain or rolling-maintenance operation it belongs to; null for migrations started elsewhere. */
  operationId: z.string().nullable(),
  purpose: z.enum(['drain', 'failback', 'external']),
  /** Position in the planned order (0 first). */
  order: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  /** Memory to copy, including the estimated re-sends of dirtied pages. */
  bytesTotal: z.number().nonnegative(),
  bytesDone: z.number().nonnegative(),
  percent: z.number().min(0).max(100),
  /** Bytes per second over the last observation; null before it started. */
  bytesPerSec: z.number().nonnegative().nullable(),
  etaSec: z.number().nonnegative().nullable(),
  predictedSec: z.number().nonnegative(),
  /** Backend clock, epoch ms. */
  queuedAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  message: z.string().nullable(),
});
export type MigrationItem = z.infer<typeof MigrationItemSchema>;

/** Get-VMHost migration settings plus what occupies the host's migration slots right now. */
export const HostMigrationSettingsSchema = z.object({
  hostId: z.string(),
  name: z.string(),
  clusterId: z.string(),
  state: z.enum(CLUSTER_NODE_STATES),
  maxVmMigrations: z.number().int().nonnegative(),
  maxStorageMigrations: z.number().int().nonnegative(),
  performance: z.enum(MIGRATION_PERFORMANCES),
  vmCount: z.number().int().nonnegative(),
  memoryAssignedBytes: z.number().nonnegative(),
  memoryCapacityBytes: z.number().nonnegative(),
});
export type HostMigrationSettings = z.infer<typeof HostMigrationSettingsSchema>;

export const HostSettingsChangeSchema = z.object({
  hostId: id,
  maxVmMigrations: z.number().int().min(1).max(64).optional(),
  performance: z.enum(MIGRATION_PERFORMANCES).optional(),
}).refine((c) => c.maxVmMigrations !== undefined || c.performance !== undefined, { message: 'Nothing to change: give maxVmMigrations or performance.' });
export type HostSettingsChange = z.infer<typeof HostSettingsChangeSchema>;

export const HostLaneSchema = z.object({
  hostId: z.string(),
  name: z.string(),
  state: z.enum(CLUSTER_NODE_STATES),
  limit: z.number().int().nonnegative(),
  performance: z.enum(MIGRATION_PERFORMANCES),
  /** Ids of the running migrations that hold one of this host's slots (as source or destination). */
  occupiedBy: z.array(z.string()),
  vmCount: z.number().int().nonnegative(),
});
export type HostLane = z.infer<typeof HostLaneSchema>;

export const ThroughputPointSchema = z.object({ at: z.number(), bytesPerSec: z.number().nonnegative(), running: z.number().int().nonnegative() });
export type ThroughputPoint = z.infer<typeof ThroughputPointSchema>;

export const MigrationQueueSchema = z.object({
  clusterId: z.string(),
  clusterName: z.string(),
  /** Backend clock, epoch ms. */
  now: z.number(),
  items: z.array(MigrationItemSchema),
  lanes: z.array(HostLaneSchema),
  throughput: z.array(ThroughputPointSchema),
});
export type MigrationQueue = z.infer<typeof MigrationQueueSchema>;

// Planning -------------------------------------------------------------------------------------------

export const PlannedMoveSchema = z.object({
  vmId: z.string(),
  vmName: z.string(),
  priority: z.enum(GROUP_PRIORITIES),
  memoryBytes: z.number().nonnegative(),
  destHostId: z.string(),
  destHostName: z.string(),
  type: MigrationTypeSchema,
  order: z.number().int().nonnegative(),
  predictedStartSec: z.number().nonnegative(),
  predictedEndSec: z.number().nonnegative(),
  /** Why the planner chose this destination (owners, anti-affinity, load). */
  reason: z.string().optional(),
});
export type PlannedMove = z.infer<typeof PlannedMoveSchema>;

export const PlanWarningSchema = z.object({
  kind: z.enum(['quick-migration', 'no-capacity', 'anti-affinity', 'constraints-not-modelled', 'source-not-up', 'cpu-pressure']),
  vmId: z.string().nullable(),
  vmName: z.string().nullable(),
  message: z.string(),
});
export type PlanWarning = z.infer<typeof PlanWarningSchema>;

export const DrainOptionsSchema = z.object({
  /**
   * true (default): every running VM is live-migrated. false: Low-priority VMs are quick-migrated,
   * as Suspend-ClusterNode -Drain does (saved and restored: downtime).
   */
  liveMigrateLowPriority: z.boolean().default(true),
  /** Nodes not to use as destinations (e.g. the next ones a rolling maintenance drains). */
  avoidHostIds: z.array(id).max(200).default([]),
});
export type DrainOptions = z.infer<typeof DrainOptionsSchema>;

export const DrainPlanSchema = z.object({
  hostId: z.string(),
  hostName: z.string(),
  clusterId: z.string(),
  /** Backend clock at planning time. */
  plannedAt: z.number(),
  options: DrainOptionsSchema,
  moves: z.array(PlannedMoveSchema),
  /** VMs no node can take; the drain cannot complete while they stay. */
  unplaced: z.array(z.object({ vmId: z.string(), vmName: z.string(), reason: z.string() })),
  warnings: z.array(PlanWarningSchema),
  predictedDurationSec: z.number().nonnegative(),
  /** Bytes to move ÷ the source's migration bandwidth, or the longest single migration. */
  lowerBoundSec: z.number().nonnegative(),
  bytesToMove: z.number().nonnegative(),
  /** What the planner respected, in words (including what the estate model does not carry). */
  constraints: z.array(z.string()),
  planMs: z.number().nonnegative(),
});
export type DrainPlan = z.infer<typeof DrainPlanSchema>;

// Operations -----------------------------------------------------------------------------------------

export const OperationStatusSchema = z.enum(['running', 'paused', 'waiting-operator', 'completed', 'failed', 'cancelled']);
export type OperationStatus = z.infer<typeof OperationStatusSchema>;

export const OperationEventSchema = z.object({
  at: z.number(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});
export type OperationEvent = z.infer<typeof OperationEventSchema>;

export const DrainOperationSchema = z.object({
  id: z.string(),
  kind: z.literal('drain'),
  hostId: z.string(),
  hostName: z.string(),
  clusterId: z.string(),
  /** The rolling maintenance it is part of, if any. */
  parentId: z.string().nullable(),
  status: OperationStatusSchema,
  actor: z.string(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  predictedDurationSec: z.number().nonnegative(),
  lowerBoundSec: z.number().nonnegative(),
  counts: z.object({ total: z.number().int(), queued: z.number().int(), running: z.number().int(), completed: z.number().int(), failed: z.number().int(), cancelled: z.number().int(), skipped: z.number().int() }),
  itemIds: z.array(z.string()),
  events: z.array(OperationEventSchema),
});
export type DrainOperation = z.infer<typeof DrainOperationSchema>;

export const PatchStepSchema = z.discriminatedUnion('kind', [
  /** The operator confirms in the console that the node is patched. */
  z.object({ kind: z.literal('operator') }),
  /** A scripted step that takes this long (the lab simulates it; real hosts: the update script). */
  z.object({ kind: z.literal('wait'), seconds: z.number().int().min(0).max(24 * 3600) }),
]);
export type PatchStep = z.infer<typeof PatchStepSchema>;

export const RollingNodePhaseSchema = z.enum(['pending', 'draining', 'patching', 'resuming', 'failing-back', 'done', 'failed', 'skipped']);

export const RollingNodeSchema = z.object({
  hostId: z.string(),
  hostName: z.string(),
  phase: RollingNodePhaseSchema,
  drainId: z.string().nullable(),
  /** Failback migrations that bring its VMs home after it is resumed. */
  failbackItemIds: z.array(z.string()),
  vmCount: z.number().int().nonnegative(),
  predictedDrainSec: z.number().nonnegative(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type RollingNode = z.infer<typeof RollingNodeSchema>;

export const RollingOperationSchema = z.object({
  id: z.string(),
  kind: z.literal('rolling'),
  clusterId: z.string(),
  clusterName: z.string(),
  status: OperationStatusSchema,
  actor: z.string(),
  patch: PatchStepSchema,
  /** Nodes out of service at the same time (1: classic rolling maintenance). */
  nodesAtOnce: z.number().int().min(1),
  nodes: z.array(RollingNodeSchema),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  predictedDurationSec: z.number().nonnegative(),
  lowerBoundSec: z.number().nonnegative(),
  events: z.array(OperationEventSchema),
});
export type RollingOperation = z.infer<typeof RollingOperationSchema>;

/** How many nodes a rolling maintenance takes out of service at once. */
export const NodesAtOnceSchema = z.number().int().min(1).max(8).default(1);

export const RollingPlanSchema = z.object({
  clusterId: z.string(),
  clusterName: z.string(),
  nodesAtOnce: z.number().int().min(1),
  nodes: z.array(z.object({ hostId: z.string(), hostName: z.string(), vmCount: z.number().int(), bytesToMove: z.number(), predictedDrainSec: z.number(), lowerBoundSec: z.number().nonnegative() })),
  predictedDurationSec: z.number().nonnegative(),
  lowerBoundSec: z.number().nonnegative(),
  warnings: z.array(PlanWarningSchema),
  /** Excludes the patch step's own duration when it waits for an operator. */
  includesPatchSec: z.number().nonnegative(),
  planMs: z.number().nonnegative(),
});
export type RollingPlan = z.infer<typeof RollingPlanSchema>;

export const MigrationOperationsSchema = z.object({
  drains: z.array(DrainOperationSchema),
  rolling: z.array(RollingOperationSchema),
});
export type MigrationOperations = z.infer<typeof MigrationOperationsSchema>;
