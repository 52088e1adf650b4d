# Start-VM of one VM on this host.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
Start-VM -Name $name -Confirm:$false
$data = @(Get-VM -Name $name | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4
