# Stop-VM: guest shutdown, or -TurnOff.
# Body only: session.ps1 runs it on a Hyper-V host inside host-preamble.ps1 and the error envelope; $in is its decoded argument.
$name = [string]$in.vmName
if ($in.turnOff -eq $true) { Stop-VM -Name $name -TurnOff -Force -Confirm:$false } else { Stop-VM -Name $name -Force -Confirm:$false }
$data = @(Get-VM -Name $name | Select-Object $StandbyVmSelect)
ConvertTo-StandbyAnswer $data -Depth 4
