import { z } from 'zod';
import {
  CLUSTER_NODE_STATE, GROUP_PRIORITY, HEARTBEAT_STATUS, MIGRATION_PERFORMANCE, REPLICATION_HEALTH,
  REPLICATION_MODE, REPLICATION_STATE, VM_STATE,
} from '../../../../shared/model/hyperv-enums.ts';
import type {
  ClusterGroupInfo, ClusterNodeInfo, MigrationJobInfo, VMHostInfo, VMInfo, VMNetworkAdapterInfo, VMRecoverySnapshot, VMSwitchInfo,
  VMReplicationInfo, VMReplicationMeasure,
} from '../backend-port.ts';
import { psBool, psCount, psDate, psEnum, psList, psNumber, psRequiredDate, psStrings, psText, psTimeSpan } from './ps-values.ts';
import {
  CLUSTER_GROUP_STATE, CLUSTER_GROUP_TYPE, CLUSTER_NODE_DRAIN_STATUS, MIGRATION_JOB_STATE,
  REPLICATION_RELATIONSHIP_TYPE, REPLICATION_TYPE, SNAPSHOT_TYPE, SWITCH_TYPE, VM_OPERATIONAL_STATUS,
} from './windows-enums.ts';

/**
 * The rows the scripts select, as zod schemas that turn Windows JSON into the port's types.
 * Property names are the cmdlets' own; a renamed property fails here, naming the field.
 */

const operationalStatus = psList(z.union([z.number(), z.string()])).transform((values): VMInfo['OperationalStatus'] => {
  const names = values.map((v) => (typeof v === 'number' ? VM_OPERATIONAL_STATUS[v as keyof typeof VM_OPERATIONAL_STATUS] : v));
  if (names.includes('MigratingVirtualMachine')) return 'MigratingVirtualMachine';
  if (names.includes('Degraded')) return 'Degraded';
  return 'Ok';
});

export const VmRowSchema = z.object({
  Name: z.string(),
  VMId: z.string(),
  ComputerName: z.string(),
  State: psEnum(VM_STATE),
  Heartbeat: psEnum(HEARTBEAT_STATUS).nullable().transform((v) => v ?? 'Unknown'),
  ProcessorCount: psNumber,
  MemoryStartup: psNumber,
  MemoryAssigned: psNumber.nullable().optional(),
  CPUUsage: psNumber.nullable().optional(),
  OperationalStatus: operationalStatus.optional().transform((v) => v ?? 'Ok'),
  ReplicationMode: psEnum(REPLICATION_MODE),
  ReplicationState: psEnum(REPLICATION_STATE),
  ReplicationHealth: psEnum(REPLICATION_HEALTH),
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

export const VmHostRowSchema = z.object({
  Name: z.string(),
  LogicalProcessorCount: psNumber,
  MemoryCapacity: psNumber,
  MaximumVirtualMachineMigrations: psNumber,
  MaximumStorageMigrations: psNumber,
  VirtualMachineMigrationEnabled: psBool,
  VirtualMachineMigrationPerformanceOption: psEnum(MIGRATION_PERFORMANCE),
}).transform((row): VMHostInfo => row);

export const ClusterNodeRowSchema = z.object({
  Name: z.string(),
  Cluster: z.string(),
  State: psEnum(CLUSTER_NODE_STATE),
  DrainStatus: psEnum(CLUSTER_NODE_DRAIN_STATUS),
}).transform((row): ClusterNodeInfo => row);

/** Roles other than VMs and the Replica Broker (core cluster group, storage) come out as null. */
export const ClusterGroupRowSchema = z.object({
  Name: z.string(),
  Cluster: z.string(),
  OwnerNode: psText,
  State: psEnum(CLUSTER_GROUP_STATE),
  Priority: psEnum(GROUP_PRIORITY),
  GroupType: z.union([z.number(), z.string()]),
  AntiAffinityClassNames: psStrings.optional(),
  PreferredOwners: psStrings.optional(),
  PossibleOwners: psStrings.optional(),
}).transform((row): ClusterGroupInfo | null => {
  const type = typeof row.GroupType === 'number' ? CLUSTER_GROUP_TYPE[row.GroupType as keyof typeof CLUSTER_GROUP_TYPE] : row.GroupType;
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
  ReplicationState: psEnum(REPLICATION_STATE),
  ReplicationHealth: psEnum(REPLICATION_HEALTH),
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
  MonitoringStartTime: psRequiredDate,
  MonitoringEndTime: psRequiredDate,
  ReplicationHealthDetails: psStrings,
  LastReplicationType: psEnum(REPLICATION_TYPE).nullable().optional().transform((v) => v ?? 'None'),
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
  vms: psList(VmRowSchema),
  replication: psList(ReplicationRowSchema),
  measures: psList(MeasureRowSchema),
  clusterNodes: psList(ClusterNodeRowSchema),
  groups: psList(ClusterGroupRowSchema),
  collectedAt: psRequiredDate,
});
export type InventoryAnswer = z.output<typeof InventoryAnswerSchema>;

/** What get-replication answers per host. */
export const ReplicationAnswerSchema = z.object({
  measures: psList(MeasureRowSchema),
  vms: psList(z.object({
    Name: z.string(),
    VMId: z.string().transform((v) => v.toLowerCase()),
    State: psEnum(VM_STATE),
    Heartbeat: psEnum(HEARTBEAT_STATUS).nullable().transform((v) => v ?? 'Unknown'),
    CPUUsage: psNumber.nullable().optional(),
    MemoryAssigned: psNumber.nullable().optional(),
    OperationalStatus: operationalStatus.optional().transform((v) => v ?? 'Ok'),
  })),
  collectedAt: psRequiredDate,
});
export type ReplicationAnswer = z.output<typeof ReplicationAnswerSchema>;
