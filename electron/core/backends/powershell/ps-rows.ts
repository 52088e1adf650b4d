import { z } from 'zod';
import {
  CLUSTER_NODE_STATE, GROUP_PRIORITY, HEARTBEAT_STATUS, MIGRATION_PERFORMANCE, REPLICATION_HEALTH,
  REPLICATION_MODE, REPLICATION_STATE, VM_STATES, type VmState,
} from '../../../../shared/model/hyperv-enums.ts';
import type {
  ClusterGroupInfo, ClusterNodeInfo, MigrationJobInfo, VMHostInfo, VMInfo, VMNetworkAdapterInfo, VMRecoverySnapshot, VMSwitchInfo,
  VMReplicationInfo, VMReplicationMeasure,
} from '../backend-port.ts';
import { psBool, psCount, psDate, psEnum, psList, psNumber, psRequiredDate, psRows, psStrings, psText, psTimeSpan, warnValue } from './ps-values.ts';
import { PsErrorSchema } from './ps-output.ts';
import {
  CLUSTER_GROUP_STATE, CLUSTER_GROUP_TYPE, CLUSTER_NODE_DRAIN_STATUS, MIGRATION_JOB_STATE,
  REPLICATION_RELATIONSHIP_TYPE, REPLICATION_TYPE, SNAPSHOT_TYPE, SWITCH_TYPE, VM_OPERATIONAL_STATUS, VM_STATE_WINDOWS,
} from './windows-enums.ts';

/**
 * The rows the scripts select, as zod schemas that turn Windows JSON into the port's types.
 * Property names are the cmdlets' own; a renamed property fails here, naming the field.
 */

/** The scripts join the status list into one string; older payloads send integers or {value,Count}. */
const operationalStatus = z.unknown().transform((raw): VMInfo['OperationalStatus'] => {
  const wrapped = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { value?: unknown }).value : raw;
  const values = typeof wrapped === 'string' ? wrapped.split('\u001e') : Array.isArray(wrapped) ? wrapped : wrapped === undefined || wrapped === null ? [] : [wrapped];
  const names = values.map((v) => (typeof v === 'number' || /^\d+$/.test(String(v)) ? VM_OPERATIONAL_STATUS[Number(v) as keyof typeof VM_OPERATIONAL_STATUS] : String(v)));
  if (names.includes('MigratingVirtualMachine')) return 'MigratingVirtualMachine';
  if (names.includes('Degraded')) return 'Degraded';
  return 'Ok';
});

/**
 * A VM's state: any of Windows' 29 (by name or number), then the model's; states the model lacks
 * (the *Critical ones: storage lost) and values nobody knows read as Other, with a warning naming them.
 */
const MODEL_STATES = new Set<string>(VM_STATES);
const vmState = psEnum(VM_STATE_WINDOWS, { fallback: 'Other', label: 'VM state' }).transform((name): VmState => {
  if (MODEL_STATES.has(name)) return name as VmState;
  warnValue(`VM state ${name} is not one the console shows; shown as Other.`);
  return 'Other';
});
const heartbeat = psEnum(HEARTBEAT_STATUS, { fallback: 'Unknown', label: 'Heartbeat' }).nullable().transform((v) => v ?? 'Unknown');
/** An unknown replication state asks for attention (Error) rather than passing for fine. */
const replicationState = psEnum(REPLICATION_STATE, { fallback: 'Error', label: 'Replication state' });
const replicationHealth = psEnum(REPLICATION_HEALTH, { fallback: 'Warning', label: 'Replication health' });

export const VmRowSchema = z.object({
  Name: z.string(),
  VMId: z.string(),
  ComputerName: z.string(),
  State: vmState,
  Heartbeat: heartbeat,
  ProcessorCount: psNumber,
  MemoryStartup: psNumber,
  MemoryAssigned: psNumber.nullable().optional(),
  CPUUsage: psNumber.nullable().optional(),
  OperationalStatus: operationalStatus.optional().transform((v) => v ?? 'Ok'),
  ReplicationMode: psEnum(REPLICATION_MODE),
  ReplicationState: replicationState,
  ReplicationHealth: replicationHealth,
  Notes: psText.optional().transform((v) => v ?? ''),
  UptimeSec: psNumber.nullable().optional(),
});
export type VmRow = z.output<typeof VmRowSchema>;

