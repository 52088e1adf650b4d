# Set-VMReplication -ReplicationFrequencySec of one VM, then its replication as Get-VMReplication shows it.
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
    $name = [string]$in.vmName
    # On the primary host this changes primary->replica; on the replica host, replica->extended
    # replica. Hyper-V itself refuses frequencies a relationship does not support (30 s extended).
    Set-VMReplication -VMName $name -ReplicationFrequencySec ([int]$in.replicationFrequencySec) -Confirm:$false
    $data = @(Get-VMReplication -VMName $name | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'RecoveryHistory', 'VSSSnapshotFrequencyHour')
    $data += @(Get-VMReplication -VMName $name -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'RecoveryHistory', 'VSSSnapshotFrequencyHour')
    [ordered]@{ ok = $true; data = $data } | ConvertTo-Json -Depth 5 -Compress
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
