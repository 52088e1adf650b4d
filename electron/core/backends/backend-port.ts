import type {
  ClusterNodeState, GroupPriority, HeartbeatStatus, MigrationPerformance, ReplicationHealth,
  ReplicationMode, ReplicationState, VmState,
} from '../../../shared/model/hyperv-enums.ts';
import type { EstateSource } from './estate-source.ts';

/**
 * The backend port: what the core may ask of a Hyper-V estate, in Hyper-V's own vocabulary, so the
 * lab and the PowerShell backend are interchangeable. Every call names the host it runs on
 * (`computerName`, as `-ComputerName` does) because the same VM name exists on the primary, the
 * replica and the extended replica host, and the cmdlets act on the copy of the host they reach.
 *
 * Results carry the cmdlets' property names; enums are their names (the PowerShell parsers map the
 * integers ConvertTo-Json writes), times are epoch ms, TimeSpans are seconds. Failures are
 * ContractErrors: not-found (no such VM/host), invalid-state (Hyper-V refuses the operation in the
 * current state), backend (the operation failed), timeout (no answer in time).
 */

/** `-VMName x -ComputerName host`: host name, FQDN, or replica broker name for replica-side calls. */
export interface VmTarget {
  vmName: string;
  computerName: string;
}

/** Get-VM (the properties the console uses). */
export interface VMInfo {
  Name: string;
  VMId: string;
  ComputerName: string;
  State: VmState;
  Heartbeat: HeartbeatStatus;
  ProcessorCount: number;
  MemoryStartup: number;
  /** 'MigratingVirtualMachine' while a live or quick migration moves it. */
  OperationalStatus: 'Ok' | 'Degraded' | 'MigratingVirtualMachine';
  ReplicationMode: ReplicationMode;
  ReplicationState: ReplicationState;
  ReplicationHealth: ReplicationHealth;
}

/** Get-VMHost. */
export interface VMHostInfo {
  Name: string;
  LogicalProcessorCount: number;
  MemoryCapacity: number;
  MaximumVirtualMachineMigrations: number;
  MaximumStorageMigrations: number;
  VirtualMachineMigrationEnabled: boolean;
  VirtualMachineMigrationPerformanceOption: MigrationPerformance;
}

/** Get-ClusterNode. */
export interface ClusterNodeInfo {
  Name: string;
  Cluster: string;
  State: ClusterNodeState;
  DrainStatus: 'NotInitiated' | 'InProgress' | 'Completed' | 'Failed';
}

/** Get-ClusterGroup (VM roles and the Replica Broker role). */
export interface ClusterGroupInfo {
  Name: string;
  Cluster: string;
  OwnerNode: string;
  State: 'Unknown' | 'Online' | 'Offline' | 'Failed' | 'PartialOnline' | 'Pending';
  Priority: GroupPriority;
  GroupType: 'VirtualMachine' | 'VMReplicaBroker';
  /** Get-ClusterGroup's AntiAffinityClassNames. */
  AntiAffinityClassNames?: string[];
  /** Get-ClusterOwnerNode -Group: preferred owners, in order (empty: none). */
  PreferredOwners?: string[];
  /** Get-ClusterOwnerNode -Resource "Virtual Machine <name>": possible owners (every node unless restricted). */
  PossibleOwners?: string[];
}

/** Get-VMReplication: one row per relationship the VM on that host takes part in. */
export interface VMReplicationInfo {
  VMName: string;
  VMId: string;
  ComputerName: string;
  ReplicationMode: ReplicationMode;
  RelationshipType: 'Simple' | 'Extended';
  ReplicationState: ReplicationState;
  ReplicationHealth: ReplicationHealth;
  ReplicationFrequencySec: number;
  PrimaryServerName: string;
  ReplicaServerName: string;
  CurrentReplicaServerName: string;
  LastReplicationTime: number | null;
}

