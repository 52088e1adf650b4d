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

/** VMOperationalStatus values the console cares about; anything else (or a name) reads as itself, then as Ok. */
export const VM_OPERATIONAL_STATUS = { 2: 'Ok', 3: 'Degraded', 32774: 'MigratingVirtualMachine' } as const;

/** Microsoft.HyperV.PowerShell.VMSwitchType. */
export const SWITCH_TYPE = { 0: 'Private', 1: 'Internal', 2: 'External' } as const;

/**
 * Microsoft.HyperV.PowerShell.SnapshotType, from the module's own type definitions (DOMAIN.md's table;
 * the values 3 and 4 do not exist). The scripts emit names; the numbers serve older payloads.
 */
export const SNAPSHOT_TYPE = { 0: 'Standard', 1: 'Recovery', 2: 'Planned', 5: 'Missing', 6: 'Replica', 7: 'AppConsistentReplica', 8: 'SyncedReplica' } as const;

/**
 * Every VMState Windows has (DOMAIN.md; Windows Server 2016 numbers some differently, which is why the
 * scripts emit names). The model keeps the first thirteen; the rest read as Other with a warning.
 */
export const VM_STATE_WINDOWS = {
  1: 'Other', 2: 'Running', 3: 'Off', 4: 'Stopping', 6: 'Saved', 9: 'Paused', 10: 'Starting', 11: 'Reset',
  32773: 'Saving', 32776: 'Pausing', 32777: 'Resuming', 32779: 'FastSaved', 32780: 'FastSaving',
  32781: 'ForceShutdown', 32782: 'ForceReboot', 32783: 'Hibernated', 32784: 'ComponentServicing',
  32785: 'RunningCritical', 32786: 'OffCritical', 32787: 'StoppingCritical', 32788: 'SavedCritical',
  32789: 'PausedCritical', 32790: 'StartingCritical', 32791: 'ResetCritical', 32792: 'SavingCritical',
  32793: 'PausingCritical', 32794: 'ResumingCritical', 32795: 'FastSavedCritical', 32796: 'FastSavingCritical',
} as const;

/** CIM_ConcreteJob.JobState as Msvm_MigrationJob reports it, folded into the port's four states. */
export const MIGRATION_JOB_STATE = {
  2: 'Queued', 3: 'Running', 4: 'Running', 5: 'Running', 6: 'Running', 7: 'Completed',
  8: 'Failed', 9: 'Failed', 10: 'Failed', 11: 'Running',
} as const;
