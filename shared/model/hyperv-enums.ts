// Hyper-V enum tables from the module's own type definitions (DOMAIN.md). ConvertTo-Json writes
// these as integers; the model carries the names so a wrong guess is corrected in one table.

export const VM_STATE = {
  1: 'Other', 2: 'Running', 3: 'Off', 4: 'Stopping', 6: 'Saved', 9: 'Paused', 10: 'Starting',
  11: 'Reset', 32773: 'Saving', 32776: 'Pausing', 32777: 'Resuming', 32779: 'FastSaved',
  32780: 'FastSaving',
} as const;
export type VmState = (typeof VM_STATE)[keyof typeof VM_STATE];
export const VM_STATES = Object.values(VM_STATE) as [VmState, ...VmState[]];

export const REPLICATION_STATE = {
  0: 'Disabled', 1: 'ReadyForInitialReplication', 2: 'InitialReplicationInProgress',
  3: 'WaitingForInitialReplication', 4: 'Replicating', 5: 'PreparedForFailover',
  6: 'FailedOverWaitingCompletion', 7: 'FailedOver', 8: 'Suspended', 9: 'Error',
  10: 'WaitingForStartResynchronize', 11: 'Resynchronizing', 12: 'ResynchronizeSuspended',
  13: 'RecoveryInProgress', 14: 'FailbackInProgress', 15: 'FailbackComplete',
  16: 'WaitingForUpdateCompletion', 17: 'UpdateError', 18: 'WaitingForRepurposeCompletion',
  19: 'PreparedForSyncReplication', 20: 'PreparedForGroupReverseReplication', 21: 'FiredrillInProgress',
} as const;
export type ReplicationState = (typeof REPLICATION_STATE)[keyof typeof REPLICATION_STATE];
export const REPLICATION_STATES = Object.values(REPLICATION_STATE) as [ReplicationState, ...ReplicationState[]];

export const REPLICATION_HEALTH = { 0: 'NotApplicable', 1: 'Normal', 2: 'Warning', 3: 'Critical' } as const;
export type ReplicationHealth = (typeof REPLICATION_HEALTH)[keyof typeof REPLICATION_HEALTH];
export const REPLICATION_HEALTHS = Object.values(REPLICATION_HEALTH) as [ReplicationHealth, ...ReplicationHealth[]];

export const REPLICATION_MODE = { 0: 'None', 1: 'Primary', 2: 'Replica', 3: 'TestReplica', 4: 'ExtendedReplica' } as const;
export type ReplicationMode = (typeof REPLICATION_MODE)[keyof typeof REPLICATION_MODE];
export const REPLICATION_MODES = Object.values(REPLICATION_MODE) as [ReplicationMode, ...ReplicationMode[]];

export const HEARTBEAT_STATUS = {
  0: 'Unknown', 1: 'Disabled', 2: 'NoContact', 3: 'Error', 4: 'LostCommunication',
  5: 'OkApplicationsUnknown', 6: 'OkApplicationsHealthy', 7: 'OkApplicationsCritical', 8: 'Paused',
} as const;
export type HeartbeatStatus = (typeof HEARTBEAT_STATUS)[keyof typeof HEARTBEAT_STATUS];
export const HEARTBEAT_STATUSES = Object.values(HEARTBEAT_STATUS) as [HeartbeatStatus, ...HeartbeatStatus[]];

export const MIGRATION_PERFORMANCE = { 0: 'TCPIP', 1: 'Compression', 2: 'SMB' } as const;
export type MigrationPerformance = (typeof MIGRATION_PERFORMANCE)[keyof typeof MIGRATION_PERFORMANCE];
export const MIGRATION_PERFORMANCES = Object.values(MIGRATION_PERFORMANCE) as [MigrationPerformance, ...MigrationPerformance[]];

export const CLUSTER_NODE_STATE = { [-1]: 'Unknown', 0: 'Up', 1: 'Down', 2: 'Paused', 3: 'Joining' } as const;
export type ClusterNodeState = (typeof CLUSTER_NODE_STATE)[keyof typeof CLUSTER_NODE_STATE];
export const CLUSTER_NODE_STATES = Object.values(CLUSTER_NODE_STATE) as [ClusterNodeState, ...ClusterNodeState[]];

/** Cluster group priority as Failover Clustering stores it; drains quick-migrate Low. */
export const GROUP_PRIORITY = { 3000: 'High', 2000: 'Medium', 1000: 'Low', 0: 'NoAutoStart' } as const;
export type GroupPriority = (typeof GROUP_PRIORITY)[keyof typeof GROUP_PRIORITY];
export const GROUP_PRIORITIES = Object.values(GROUP_PRIORITY) as [GroupPriority, ...GroupPriority[]];

/** Hyper-V Replica accepts only these frequencies; extended replication only the last two. */
export const REPLICATION_FREQUENCIES_SEC = [30, 300, 900] as const;
export const EXTENDED_REPLICATION_FREQUENCIES_SEC = [300, 900] as const;
