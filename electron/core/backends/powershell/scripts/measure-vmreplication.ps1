# Measure-VMReplication of one VM on this host.
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
    $data = @(Measure-VMReplication -VMName $name | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'PendingReplicationSize', 'AverageReplicationSize', 'MaximumReplicationSize', 'AverageReplicationLatency', 'ReplicationErrors', 'SuccessfulReplicationCount', 'MissedReplicationCount', @{ n = "MonitoringStartTime"; e = { Format-StandbyDate $_.MonitoringStartTime } }, @{ n = "MonitoringEndTime"; e = { Format-StandbyDate $_.MonitoringEndTime } }, @{ n = "ReplicationHealthDetails"; e = { @($_.ReplicationHealthDetails | ForEach-Object { [string]$_ }) } }, 'LastReplicationType')
    $data += @(Measure-VMReplication -VMName $name -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object 'VMName', @{ n = "VMId"; e = { [string]$_.VMId } }, 'ComputerName', 'ReplicationMode', 'ReplicationRelationshipType', 'ReplicationState', 'ReplicationHealth', 'ReplicationFrequencySec', 'PrimaryServerName', 'ReplicaServerName', 'CurrentReplicaServerName', @{ n = "LastReplicationTime"; e = { Format-StandbyDate $_.LastReplicationTime } }, 'PendingReplicationSize', 'AverageReplicationSize', 'MaximumReplicationSize', 'AverageReplicationLatency', 'ReplicationErrors', 'SuccessfulReplicationCount', 'MissedReplicationCount', @{ n = "MonitoringStartTime"; e = { Format-StandbyDate $_.MonitoringStartTime } }, @{ n = "MonitoringEndTime"; e = { Format-StandbyDate $_.MonitoringEndTime } }, @{ n = "ReplicationHealthDetails"; e = { @($_.ReplicationHealthDetails | ForEach-Object { [string]$_ }) } }, 'LastReplicationType')
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
