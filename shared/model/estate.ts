import { z } from 'zod';
import { RpoStatusSchema, TierSchema } from './rpo.ts';
import {
  CLUSTER_NODE_STATES, GROUP_PRIORITIES, HEARTBEAT_STATUSES, MIGRATION_PERFORMANCES,
  REPLICATION_HEALTHS, REPLICATION_MODES, REPLICATION_STATES, VM_STATES,
} from './hyperv-enums.ts';

/**
 * The normalized estate: every entity once, referenced by id. The core owns it; the renderer holds a
 * copy fed by snapshot + patches. Each copy of a VM (primary, replica, extended replica) is its own
 * record, as Hyper-V shows them; copies of one VM share `vmId`.
 */

export const SiteRoleSchema = z.enum(['primary', 'dr', 'cloud']);
export type SiteRole = z.infer<typeof SiteRoleSchema>;

export const SiteSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: SiteRoleSchema,
  location: z.string(),
  clusterIds: z.array(z.string()),
});
export type Site = z.infer<typeof SiteSchema>;

export const ClusterSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  hostIds: z.array(z.string()),
  /** Name of the Hyper-V Replica Broker role, when the cluster receives replicas. */
  replicaBroker: z.string().nullable(),
});
export type Cluster = z.infer<typeof ClusterSchema>;

export const HostSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  clusterId: z.string(),
  name: z.string(),
  state: z.enum(CLUSTER_NODE_STATES),
  logicalProcessors: z.number().int().positive(),
  memoryBytes: z.number().nonnegative(),
  /** Reserved for the parent partition; never offered to VMs. */
  hostReserveBytes: z.number().nonnegative(),
  maxVmMigrations: z.number().int().nonnegative(),
  maxStorageMigrations: z.number().int().nonnegative(),
  migrationPerformance: z.enum(MIGRATION_PERFORMANCES),
  // Derived by the core from the VMs placed here, so every view agrees on them.
  memoryAssignedBytes: z.number().nonnegative(),
  vcpuAssigned: z.number().nonnegative(),
  cpuUsagePct: z.number().min(0).max(100),
  vmCount: z.number().int().nonnegative(),
  runningVmCount: z.number().int().nonnegative(),
});
export type Host = z.infer<typeof HostSchema>;

export const ReplicationSchema = z.object({
  mode: z.enum(REPLICATION_MODES),
  relationship: z.enum(['Simple', 'Extended']),
  state: z.enum(REPLICATION_STATES),
  health: z.enum(REPLICATION_HEALTHS),
  frequencySec: z.number().int().positive(),
  primaryServer: z.string(),
  replicaServer: z.string(),
  /** Epoch ms of the last successful cycle; null before initial replication completes. */
  lastReplicationTime: z.number().nullable(),
  pendingBytes: z.number().nonnegative(),
  /** Recovery points kept in addition to the latest (Hyper-V allows up to 24). */
  additionalRecoveryPoints: z.number().int().min(0).max(24),
  appConsistentIntervalHours: z.number().int().nonnegative(),
});
export type Replication = z.infer<typeof ReplicationSchema>;

export { TierSchema, type Tier } from './rpo.ts';

export const VmSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  name: z.string(),
  siteId: z.string(),
  clusterId: z.string(),
  hostId: z.string(),
  state: z.enum(VM_STATES),
  heartbeat: z.enum(HEARTBEAT_STATUSES),
  cpuCount: z.number().int().positive(),
  /** Share of this VM's own virtual processors in use, 0–100. */
  cpuUsagePct: z.number().min(0).max(100),
  memoryBytes: z.number().nonnegative(),
  diskBytes: z.number().nonnegative(),
  tier: TierSchema,
  workload: z.string(),
  priority: z.enum(GROUP_PRIORITIES),
  tags: z.array(z.string()),
  replication: ReplicationSchema.nullable(),
  extendedReplication: ReplicationSchema.nullable(),
  /** Derived by the core for the protected (primary-side) copy; absent on other copies. */
  rpo: RpoStatusSchema.nullable().optional(),
  /**
   * Placement rules of the VM's cluster group, absent when it has none (only a few VMs do, which
   * keeps snapshots small). AntiAffinityClassNames: VMs sharing a class are kept on different nodes.
   */
  antiAffinity: z.array(z.string()).optional(),
  /** Possible owners, by host id: the only nodes it may run on. Absent: every node of its cluster. */
  possibleOwners: z.array(z.string()).optional(),
  /** Preferred owners, by host id, in order. Absent: none. */
  preferredOwners: z.array(z.string()).optional(),
});
export type Vm = z.infer<typeof VmSchema>;

