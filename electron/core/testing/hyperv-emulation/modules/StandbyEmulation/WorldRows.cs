// The world's rows (world-bridge.ts records, as ConvertFrom-Json gives them) turned into the Hyper-V and
// FailoverClusters types of HyperVTypes.cs, one call per answer. Done property by property in script,
// this cost about half a millisecond per VM and dominated every emulated call on a 300-VM host (a
// Get-VM -Id built every VM of the host). Values convert with PowerShell's own rules
// (LanguagePrimitives.ConvertTo, what a [type] cast in script does), so an enum name the type does not
// know still throws as it did. Emulation plumbing, not a type of Windows.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using Microsoft.FailoverClusters.PowerShell;
using Microsoft.HyperV.PowerShell;

namespace Standby.Emulation
{
    public static class WorldRows
    {
        internal static object Value(PSObject row, string name)
        {
            PSPropertyInfo property = row.Properties[name];
            object value = property == null ? null : property.Value;
            PSObject wrapped = value as PSObject;
            return wrapped != null && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value;
        }

        static T As<T>(PSObject row, string name) { return (T)LanguagePrimitives.ConvertTo(Value(row, name), typeof(T)); }

        // [string]$null is '' in script.
        static string Text(PSObject row, string name) { object v = Value(row, name); return v == null ? "" : v.ToString(); }

        static T Enum<T>(PSObject row, string name) { return (T)LanguagePrimitives.ConvertTo(Text(row, name), typeof(T)); }

        static IEnumerable<object> Items(object value)
        {
            if (value == null) yield break;
            PSObject wrapped = value as PSObject;
            if (wrapped != null && !(wrapped.BaseObject is PSCustomObject)) value = wrapped.BaseObject;
            if (value is string || !(value is IEnumerable)) { yield return value; yield break; }
            foreach (object item in (IEnumerable)value) if (item != null) yield return item;
        }

        internal static List<string> Texts(object value)
        {
            List<string> texts = new List<string>();
            foreach (object item in Items(value)) texts.Add(item.ToString());
            return texts;
        }

        internal static IEnumerable<PSObject> Rows(object rows)
        {
            foreach (object item in Items(rows)) yield return item as PSObject ?? PSObject.AsPSObject(item);
        }

        /// The world keeps epoch ms (UTC); Hyper-V returns local DateTime values (Kind Local, DOMAIN.md).
        public static Nullable<DateTime> Epoch(object milliseconds)
        {
            if (milliseconds == null) return null;
            return DateTimeOffset.FromUnixTimeMilliseconds((long)LanguagePrimitives.ConvertTo(milliseconds, typeof(long))).LocalDateTime;
        }

        public static VirtualMachine[] VirtualMachines(object rows, string computerName)
        {
            List<VirtualMachine> vms = new List<VirtualMachine>();
            foreach (PSObject row in Rows(rows)) vms.Add(VirtualMachine(row, computerName));
            return vms.ToArray();
        }

        public static VirtualMachine VirtualMachine(PSObject row, string computerName)
        {
            VirtualMachine vm = new VirtualMachine();
            vm.Name = Text(row, "Name");
            vm.VMName = vm.Name;
            vm.Id = As<Guid>(row, "VMId");
            vm.VMId = vm.Id;
            vm.ComputerName = computerName;
            vm.State = Enum<VMState>(row, "State");
            if (Value(row, "Heartbeat") != null) vm.Heartbeat = Enum<VMHeartbeatStatus>(row, "Heartbeat");
            vm.ProcessorCount = As<long>(row, "ProcessorCount");
            vm.MemoryStartup = As<long>(row, "MemoryStartup");
            vm.MemoryAssigned = As<long>(row, "MemoryAssigned");
            vm.CPUUsage = As<int>(row, "CPUUsage");
            List<VMOperationalStatus> status = new List<VMOperationalStatus>();
            foreach (string s in Texts(Value(row, "OperationalStatus"))) status.Add((VMOperationalStatus)LanguagePrimitives.ConvertTo(s, typeof(VMOperationalStatus)));
            vm.OperationalStatus = status.ToArray();
            vm.ReplicationMode = Enum<VMReplicationMode>(row, "ReplicationMode");
            vm.ReplicationState = Enum<VMReplicationState>(row, "ReplicationState");
            vm.ReplicationHealth = Enum<VMReplicationHealthState>(row, "ReplicationHealth");
            vm.Notes = Text(row, "Notes");
            vm.Uptime = TimeSpan.FromSeconds(As<double>(row, "UptimeSec"));
            return vm;
        }

