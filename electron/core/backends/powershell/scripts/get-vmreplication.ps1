# Get-VMReplication of one VM on this host (simple and extended relationships).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
$data = @(Get-VMReplication -VMName $name | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
$data += @(Get-VMReplication -VMName $name -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
ConvertTo-StandbyAnswer $data -Depth 5
