# Stop-VMFailover: removes the test VM of a drill, turns off and reverts a failover not yet completed
# (its recovery points stay, for another Start-VMFailover), or on the primary cancels a planned failover's
# -Prepare (learn.microsoft.com/powershell/module/hyper-v/stop-vmfailover). Refused after Complete-VMFailover.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
Stop-VMFailover -VM (Get-StandbyVm $in) -Confirm:$false
$data = $null
ConvertTo-StandbyAnswer $data -Depth 3
