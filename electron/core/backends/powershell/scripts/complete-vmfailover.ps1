# Complete-VMFailover: commits a failover; the other recovery points are deleted.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
Complete-VMFailover -VMName ([string]$in.vmName) -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3
