# Set-VMReplication -Reverse: after a planned failover the former replica replicates back.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
Set-VMReplication -VMName ([string]$in.vmName) -Reverse -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3