export const ClockSchema = z.object({
  source: z.enum(['lab', 'real']),
  /** Epoch ms of the estate's clock (simulated on the lab). */
  now: z.number(),
  /** Simulated seconds per wall second; 0 is paused, null is as fast as possible. */
  speed: z.number().nonnegative().nullable(),
});
export type Clock = z.infer<typeof ClockSchema>;

export const BackendInfoSchema = z.object({
  kind: z.enum(['lab', 'powershell']),
  description: z.string(),
  seed: z.number().int().nullable(),
  /** True when VMs carry their anti-affinity classes and owners (absent fields then mean none). */
  placementRules: z.boolean().optional(),
});
export type BackendInfo = z.infer<typeof BackendInfoSchema>;

export const EstateSnapshotSchema = z.object({
  /** Sequence number of the last patch batch folded into this snapshot. */
  seq: z.number().int().nonnegative(),
  backend: BackendInfoSchema,
  clock: ClockSchema,
  sites: z.record(z.string(), SiteSchema),
  clusters: z.record(z.string(), ClusterSchema),
  hosts: z.record(z.string(), HostSchema),
  vms: z.record(z.string(), VmSchema),
});
export type EstateSnapshot = z.infer<typeof EstateSnapshotSchema>;

export const EntityKindSchema = z.enum(['site', 'cluster', 'host', 'vm']);
export type EntityKind = z.infer<typeof EntityKindSchema>;

const PutPatch = z.discriminatedUnion('kind', [
  z.object({ op: z.literal('put'), kind: z.literal('site'), value: SiteSchema }),
  z.object({ op: z.literal('put'), kind: z.literal('cluster'), value: ClusterSchema }),
  z.object({ op: z.literal('put'), kind: z.literal('host'), value: HostSchema }),
  z.object({ op: z.literal('put'), kind: z.literal('vm'), value: VmSchema }),
]);
/**
 * Fields merged into a VM's nested objects, which the receiver already holds (non-null): a
 * replication cycle changes two of the replication object's eleven fields, and the merge says so
 * instead of sending the whole object again (at 60× that was three quarters of the patch stream).
 */
export const VmNestedMergeSchema = z.object({
  replication: ReplicationSchema.partial(),
  extendedReplication: ReplicationSchema.partial(),
  rpo: RpoStatusSchema.partial(),
}).partial();
export type VmNestedMerge = z.infer<typeof VmNestedMergeSchema>;
export const VM_NESTED_FIELDS = ['replication', 'extendedReplication', 'rpo'] as const;

const MergePatch = z.discriminatedUnion('kind', [
  z.object({ op: z.literal('merge'), kind: z.literal('site'), id: z.string(), value: SiteSchema.partial() }),
  z.object({ op: z.literal('merge'), kind: z.literal('cluster'), id: z.string(), value: ClusterSchema.partial() }),
  z.object({ op: z.literal('merge'), kind: z.literal('host'), id: z.string(), value: HostSchema.partial() }),
  z.object({ op: z.literal('merge'), kind: z.literal('vm'), id: z.string(), value: VmSchema.partial(), nested: VmNestedMergeSchema.optional() }),
]);

/**
 * put replaces an entity, merge overwrites the listed top-level fields (a nested object in `value`
 * is replaced whole; `nested` merges fields into one), remove deletes, clock moves the estate clock.
 */
export const PatchSchema = z.union([
  PutPatch,
  MergePatch,
  z.object({ op: z.literal('remove'), kind: EntityKindSchema, id: z.string() }),
  z.object({ op: z.literal('clock'), value: ClockSchema }),
]);
export type Patch = z.infer<typeof PatchSchema>;

export const PatchBatchSchema = z.object({
  /** Strictly increasing; a client drops batches with seq <= its snapshot's seq. */
  seq: z.number().int().positive(),
  patches: z.array(PatchSchema),
});
export type PatchBatch = z.infer<typeof PatchBatchSchema>;
