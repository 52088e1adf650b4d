# Measure-VMReplication of one VM on this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$vm = Get-StandbyVm $in
$data = @(Measure-VMReplication -VM $vm | Select-Object $StandbyMeasureSelect)
$data += @(Measure-VMReplication -VM $vm -ReplicationRelationshipType Extended -ErrorAction SilentlyContinue | Select-Object $StandbyMeasureSelect)
ConvertTo-StandbyAnswer $data -Depth 6