export function toVMInfo(row: VmRow): VMInfo {
  return {
    Name: row.Name, VMId: row.VMId.toLowerCase(), ComputerName: row.ComputerName, State: row.State, Heartbeat: row.Heartbeat,
    ProcessorCount: row.ProcessorCount, MemoryStartup: row.MemoryStartup, OperationalStatus: row.OperationalStatus,
    ReplicationMode: row.ReplicationMode, ReplicationState: row.ReplicationState, ReplicationHealth: row.ReplicationHealth,
  };
}

/** One VM's item in a get-vms answer: its row, or the error Get-VM gave for it alone. */
export const VmItemSchema = z.union([
  z.object({ ok: z.literal(true), vm: VmRowSchema }),
  z.object({ ok: z.literal(false), error: PsErrorSchema }),
]);

export const VmHostRowSchema = z.object({
  Name: z.string(),
  LogicalProcessorCount: psNumber,
  MemoryCapacity: psNumber,
  MaximumVirtualMachineMigrations: psNumber,
  MaximumStorageMigrations: psNumber,
  VirtualMachineMigrationEnabled: psBool,
  VirtualMachineMigrationPerformanceOption: psEnum(MIGRATION_PERFORMANCE, { fallback: 'TCPIP', label: 'Migration performance option' }),
}).transform((row): VMHostInfo => row);

export const ClusterNodeRowSchema = z.object({
  Name: z.string(),
  Cluster: z.string(),
  State: psEnum(CLUSTER_NODE_STATE, { fallback: 'Unknown', label: 'Cluster node state' }),
  DrainStatus: psEnum(CLUSTER_NODE_DRAIN_STATUS, { fallback: 'NotInitiated', label: 'Drain status' }),
}).transform((row): ClusterNodeInfo => row);

/** Roles other than VMs and the Replica Broker (core cluster group, storage) come out as null. */
export const ClusterGroupRowSchema = z.object({
  Name: z.string(),
  Cluster: z.string(),
  OwnerNode: psText,
  State: psEnum(CLUSTER_GROUP_STATE, { fallback: 'Unknown', label: 'Cluster group state' }),
  Priority: psEnum(GROUP_PRIORITY, { fallback: 'Medium', label: 'Cluster group priority' }),
  GroupType: z.union([z.number(), z.string()]),
  AntiAffinityClassNames: psStrings.optional(),
  PreferredOwners: psStrings.optional(),
  PossibleOwners: psStrings.optional(),
}).transform((row): ClusterGroupInfo | null => {
  const type = typeof row.GroupType === 'number' || /^\d+$/.test(row.GroupType) ? CLUSTER_GROUP_TYPE[Number(row.GroupType) as keyof typeof CLUSTER_GROUP_TYPE] : row.GroupType;
  if (type !== 'VirtualMachine' && type !== 'VMReplicaBroker') return null;
  const { AntiAffinityClassNames, PreferredOwners, PossibleOwners, ...rest } = row;
  return {
    ...rest, GroupType: type,
    ...(AntiAffinityClassNames ? { AntiAffinityClassNames } : {}), ...(PreferredOwners ? { PreferredOwners } : {}), ...(PossibleOwners ? { PossibleOwners } : {}),
  };
});

const replicationFields = {
  VMName: z.string(),
  VMId: z.string().transform((v) => v.toLowerCase()),
  ComputerName: z.string(),
  ReplicationMode: psEnum(REPLICATION_MODE),
  ReplicationRelationshipType: psEnum(REPLICATION_RELATIONSHIP_TYPE).optional().transform((v) => v ?? 'Simple'),
  ReplicationState: replicationState,
  ReplicationHealth: replicationHealth,
  ReplicationFrequencySec: psNumber,
  PrimaryServerName: psText,
  ReplicaServerName: psText,
  CurrentReplicaServerName: psText,
  LastReplicationTime: psDate,
};

function toReplicationInfo(row: z.output<z.ZodObject<typeof replicationFields>>): VMReplicationInfo {
  const { ReplicationRelationshipType, ...rest } = row;
  return { ...rest, RelationshipType: ReplicationRelationshipType };
}

export const ReplicationRowSchema = z.object({
  ...replicationFields,
  RecoveryHistory: psNumber.nullable().optional(),
  VSSSnapshotFrequencyHour: psNumber.nullable().optional(),
}).transform((row) => ({
  info: toReplicationInfo(row),
  recoveryHistory: row.RecoveryHistory ?? 0,
  vssFrequencyHours: row.VSSSnapshotFrequencyHour ?? 0,
}));
export type ReplicationRow = z.output<typeof ReplicationRowSchema>;

