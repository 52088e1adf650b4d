# Everything this host knows for one refresh: the host, its VMs, their replication and its view of the cluster.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
# One answer per host; the session fans this out to every node of a cluster at once.
$vmHost = Get-VMHost | Select-Object $StandbyHostSelect
$vms = @(Get-VM | Select-Object $StandbyVmSelect)
$replication = @(Get-VMReplication -ErrorAction SilentlyContinue | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
$replication += @(Get-VMReplication -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
$measures = @(Measure-VMReplication -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
$measures += @(Measure-VMReplication -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
$clusterNodes = @(Get-ClusterNode | Select-Object $StandbyClusterNodeSelect)
# Each node reports the roles it owns, so the union over the nodes is the cluster's list once.
# Placement rules ride along: anti-affinity classes, preferred owners of the group, possible owners of its VM resource.
$groupSelect = $StandbyClusterGroupSelect + @(
    @{ n = 'AntiAffinityClassNames'; e = { Join-StandbyList $_.AntiAffinityClassNames } },
    @{ n = 'PreferredOwners'; e = { Join-StandbyList ((Get-ClusterOwnerNode -Group $_.Name).OwnerNodes | ForEach-Object { [string]$_.Name }) } },
    @{ n = 'PossibleOwners'; e = { if ([string]$_.GroupType -eq 'VirtualMachine' -or [string]$_.GroupType -eq '111') { Join-StandbyList ((Get-ClusterOwnerNode -Resource ('Virtual Machine ' + $_.Name) -ErrorAction SilentlyContinue).OwnerNodes | ForEach-Object { [string]$_.Name }) } else { '' } } }
)
$groups = @(Get-ClusterGroup | Where-Object { [string]$_.OwnerNode -eq $env:COMPUTERNAME } | Select-Object $groupSelect)
$data = [ordered]@{
    host = $vmHost
    vms = $vms
    replication = $replication
    measures = $measures
    clusterNodes = $clusterNodes
    groups = $groups
    collectedAt = Format-StandbyDate (Get-Date)
}
ConvertTo-StandbyAnswer $data -Depth 6
