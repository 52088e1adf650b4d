# Stop-VMFailover: removes the test VM of a drill, or cancels a failover not yet completed.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
Stop-VMFailover -VMName ([string]$in.vmName) -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3
