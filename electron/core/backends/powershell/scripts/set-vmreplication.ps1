# Set-VMReplication -ReplicationFrequencySec of one VM, then its replication as Get-VMReplication shows it.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
# On the primary host this changes primary->replica; on the replica host, replica->extended
# replica. Hyper-V itself refuses frequencies a relationship does not support (30 s extended).
Set-VMReplication -VMName $name -ReplicationFrequencySec ([int]$in.replicationFrequencySec) -Confirm:$false
$data = @(Get-VMReplication -VMName $name | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
$data += @(Get-VMReplication -VMName $name -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object ($StandbyReplicationSelect + @('RecoveryHistory', 'VSSSnapshotFrequencyHour')))
ConvertTo-StandbyAnswer $data -Depth 5
