# Everything this host knows for one refresh: the host, its VMs, their replication and its view of the cluster.
# Runs on a Hyper-V host through Invoke-Command; its one argument is base64 of UTF-8 JSON.
param([Parameter(Mandatory = $true)][string]$ArgumentsBase64)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }

function ConvertFrom-StandbyArgument([string]$Encoded) {
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Encoded))
    $options = @{}
    if ((Get-Command ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $options['DateKind'] = 'String' }
    $json | ConvertFrom-Json @options
}

function Format-StandbyDate($Value) {
    if ($null -eq $Value) { return $null }
    ([datetime]$Value).ToString('o')
}

try {
    $in = ConvertFrom-StandbyArgument $ArgumentsBase64
    # One answer per host; the session fans this out to every node of a cluster at once.
    $vmHost = Get-VMHost | Select-Object @{ n = "Name"; e = { $env:COMPUTERNAME } }, 'LogicalProcessorCount', 'MemoryCapacity', 'MaximumVirtualMachineMigrations', 'MaximumStorageMigrations', 'VirtualMachineMigrationEnabled', 'VirtualMachineMigrationPerformanceOption'
    $vms = @(Get-VM | Select-Object 'Name', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'State', 'Heartbeat', 'ProcessorCount', 'MemoryStartup', 'MemoryAssigned', 'CPUUsage', @{ n = "OperationalStatus"; e = { @($_.OperationalStatus | ForEach-Object { [int]$_ }) } }, 'ReplicationMode', 'ReplicationState', 'ReplicationHealth', 'Notes', @{ n = "UptimeSec"; e = { [int64]$_.Uptime.TotalSeconds } })
    $replication = @(Get-VMReplication -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'RecoveryHistory', 'VSSSnapshotFrequencyHour')
    $replication += @(Get-VMReplication -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'RecoveryHistory', 'VSSSnapshotFrequencyHour')
    $measures = @(Measure-VMReplication -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'PendingReplicationSize', 'AverageReplicationSize', 'MaximumReplicationSize', 'AverageReplicationLatency', 'ReplicationErrors', 'SuccessfulReplicationCount', 'MissedReplicationCount', @{ n = "MonitoringStartTime"; e = { Format-StandbyDate $_.MonitoringStartTime } }, @{ n = "MonitoringEndTime"; e = { Format-StandbyDate $_.MonitoringEndTime } }, @{ n = "ReplicationHealthDetails"; e = { @($_.ReplicationHealthDetails | ForEach-Object { [string]$_ }) } }, 'LastReplicationType')
    $measures += @(Measure-VMReplication -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'PendingReplicationSize', 'AverageReplicationSize', 'MaximumReplicationSize', 'AverageReplicationLatency', 'ReplicationErrors', 'SuccessfulReplicationCount', 'MissedReplicationCount', @{ n = "MonitoringStartTime"; e = { Format-StandbyDate $_.MonitoringStartTime } }, @{ n = "MonitoringEndTime"; e = { Format-StandbyDate $_.MonitoringEndTime } }, @{ n = "ReplicationHealthDetails"; e = { @($_.ReplicationHealthDetails | ForEach-Object { [string]$_ }) } }, 'LastReplicationType')
    $clusterNodes = @(Get-ClusterNode | Select-Object 'Name', @{ n = "Cluster"; e = { [string]$_.Cluster } }, 'State', 'DrainStatus')
    # Each node reports the roles it owns, so the union over the nodes is the cluster's list once.
    # Placement rules ride along: anti-affinity classes, preferred owners of the group, possible owners of its VM resource.
    $groups = @(Get-ClusterGroup | Where-Object { [string]$_.OwnerNode -eq $env:COMPUTERNAME } | Select-Object 'Name', @{ n = "Cluster"; e = { [string]$_.Cluster } }, @{ n = "OwnerNode"; e = { [string]$_.OwnerNode } }, 'State', 'Priority', 'GroupType', @{ n = "AntiAffinityClassNames"; e = { @($_.AntiAffinityClassNames | ForEach-Object { [string]$_ }) } }, @{ n = "PreferredOwners"; e = { @((Get-ClusterOwnerNode -Group $_.Name).OwnerNodes | ForEach-Object { [string]$_.Name }) } }, @{ n = "PossibleOwners"; e = { if ([string]$_.GroupType -eq 'VirtualMachine' -or [int]$_.GroupType -eq 111) { @((Get-ClusterOwnerNode -Resource ("Virtual Machine " + $_.Name) -ErrorAction SilentlyContinue).OwnerNodes | ForEach-Object { [string]$_.Name }) } else { @() } } })
    $data = [ordered]@{
        host = $vmHost
        vms = $vms
        replication = $replication
        measures = $measures
        clusterNodes = $clusterNodes
        groups = $groups
        collectedAt = (Get-Date).ToString('o')
    }
    [ordered]@{ ok = $true; data = $data } | ConvertTo-Json -Depth 6 -Compress
} catch {
    [ordered]@{
        ok = $false
        error = [ordered]@{
            id = [string]$_.FullyQualifiedErrorId
            category = [string]$_.CategoryInfo.Category
            message = [string]$_.Exception.Message
            target = [string]$_.TargetObject
        }
    } | ConvertTo-Json -Depth 3 -Compress
}