/** Measure-VMReplication. */
export interface VMReplicationMeasure extends VMReplicationInfo {
  PendingReplicationSize: number;
  AverageReplicationSize: number;
  MaximumReplicationSize: number;
  /** Seconds; null when nothing replicated in the monitoring window. */
  AverageReplicationLatency: number | null;
  ReplicationErrors: number;
  SuccessfulReplicationCount: number;
  MissedReplicationCount: number;
  /** Null while the host has no statistics for the VM (a new or just-resumed relationship). */
  MonitoringStartTime: number | null;
  MonitoringEndTime: number | null;
  ReplicationHealthDetails: string[];
  LastReplicationType: 'None' | 'Regular' | 'ApplicationConsistent' | 'Planned';
}

/** Get-VMSnapshot -SnapshotType Replica | AppConsistentReplica on the replica host. */
export interface VMRecoverySnapshot {
  Name: string;
  VMName: string;
  SnapshotType: 'Replica' | 'AppConsistentReplica';
  CreationTime: number;
}

/** Get-VMSwitch. */
export interface VMSwitchInfo {
  Name: string;
  SwitchType: 'Private' | 'Internal' | 'External';
}

/** Get-VMNetworkAdapter: an adapter, and where a test failover's copy of it connects. */
export interface VMNetworkAdapterInfo {
  VMName: string;
  /** The adapter's name ("Network Adapter"). */
  Name: string;
  /** Set-VMNetworkAdapter -TestReplicaSwitchName; null: not set (the test VM starts unplugged). */
  TestReplicaSwitchName: string | null;
}

/** Msvm_MigrationJob, as the console reads it for progress. */
export interface MigrationJobInfo {
  InstanceId: string;
  VMName: string;
  SourceHost: string;
  DestinationHost: string;
  MigrationType: 'Live' | 'Quick';
  JobState: 'Queued' | 'Running' | 'Completed' | 'Failed';
  PercentComplete: number;
  StartTime: number | null;
  ElapsedSec: number;
  ErrorDescription: string | null;
}

/** What the backend tells the core happened, for the event log and the audit trail. */
export interface BackendEvent {
  seq: number;
  at: number;
  kind: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
  vm?: string;
  host?: string;
}

export interface StartVMFailoverOptions {
  /** -Prepare on the primary host: ships the last changes before a planned failover. */
  prepare?: boolean;
  /** -AsTest on the replica host: creates "<name> - Test" and leaves replication running. */
  asTest?: boolean;
  /** -VMRecoverySnapshot: Name of a recovery point from getVMSnapshot; the latest when absent. */
  recoverySnapshotName?: string;
}

/**
 * The backend's clock: simulated on the lab, the system clock on real hosts. Every wait of a run or a
 * migration uses it, so a paused or sped-up lab pauses or speeds up what waits on it.
 */
export interface BackendClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface HyperVBackend extends EstateSource {
  readonly clock: BackendClock;
  /**
   * The shortest period worth polling this backend at (a run polls at the plan's period or this,
   * whichever is longer): each poll of a remote host is a line on the wire. Absent: no floor.
   */
  readonly minPollMs?: number;
  /** Lines sent since start, by site id, on a backend that talks to hosts (PowerShell); absent on the lab. */
  linesBySite?(): Record<string, number>;

  // Inventory.
  getVM(query?: { computerName?: string; vmName?: string }): Promise<VMInfo[]>;
  getVMHost(computerName: string): Promise<VMHostInfo>;
  getClusterNode(cluster: string): Promise<ClusterNodeInfo[]>;
  getClusterGroup(cluster: string): Promise<ClusterGroupInfo[]>;

  // Replication status and measures.
  getVMReplication(target: VmTarget): Promise<VMReplicationInfo[]>;
  measureVMReplication(target: VmTarget): Promise<VMReplicationMeasure[]>;
  getVMSnapshot(target: VmTarget, snapshotType?: 'Replica' | 'AppConsistentReplica'): Promise<VMRecoverySnapshot[]>;
  getVMSwitch(computerName: string): Promise<VMSwitchInfo[]>;
  getVMNetworkAdapter(target: VmTarget): Promise<VMNetworkAdapterInfo[]>;
  suspendVMReplication(target: VmTarget): Promise<void>;
  /**
   * Resume-VMReplication [-Resynchronize | -Continue]. -Continue, on a failed-over replica that extends
   * to a third copy, keeps that extended replication running instead of reversing to the primary
   * (DOMAIN.md "Extended replication A->B->C").
   */
  resumeVMReplication(target: VmTarget, options?: { resynchronize?: boolean; continue?: boolean }): Promise<void>;
  /**
   * Set-VMReplication -ReplicationFrequencySec -Passthru. On the primary host it changes the
   * primary→replica relationship; on the replica host it changes the replica→extended replica one
   * (the replica VM is the primary of that relationship), as Hyper-V does. Extended replication
   * accepts 300 or 900 only: 30 is refused as invalid-state. Answers the changed relationship.
   */
  setVMReplication(target: VmTarget, settings: { replicationFrequencySec: number }): Promise<VMReplicationInfo>;

