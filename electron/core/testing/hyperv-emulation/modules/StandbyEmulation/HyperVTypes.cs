// Types of the Hyper-V and FailoverClusters modules, in Microsoft's namespaces, with Microsoft's
// integer values (DOMAIN.md "Enum integers", taken from the module's own type definitions as public
// projects reproduce them: nforgeio/neonSDK HyperVWmiDriver, dsccommunity/HyperVDsc and
// FailoverClusterDsc test stubs). ConvertTo-Json on Windows PowerShell 5.1 writes these as integers.
using System;

namespace Microsoft.HyperV.PowerShell
{
    // Sources: learn.microsoft.com/windows/win32/hyperv_v2/msvm-computersystem (EnabledState /
    // Hyper-V's VMState), DOMAIN.md. 29 values, the *Critical ones included.
    public enum VMState
    {
        Other = 1, Running = 2, Off = 3, Stopping = 4, Saved = 6, Paused = 9, Starting = 10, Reset = 11,
        Saving = 32773, Pausing = 32776, Resuming = 32777, FastSaved = 32779, FastSaving = 32780,
        ForceShutdown = 32781, ForceReboot = 32782, Hibernated = 32783, ComponentServicing = 32784,
        RunningCritical = 32785, OffCritical = 32786, StoppingCritical = 32787, SavedCritical = 32788,
        PausedCritical = 32789, StartingCritical = 32790, ResetCritical = 32791, SavingCritical = 32792,
        PausingCritical = 32793, ResumingCritical = 32794, FastSavedCritical = 32795, FastSavingCritical = 32796,
    }

    public enum VMHeartbeatStatus
    {
        Unknown = 0, Disabled = 1, NoContact = 2, Error = 3, LostCommunication = 4,
        OkApplicationsUnknown = 5, OkApplicationsHealthy = 6, OkApplicationsCritical = 7, Paused = 8,
    }

    public enum VMOperationalStatus
    {
        // Only the values DOMAIN.md lists (the rest of Microsoft's table is not verified here).
        Ok = 2, Degraded = 3, MigratingVirtualMachine = 32774,
    }

    // The exception type Hyper-V cmdlets wrap their failures in.
    public class VirtualizationException : Exception
    {
        public VirtualizationException(string message) : base(message) { }
    }

    public enum VMReplicationMode { None = 0, Primary = 1, Replica = 2, TestReplica = 3, ExtendedReplica = 4 }

    public enum VMReplicationState
    {
        Disabled = 0, ReadyForInitialReplication = 1, InitialReplicationInProgress = 2, WaitingForInitialReplication = 3,
        Replicating = 4, PreparedForFailover = 5, FailedOverWaitingCompletion = 6, FailedOver = 7, Suspended = 8, Error = 9,
        WaitingForStartResynchronize = 10, Resynchronizing = 11, ResynchronizeSuspended = 12, RecoveryInProgress = 13,
        FailbackInProgress = 14, FailbackComplete = 15, WaitingForUpdateCompletion = 16, UpdateError = 17,
        WaitingForRepurposeCompletion = 18, PreparedForSyncReplication = 19, PreparedForGroupReverseReplication = 20,
        FiredrillInProgress = 21,
    }

    public enum VMReplicationHealthState { NotApplicable = 0, Normal = 1, Warning = 2, Critical = 3 }
    public enum VMReplicationRelationshipType { Simple = 0, Extended = 1 }
    public enum VMReplicationType { None = 0, Regular = 1, ApplicationConsistent = 2, Planned = 3 }
    // Get-VMSnapshot -SnapshotType {Standard | Recovery | Planned | Missing | Replica | AppConsistentReplica | SyncedReplica}
    // (learn.microsoft.com previous-versions hh848569); integers from the module's definitions (DOMAIN.md).
    public enum SnapshotType { Standard = 0, Recovery = 1, Planned = 2, Missing = 5, Replica = 6, AppConsistentReplica = 7, SyncedReplica = 8 }
    public enum VMMigrationPerformance { TCPIP = 0, Compression = 1, SMB = 2 }
    public enum VMSwitchType { Private = 0, Internal = 1, External = 2 }

