# A VM's network adapters and the switch each connects to in a test failover (Get-VMNetworkAdapter).
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = @(Get-VMNetworkAdapter -VMName ([string]$in.vmName) | Select-Object 'VMName', 'Name', @{ n = 'TestReplicaSwitchName'; e = { if ([string]::IsNullOrEmpty($_.TestReplicaSwitchName)) { $null } else { [string]$_.TestReplicaSwitchName } } })
ConvertTo-StandbyAnswer $data -Depth 4