  // Failover (Start-VMFailover -Prepare | (none) | -AsTest, Stop-, Complete-, Set-VMReplication -Reverse).
  startVMFailover(target: VmTarget, options?: StartVMFailoverOptions): Promise<VMInfo>;
  stopVMFailover(target: VmTarget): Promise<void>;
  completeVMFailover(target: VmTarget): Promise<void>;
  /**
   * Set-VMReplication -Reverse. Refused while the replica is the primary of an extended replication
   * (A->B->C); removeExtended first ends that (Remove-VMReplication -ReplicationRelationshipType
   * Extended), giving up the third copy until it is extended again.
   */
  reverseVMReplication(target: VmTarget, options?: { removeExtended?: boolean }): Promise<void>;

  // Power.
  startVM(target: VmTarget): Promise<VMInfo>;
  /** Shut down the guest; turnOff pulls the plug (Stop-VM -TurnOff). Resolves when Off. */
  stopVM(target: VmTarget, options?: { turnOff?: boolean }): Promise<VMInfo>;

  // Live migration and cluster nodes.
  /** Move-ClusterVirtualMachineRole -MigrationType Live|Quick -Node; wait false is -Wait 0. */
  moveClusterVirtualMachineRole(request: { vmName: string; node: string; migrationType: 'Live' | 'Quick'; wait?: boolean }): Promise<ClusterGroupInfo>;
  /** Suspend-ClusterNode -Drain [-Wait]: Low priority roles are quick-migrated, as Windows does. */
  suspendClusterNode(node: string, options: { drain: boolean; wait?: boolean }): Promise<ClusterNodeInfo>;
  resumeClusterNode(node: string): Promise<ClusterNodeInfo>;
  setVMHost(computerName: string, settings: {
    maximumVirtualMachineMigrations?: number;
    virtualMachineMigrationPerformanceOption?: MigrationPerformance;
  }): Promise<VMHostInfo>;
  getMigrationJobs(): Promise<MigrationJobInfo[]>;

  // Observation (besides the estate patches of EstateSource.start).
  onEvents(listener: (events: BackendEvent[]) => void): () => void;
  /** Whether each site can be worked on now: the lab's view of its hosts, or the remoting session. */
  siteReach(): SiteReach[];
}

export interface SiteReach {
  siteId: string;
  state: 'connected' | 'degraded' | 'connecting' | 'disconnected' | 'lost';
  /** In plain words, with what to do when there is something to do. */
  problem: string | null;
}

/**
 * The backend calls that change the estate, with the cmdlet each one stands for: each one is
 * audited, never retried automatically and verified by a re-read.
 */
export const MUTATING_CALLS = {
  suspendVMReplication: 'Suspend-VMReplication',
  resumeVMReplication: 'Resume-VMReplication',
  setVMReplication: 'Set-VMReplication',
  startVMFailover: 'Start-VMFailover',
  stopVMFailover: 'Stop-VMFailover',
  completeVMFailover: 'Complete-VMFailover',
  reverseVMReplication: 'Set-VMReplication -Reverse',
  startVM: 'Start-VM',
  stopVM: 'Stop-VM',
  moveClusterVirtualMachineRole: 'Move-ClusterVirtualMachineRole',
  suspendClusterNode: 'Suspend-ClusterNode',
  resumeClusterNode: 'Resume-ClusterNode',
  setVMHost: 'Set-VMHost',
} as const satisfies Partial<Record<keyof HyperVBackend, string>>;
export type MutatingCall = keyof typeof MUTATING_CALLS;