        public static VMReplication Replication(PSObject row, bool statistics)
        {
            VMReplication r = statistics ? new VMReplicationStatistics() : new VMReplication();
            r.Name = Text(row, "VMName");
            r.VMName = r.Name;
            r.VMId = As<Guid>(row, "VMId");
            r.ComputerName = Text(row, "ComputerName");
            r.ReplicationMode = Enum<VMReplicationMode>(row, "ReplicationMode");
            r.ReplicationRelationshipType = Enum<VMReplicationRelationshipType>(row, "ReplicationRelationshipType");
            r.ReplicationState = Enum<VMReplicationState>(row, "ReplicationState");
            r.ReplicationHealth = Enum<VMReplicationHealthState>(row, "ReplicationHealth");
            r.ReplicationFrequencySec = As<int>(row, "ReplicationFrequencySec");
            r.PrimaryServerName = Text(row, "PrimaryServerName");
            r.ReplicaServerName = Text(row, "ReplicaServerName");
            r.CurrentReplicaServerName = Text(row, "CurrentReplicaServerName");
            r.LastReplicationTime = Epoch(Value(row, "LastReplicationTime"));
            VMReplicationStatistics m = r as VMReplicationStatistics;
            if (m == null)
            {
                r.RecoveryHistory = As<int>(row, "RecoveryHistory");
                r.VSSSnapshotFrequencyHour = As<int>(row, "VSSSnapshotFrequencyHour");
                return r;
            }
            m.PendingReplicationSize = As<ulong>(row, "PendingReplicationSize");
            m.AverageReplicationSize = As<ulong>(row, "AverageReplicationSize");
            m.MaximumReplicationSize = As<ulong>(row, "MaximumReplicationSize");
            if (Value(row, "AverageReplicationLatencySec") != null) m.AverageReplicationLatency = TimeSpan.FromSeconds(As<double>(row, "AverageReplicationLatencySec"));
            m.ReplicationErrors = As<int>(row, "ReplicationErrors");
            m.SuccessfulReplicationCount = As<int>(row, "SuccessfulReplicationCount");
            m.MissedReplicationCount = As<int>(row, "MissedReplicationCount");
            // Null without statistics (DOMAIN.md).
            m.MonitoringStartTime = Epoch(Value(row, "MonitoringStartTime"));
            m.MonitoringEndTime = Epoch(Value(row, "MonitoringEndTime"));
            m.ReplicationHealthDetails = Texts(Value(row, "ReplicationHealthDetails")).ToArray();
            m.LastReplicationType = Enum<VMReplicationType>(row, "LastReplicationType");
            return m;
        }

        public static VMSnapshot Snapshot(PSObject row, string computerName)
        {
            VMSnapshot s = new VMSnapshot();
            s.Name = Text(row, "Name");
            s.VMName = Text(row, "VMName");
            s.VMId = As<Guid>(row, "VMId");
            s.ComputerName = computerName;
            s.SnapshotType = Enum<SnapshotType>(row, "SnapshotType");
            s.CreationTime = Epoch(Value(row, "CreationTime")).Value;
            return s;
        }
    }

    /// One read of the cluster (world-bridge.ts 'cluster') as FailoverClusters objects, indexed by name
    /// (cluster object names are case-insensitive): Get-ClusterOwnerNode is called once per group by the
    /// inventory script, and a scan of every group per call was quadratic in the cluster's VMs.
    public class ClusterView
    {
        // Priority is a uint32 on the group (3000 High, 2000 Medium, 1000 Low, 0 No Auto Start).
        static readonly Dictionary<string, uint> PriorityValue = new Dictionary<string, uint>(StringComparer.OrdinalIgnoreCase)
        {
            { "High", 3000 }, { "Medium", 2000 }, { "Low", 1000 }, { "NoAutoStart", 0 },
        };

