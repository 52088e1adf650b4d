/**
 * Enum tables the PowerShell parsers need that shared/model/hyperv-enums.ts does not hold (yet):
 * integer → name, as ConvertTo-Json writes them. Values from DOMAIN.md where it lists them; the
 * ones marked unverified are from the cmdlets' documentation and wait for a real host to confirm.
 */

export const CLUSTER_NODE_DRAIN_STATUS = { 0: 'NotInitiated', 1: 'InProgress', 2: 'Completed', 3: 'Failed' } as const;

export const CLUSTER_GROUP_STATE = { [-1]: 'Unknown', 0: 'Online', 1: 'Offline', 2: 'Failed', 3: 'PartialOnline', 4: 'Pending' } as const;

/** Microsoft.FailoverClusters GroupType; only the two roles the console tracks are named. (111 unverified.) */
export const CLUSTER_GROUP_TYPE = { 111: 'VirtualMachine', 115: 'VMReplicaBroker' } as const;

export const REPLICATION_RELATIONSHIP_TYPE = { 0: 'Simple', 1: 'Extended' } as const;

export const REPLICATION_TYPE = { 0: 'None', 1: 'Regular', 2: 'ApplicationConsistent', 3: 'Planned' } as const;

/** VMOperationalStatus values the console cares about; anything else reads as Ok. */
export const VM_OPERATIONAL_STATUS = { 2: 'Ok', 3: 'Degraded', 32774: 'MigratingVirtualMachine' } as const;

/** Microsoft.HyperV.PowerShell.SnapshotType (unverified beyond the names the cmdlet accepts). */
/** Microsoft.HyperV.PowerShell.VMSwitchType. */
export const SWITCH_TYPE = { 0: 'Private', 1: 'Internal', 2: 'External' } as const;

export const SNAPSHOT_TYPE = { 0: 'Standard', 1: 'Recovery', 2: 'Planned', 3: 'Missing', 4: 'Replica', 5: 'AppConsistentReplica', 6: 'SyncedReplica' } as const;

/** CIM_ConcreteJob.JobState as Msvm_MigrationJob reports it, folded into the port's four states. */
export const MIGRATION_JOB_STATE = {
  2: 'Queued', 3: 'Running', 4: 'Running', 5: 'Running', 6: 'Running', 7: 'Completed',
  8: 'Failed', 9: 'Failed', 10: 'Failed', 11: 'Running',
} as const;