export const MeasureRowSchema = z.object({
  ...replicationFields,
  PendingReplicationSize: psCount,
  AverageReplicationSize: psCount,
  MaximumReplicationSize: psCount,
  AverageReplicationLatency: psTimeSpan,
  ReplicationErrors: psCount,
  SuccessfulReplicationCount: psCount,
  MissedReplicationCount: psCount,
  // Null until the host has statistics for the VM (DOMAIN.md, "What real hosts do").
  MonitoringStartTime: psDate,
  MonitoringEndTime: psDate,
  ReplicationHealthDetails: psStrings,
  LastReplicationType: psEnum(REPLICATION_TYPE, { fallback: 'None', label: 'Last replication type' }).nullable().optional().transform((v) => v ?? 'None'),
}).transform((row): VMReplicationMeasure => {
  const { ReplicationRelationshipType, ...rest } = row;
  return { ...rest, RelationshipType: ReplicationRelationshipType };
});

export const SnapshotRowSchema = z.object({
  Name: z.string(),
  VMName: z.string(),
  SnapshotType: psEnum(SNAPSHOT_TYPE),
  CreationTime: psRequiredDate,
}).transform((row, ctx): VMRecoverySnapshot => {
  if (row.SnapshotType !== 'Replica' && row.SnapshotType !== 'AppConsistentReplica') {
    ctx.addIssue({ code: 'custom', message: `Not a recovery point: ${row.SnapshotType}` });
    return z.NEVER;
  }
  return { ...row, SnapshotType: row.SnapshotType };
});

export const SwitchRowSchema = z.object({
  Name: z.string(),
  SwitchType: psEnum(SWITCH_TYPE),
}).transform((row): VMSwitchInfo => row);

export const NetworkAdapterRowSchema = z.object({
  VMName: z.string(),
  Name: z.string(),
  TestReplicaSwitchName: z.string().nullable().optional().transform((v) => (v ? v : null)),
}).transform((row): VMNetworkAdapterInfo => row);

export const MigrationJobRowSchema = z.object({
  InstanceId: z.string(),
  VMName: z.string(),
  SourceHost: z.string(),
  DestinationHost: psText,
  MigrationType: z.unknown().optional(),
  JobState: psEnum(MIGRATION_JOB_STATE),
  PercentComplete: psNumber,
  StartTime: psDate,
  ElapsedSec: psNumber,
  ErrorDescription: z.string().nullable().optional().transform((v) => v || null),
}).transform((row): MigrationJobInfo => ({
  InstanceId: row.InstanceId, VMName: row.VMName, SourceHost: row.SourceHost, DestinationHost: row.DestinationHost,
  // Quick migrations do not run as Msvm_MigrationJob; whatever is listed there moves live.
  MigrationType: 'Live',
  JobState: row.JobState, PercentComplete: row.PercentComplete, StartTime: row.StartTime, ElapsedSec: row.ElapsedSec,
  ErrorDescription: row.ErrorDescription,
}));

/** What get-inventory answers per host. */
export const InventoryAnswerSchema = z.object({
  host: VmHostRowSchema,
  vms: psRows('vms', VmRowSchema),
  replication: psRows('replication', ReplicationRowSchema),
  measures: psRows('measures', MeasureRowSchema),
  clusterNodes: psList(ClusterNodeRowSchema),
  groups: psList(ClusterGroupRowSchema),
  collectedAt: psRequiredDate,
});
export type InventoryAnswer = z.output<typeof InventoryAnswerSchema>;

/** What get-replication answers per host. */
export const ReplicationAnswerSchema = z.object({
  measures: psRows('measures', MeasureRowSchema),
  vms: psRows('vms', z.object({
    Name: z.string(),
    VMId: z.string().transform((v) => v.toLowerCase()),
    State: vmState,
    Heartbeat: heartbeat,
    CPUUsage: psNumber.nullable().optional(),
    MemoryAssigned: psNumber.nullable().optional(),
    OperationalStatus: operationalStatus.optional().transform((v) => v ?? 'Ok'),
  })),
  collectedAt: psRequiredDate,
});
export type ReplicationAnswer = z.output<typeof ReplicationAnswerSchema>;