        public readonly object World;
        public readonly Cluster Cluster = new Cluster();
        public readonly ClusterNode[] Nodes;
        public readonly ClusterGroup[] Groups;
        readonly Dictionary<string, ClusterNode> nodeByName = new Dictionary<string, ClusterNode>(StringComparer.OrdinalIgnoreCase);
        readonly Dictionary<string, ClusterGroup> groupByName = new Dictionary<string, ClusterGroup>(StringComparer.OrdinalIgnoreCase);
        readonly Dictionary<ClusterGroup, ClusterNode[]> preferred = new Dictionary<ClusterGroup, ClusterNode[]>();
        readonly Dictionary<ClusterGroup, ClusterNode[]> possible = new Dictionary<ClusterGroup, ClusterNode[]>();

        public ClusterView(PSObject world)
        {
            World = world;
            Cluster.Name = Text(world, "Name");
            List<ClusterNode> nodes = new List<ClusterNode>();
            foreach (PSObject row in Rows(Value(world, "Nodes")))
            {
                ClusterNode n = new ClusterNode();
                n.Name = Text(row, "Name");
                n.Cluster = Cluster;
                n.State = (ClusterNodeState)LanguagePrimitives.ConvertTo(Text(row, "State"), typeof(ClusterNodeState));
                n.DrainStatus = (ClusterNodeDrainStatus)LanguagePrimitives.ConvertTo(Text(row, "DrainStatus"), typeof(ClusterNodeDrainStatus));
                nodes.Add(n);
                if (!nodeByName.ContainsKey(n.Name)) nodeByName.Add(n.Name, n);
            }
            Nodes = nodes.ToArray();
            List<ClusterGroup> groups = new List<ClusterGroup>();
            foreach (PSObject row in Rows(Value(world, "Groups")))
            {
                ClusterGroup g = new ClusterGroup();
                g.Name = Text(row, "Name");
                g.Cluster = Cluster;
                ClusterNode owner;
                g.OwnerNode = nodeByName.TryGetValue(Text(row, "OwnerNode"), out owner) ? owner : null;
                g.State = (ClusterGroupState)LanguagePrimitives.ConvertTo(Text(row, "State"), typeof(ClusterGroupState));
                uint priority;
                g.Priority = PriorityValue.TryGetValue(Text(row, "Priority"), out priority) ? priority : 0;
                g.GroupType = (GroupType)LanguagePrimitives.ConvertTo(Text(row, "GroupType"), typeof(GroupType));
                g.AntiAffinityClassNames = new System.Collections.Specialized.StringCollection();
                foreach (string c in WorldRows.Texts(Value(row, "AntiAffinityClassNames"))) if (c.Length > 0) g.AntiAffinityClassNames.Add(c);
                preferred[g] = NodesNamed(Value(row, "PreferredOwners"));
                possible[g] = NodesNamed(Value(row, "PossibleOwners"));
                groups.Add(g);
                if (!groupByName.ContainsKey(g.Name)) groupByName.Add(g.Name, g);
            }
            Groups = groups.ToArray();
        }

        ClusterNode[] NodesNamed(object names)
        {
            List<ClusterNode> found = new List<ClusterNode>();
            foreach (string name in WorldRows.Texts(names)) { ClusterNode n; if (nodeByName.TryGetValue(name, out n)) found.Add(n); }
            return found.ToArray();
        }

        public ClusterGroup Group(string name) { ClusterGroup g; return name != null && groupByName.TryGetValue(name, out g) ? g : null; }
        public ClusterNode Node(string name) { ClusterNode n; return name != null && nodeByName.TryGetValue(name, out n) ? n : null; }
        /// Get-ClusterOwnerNode -Group: the group's preferred owners.
        public ClusterNode[] PreferredOwners(ClusterGroup group) { return preferred[group]; }
        /// Get-ClusterOwnerNode -Resource "Virtual Machine <name>": the VM resource's possible owners.
        public ClusterNode[] PossibleOwners(ClusterGroup group) { return possible[group]; }

        static object Value(PSObject row, string name) { return WorldRows.Value(row, name); }
        static string Text(PSObject row, string name) { object v = Value(row, name); return v == null ? "" : v.ToString(); }
        static IEnumerable<PSObject> Rows(object rows) { return WorldRows.Rows(rows); }
    }
}
