# Replication measures of every VM on this host: the cheap refresh between inventories.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$measures = @(Measure-VMReplication -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
$measures += @(Measure-VMReplication -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
$states = @(Get-VM | Select-Object 'Name', @{ n = 'VMId'; e = { [string]$_.VMId } }, @{ n = 'State'; e = { ConvertTo-StandbyName $_.State } }, @{ n = 'Heartbeat'; e = { ConvertTo-StandbyName $_.Heartbeat } }, 'CPUUsage', 'MemoryAssigned', @{ n = 'OperationalStatus'; e = { Join-StandbyList $_.OperationalStatus } })
$data = [ordered]@{ measures = $measures; vms = $states; collectedAt = Format-StandbyDate (Get-Date) }
ConvertTo-StandbyAnswer $data -Depth 6
