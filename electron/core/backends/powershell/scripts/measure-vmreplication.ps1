# Measure-VMReplication of one VM on this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
$data = @(Measure-VMReplication -VMName $name | Select-Object $StandbyMeasureSelect)
$data += @(Measure-VMReplication -VMName $name -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
ConvertTo-StandbyAnswer $data -Depth 6
