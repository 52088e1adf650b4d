# Virtual switches of a Hyper-V host (Get-VMSwitch): the test-failover network must exist on the DR host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$data = @(Get-VMSwitch | Select-Object 'Name', @{ n = 'SwitchType'; e = { ConvertTo-StandbyName $_.SwitchType } })
ConvertTo-StandbyAnswer $data -Depth 4