    public class VirtualMachine
    {
        public string Name;
        public Guid Id;
        public Guid VMId;
        public string VMName;
        public string ComputerName;
        public VMState State;
        // Get-VM: Heartbeat is null when the heartbeat integration service is not running (VM off).
        public Nullable<VMHeartbeatStatus> Heartbeat;
        public long ProcessorCount;
        public long MemoryStartup;
        public long MemoryAssigned;
        public int CPUUsage;
        public VMOperationalStatus[] OperationalStatus;
        public VMReplicationMode ReplicationMode;
        public VMReplicationState ReplicationState;
        public VMReplicationHealthState ReplicationHealth;
        public string Notes;
        public TimeSpan Uptime;
        public override string ToString() { return "VirtualMachine (Name = '" + Name + "') [Id = '" + Id + "']"; }
    }

    public class VMReplication
    {
        public string Name;
        public string VMName;
        public Guid VMId;
        public string ComputerName;
        public VMReplicationMode ReplicationMode;
        public VMReplicationRelationshipType ReplicationRelationshipType;
        public VMReplicationState ReplicationState;
        public VMReplicationHealthState ReplicationHealth;
        public int ReplicationFrequencySec;
        public string PrimaryServerName;
        public string ReplicaServerName;
        public string CurrentReplicaServerName;
        public Nullable<DateTime> LastReplicationTime;
        public int RecoveryHistory;
        public int VSSSnapshotFrequencyHour;
    }

    // Measure-VMReplication's object (class name not verified; properties per DOMAIN.md and
    // learn.microsoft.com/windows/win32/hyperv_v2/msvm-replicationstatistics).
    public class VMReplicationStatistics : VMReplication
    {
        public ulong PendingReplicationSize;
        public ulong AverageReplicationSize;
        public ulong MaximumReplicationSize;
        public Nullable<TimeSpan> AverageReplicationLatency;
        public int ReplicationErrors;
        public int SuccessfulReplicationCount;
        public int MissedReplicationCount;
        public Nullable<DateTime> MonitoringStartTime;
        public Nullable<DateTime> MonitoringEndTime;
        public string[] ReplicationHealthDetails;
        public VMReplicationType LastReplicationType;
    }

    public class VMSnapshot
    {
        public string Name;
        public string VMName;
        public Guid VMId;
        public string ComputerName;
        public SnapshotType SnapshotType;
        public DateTime CreationTime;
    }

    public class VMHost
    {
        public string Name;
        public string ComputerName;
        public long LogicalProcessorCount;
        public long MemoryCapacity;
        public uint MaximumVirtualMachineMigrations;
        public uint MaximumStorageMigrations;
        public bool VirtualMachineMigrationEnabled;
        public VMMigrationPerformance VirtualMachineMigrationPerformanceOption;
    }

    public class VMSwitch { public string Name; public string ComputerName; public VMSwitchType SwitchType; }

    public class VMNetworkAdapter
    {
        public string Name;
        public string VMName;
        public Guid VMId;
        public string SwitchName;
        public string TestReplicaSwitchName;
    }
}

namespace Microsoft.FailoverClusters.PowerShell
{
    public enum ClusterNodeState { Unknown = -1, Up = 0, Down = 1, Paused = 2, Joining = 3 }
    public enum ClusterNodeDrainStatus { NotInitiated = 0, InProgress = 1, Completed = 2, Failed = 3 }
    public enum ClusterGroupState { Unknown = -1, Online = 0, Offline = 1, Failed = 2, PartialOnline = 3, Pending = 4 }
    // GroupType integers: VirtualMachine 111, VMReplicaBroker 115 (DOMAIN.md: broker group type 115).
    public enum GroupType { Unknown = 9999, Cluster = 1, AvailableStorage = 2, FileServer = 100, GenericService = 104, VirtualMachine = 111, VMReplicaBroker = 115 }

    public class ClusterCmdletException : Exception
    {
        public ClusterCmdletException(string message) : base(message) { }
    }

    public class Cluster { public string Name; public override string ToString() { return Name; } }

    public class ClusterNode
    {
        public string Name;
        public Cluster Cluster;
        public ClusterNodeState State;
        public ClusterNodeDrainStatus DrainStatus;
        public override string ToString() { return Name; }
    }

    public class ClusterGroup
    {
        public string Name;
        public Cluster Cluster;
        public ClusterNode OwnerNode;
        public ClusterGroupState State;
        // Priority is a uint32 on the group (3000 High, 2000 Medium, 1000 Low, 0 No Auto Start).
        public uint Priority;
        public GroupType GroupType;
        public System.Collections.Specialized.StringCollection AntiAffinityClassNames;
        public override string ToString() { return Name; }
    }

    public class ClusterOwnerNodeList
    {
        public string ClusterObject;
        public ClusterNode[] OwnerNodes;
    }
}
